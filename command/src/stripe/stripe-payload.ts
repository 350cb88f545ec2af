import { z } from 'zod';

/**
 * The parts of Stripe's event objects Parley reads (Stripe API reference: Event,
 * Subscription, Invoice, PaymentIntent, Charge, Dispute). Objects are loose: Stripe adds
 * fields in every API version, and what we do not read must not refuse a delivery. Fields
 * that moved between API versions (an invoice's subscription and payment intent; a
 * subscription's period) are read from both places.
 */

/** Unix seconds up to the last second of 9999: any later one is no date `Date` can print. */
const Unix = z.number().int().min(0).max(253_402_300_799);
/** An id, or the object it names when the endpoint asked for it expanded. */
const Ref = (prefix: string) =>
  z
    .union([z.string(), z.looseObject({ id: z.string() })])
    .transform((v) => (typeof v === 'string' ? v : v.id))
    .pipe(z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_]+$`), `a Stripe id starting ${prefix}_`));
const Metadata = z.record(z.string(), z.string()).nullish();

export const StripeEventEnvelope = z.looseObject({
  id: z.string().regex(/^evt_[A-Za-z0-9_]+$/, 'a Stripe event id (evt_…)'),
  object: z.literal('event'),
  type: z.string().min(1).max(100),
  created: Unix,
  data: z.looseObject({ object: z.looseObject({}) }),
});
export type StripeEventEnvelope = z.infer<typeof StripeEventEnvelope>;

const Price = z.looseObject({ id: z.string(), currency: z.string().nullish() });
export const StripeSubscription = z.looseObject({
  id: z.string().regex(/^sub_[A-Za-z0-9_]+$/),
  object: z.literal('subscription'),
  customer: Ref('cus'),
  status: z.string(),
  currency: z.string().nullish(),
  current_period_start: Unix.nullish(),
  current_period_end: Unix.nullish(),
  trial_end: Unix.nullish(),
  cancel_at_period_end: z.boolean().nullish(),
  canceled_at: Unix.nullish(),
  metadata: Metadata,
  items: z
    .looseObject({
      data: z.array(z.looseObject({ price: Price.nullish(), current_period_start: Unix.nullish(), current_period_end: Unix.nullish() })),
    })
    .nullish(),
});
export type StripeSubscription = z.infer<typeof StripeSubscription>;

const SubscriptionDetails = z.looseObject({ metadata: Metadata, subscription: Ref('sub').nullish() }).nullish();
export const StripeInvoice = z.looseObject({
  id: z.string().regex(/^in_[A-Za-z0-9_]+$/),
  object: z.literal('invoice'),
  customer: Ref('cus').nullish(),
  currency: z.string(),
  amount_due: z.number().int().nonnegative(),
  amount_paid: z.number().int().nonnegative(),
  metadata: Metadata,
  /** Before API version 2025-03-31. */
  subscription: Ref('sub').nullish(),
  subscription_details: SubscriptionDetails,
  payment_intent: Ref('pi').nullish(),
  charge: Ref('ch').nullish(),
  /** From API version 2025-03-31. */
  parent: z.looseObject({ subscription_details: SubscriptionDetails }).nullish(),
});
export type StripeInvoice = z.infer<typeof StripeInvoice>;

export const StripePaymentIntent = z.looseObject({
  id: z.string().regex(/^pi_[A-Za-z0-9_]+$/),
  object: z.literal('payment_intent'),
  amount: z.number().int().nonnegative(),
  amount_received: z.number().int().nonnegative().nullish(),
  currency: z.string(),
  customer: Ref('cus').nullish(),
  latest_charge: Ref('(ch|py)').nullish(),
  metadata: Metadata,
  last_payment_error: z.looseObject({ message: z.string().nullish(), code: z.string().nullish(), decline_code: z.string().nullish() }).nullish(),
});
export type StripePaymentIntent = z.infer<typeof StripePaymentIntent>;

export const StripeCharge = z.looseObject({
  id: z.string().regex(/^(ch|py)_[A-Za-z0-9_]+$/),
  object: z.literal('charge'),
  amount: z.number().int().nonnegative(),
  amount_refunded: z.number().int().nonnegative(),
  currency: z.string(),
  customer: Ref('cus').nullish(),
  payment_intent: Ref('pi').nullish(),
  invoice: Ref('in').nullish(),
  metadata: Metadata,
});
export type StripeCharge = z.infer<typeof StripeCharge>;

export const StripeDispute = z.looseObject({
  id: z.string().regex(/^du_[A-Za-z0-9_]+$/),
  object: z.literal('dispute'),
  amount: z.number().int().nonnegative(),
  currency: z.string(),
  charge: Ref('(ch|py)'),
  payment_intent: Ref('pi').nullish(),
  reason: z.string(),
  metadata: Metadata,
});
export type StripeDispute = z.infer<typeof StripeDispute>;
