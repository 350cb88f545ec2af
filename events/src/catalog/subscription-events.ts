import { z } from 'zod';

/**
 * A tenant's Stripe subscription and its payments, as Stripe's webhooks report them
 * (docs/billing.md, "Subscriptions, payments and Stripe"). Stripe is the source of these
 * facts; the events keep Stripe's ids so every one can be traced back to the Stripe event
 * it came from.
 */

const Instant = z.iso.datetime({ offset: true });
const StripeId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_]{1,250}$`), `a Stripe id starting ${prefix}_`);

/** Stripe's subscription statuses (seed 000 has all but `paused`, which Stripe also sends). */
export const SubscriptionStatus = z.enum(['trialing', 'active', 'past_due', 'canceled', 'unpaid', 'incomplete', 'incomplete_expired', 'paused']);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatus>;

/** Where a payment stands (Stripe's words); refunds and disputes are recorded beside it. */
export const PaymentStatus = z.enum(['succeeded', 'failed', 'requires_action']);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

/** ISO 4217, upper case (Stripe sends lower case: the mapping raises it). */
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217, upper case');

/** Which Stripe event a domain event came from: its id (the dedup key) and when Stripe created it. */
const StripeSource = {
  stripeEventId: StripeId('evt'),
  stripeEventType: z.string().min(1).max(100),
  /** Stripe's `created` of the event: what orders facts about the same object. */
  stripeCreatedAt: Instant,
};

/** The subscription object as Stripe last described it. */
export const SubscriptionSnapshot = z.object({
  ...StripeSource,
  subscriptionId: StripeId('sub'),
  customerId: StripeId('cus'),
  status: SubscriptionStatus,
  /** The first item's price id (the plan), when there is one. */
  priceId: z.string().max(255).nullable(),
  currency: CurrencyCode.nullable(),
  currentPeriodStart: Instant.nullable(),
  currentPeriodEnd: Instant.nullable(),
  trialEnd: Instant.nullable(),
  cancelAtPeriodEnd: z.boolean(),
  canceledAt: Instant.nullable(),
});

/** The subscription's status moved because of a payment (Stripe's own update may follow, or be lost). */
const SubscriptionStatusChanged = z.object({
  ...StripeSource,
  subscriptionId: StripeId('sub'),
  from: SubscriptionStatus,
  to: SubscriptionStatus,
  reason: z.enum(['payment_failed', 'payment_succeeded']),
});

const SubscriptionTrialEnding = z.object({ ...StripeSource, subscriptionId: StripeId('sub'), trialEnd: Instant.nullable() });

/**
 * One payment: keyed by its payment intent, else its invoice, else its charge, so an
 * invoice's and its payment intent's events land on the same payment. Amounts are in
 * integer minor units of `currency`.
 */
export const PaymentFacts = z.object({
  ...StripeSource,
  paymentKey: z.string().min(1).max(255),
  subscriptionId: StripeId('sub').nullable(),
  invoiceId: StripeId('in').nullable(),
  paymentIntentId: StripeId('pi').nullable(),
  chargeId: z
    .string()
    .regex(/^(ch|py)_[A-Za-z0-9_]{1,250}$/)
    .nullable(),
  amount: z.number().int().min(0),
  currency: CurrencyCode,
});
const PaymentSucceeded = PaymentFacts;
const PaymentFailed = PaymentFacts.extend({ failureReason: z.string().max(1000).nullable() });
const PaymentActionRequired = PaymentFacts;
/** `amountRefunded` is the charge's total refunded so far (Stripe's cumulative figure), not this refund's. */
const PaymentRefunded = PaymentFacts.extend({ amountRefunded: z.number().int().min(0) });
const PaymentDisputed = PaymentFacts.extend({ disputeId: StripeId('du'), disputeReason: z.string().max(100), disputedAmount: z.number().int().min(0) });

/**
 * Dunning: the tenant's marketing template sends are refused from `effectiveAt` (the day
 * the grace after the first failed payment ran out) until a payment restores them.
 * Appended when a send or a webhook first observes the deadline passed: no timer.
 */
const MarketingSendsSuspended = z.object({
  subscriptionId: StripeId('sub'),
  pastDueSince: Instant,
  effectiveAt: Instant,
  graceDays: z.number().int().min(0),
});
const MarketingSendsRestored = z.object({
  subscriptionId: StripeId('sub'),
  reason: z.enum(['payment_succeeded', 'subscription_active', 'subscription_ended']),
});

/**
 * A Stripe customer, payment intent or charge belongs to this tenant: what Stripe sends
 * without our metadata (invoices, charges, disputes) is routed by it. The first link wins.
 */
const StripeObjectLinked = z.object({
  objectId: z.string().regex(/^(cus|pi|ch|py)_[A-Za-z0-9_]{1,250}$/),
  tenantId: z.uuid(),
});

/** The block `eventCatalog` registers. */
export const subscriptionEventCatalog = {
  SubscriptionCreated: [1, SubscriptionSnapshot],
  SubscriptionUpdated: [1, SubscriptionSnapshot],
  SubscriptionDeleted: [1, SubscriptionSnapshot],
  SubscriptionStatusChanged: [1, SubscriptionStatusChanged],
  SubscriptionTrialEnding: [1, SubscriptionTrialEnding],
  PaymentSucceeded: [1, PaymentSucceeded],
  PaymentFailed: [1, PaymentFailed],
  PaymentActionRequired: [1, PaymentActionRequired],
  PaymentRefunded: [1, PaymentRefunded],
  PaymentDisputed: [1, PaymentDisputed],
  MarketingSendsSuspended: [1, MarketingSendsSuspended],
  MarketingSendsRestored: [1, MarketingSendsRestored],
  StripeObjectLinked: [1, StripeObjectLinked],
} as const satisfies Record<string, readonly [number, z.ZodType]>;
