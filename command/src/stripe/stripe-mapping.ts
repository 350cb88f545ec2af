import { eventCatalog, SubscriptionStatus } from '@parley/events';
import type { z } from 'zod';
import type { StripeFact } from '../domain/subscription.ts';
import { StripeCharge, StripeDispute, type StripeEventEnvelope, StripeInvoice, StripePaymentIntent, StripeSubscription } from './stripe-payload.ts';

/** The metadata key that names a Parley tenant on a Stripe customer, subscription or payment intent. */
export const TENANT_METADATA_KEY = 'parley_tenant_id';

/** The Stripe event types Parley acts on; every other type is answered 200 and ignored. */
export const HANDLED_STRIPE_EVENTS = [
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.trial_will_end',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.payment_action_required',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.refunded',
  'charge.dispute.created',
] as const;
type HandledType = (typeof HANDLED_STRIPE_EVENTS)[number];
const isHandled = (type: string): type is HandledType => (HANDLED_STRIPE_EVENTS as readonly string[]).includes(type);

/**
 * How to find the tenant: the tenant our metadata names, else the first of `via` (Stripe
 * object ids) linked to a tenant before; `link` are the objects to link to it now.
 */
export interface StripeRoute {
  tenantId: string | null;
  via: string[];
  link: string[];
}

export type MappedStripeEvent =
  | { kind: 'ignored'; reason: string }
  | { kind: 'fact'; fact: StripeFact; route: StripeRoute }
  | { kind: 'invalid'; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (unix: number | null | undefined) => (unix === null || unix === undefined ? null : new Date(unix * 1000).toISOString());
const present = (...ids: (string | null | undefined)[]) => ids.filter((id): id is string => typeof id === 'string');
/** The first tenant id any of these metadata name. */
const tenantIn = (...metadata: (Record<string, string> | null | undefined)[]) => {
  for (const m of metadata) {
    const id = m?.[TENANT_METADATA_KEY]?.trim().toLowerCase();
    if (id && UUID.test(id)) return id;
  }
  return null;
};

function parse<T extends z.ZodType>(schema: T, object: unknown, type: string): { ok: true; value: z.infer<T> } | { ok: false; reason: string } {
  const parsed = schema.safeParse(object);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `${type}: data.object.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'not the documented shape'}` };
}

/**
 * Turns a verified Stripe event into the fact it reports and how to find its tenant. Pure:
 * the ingest does the lookups and the decider weighs the fact against what is known.
 */
export function mapStripeEvent(event: StripeEventEnvelope): MappedStripeEvent {
  const mapped = mapHandled(event);
  if (mapped.kind !== 'fact') return mapped;
  // What Stripe sent must also fit what we store (a currency code, bounded texts): a 400 here, not a failed append.
  const checked = eventCatalog[mapped.fact.type][1].safeParse(mapped.fact.data);
  if (checked.success) return mapped;
  const issue = checked.error.issues[0];
  return { kind: 'invalid', reason: `${event.type}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'not storable'}` };
}

function mapHandled(event: StripeEventEnvelope): MappedStripeEvent {
  if (!isHandled(event.type)) return { kind: 'ignored', reason: `event type ${event.type} is not used` };
  const type = event.type;
  const source = { stripeEventId: event.id, stripeEventType: type, stripeCreatedAt: new Date(event.created * 1000).toISOString() };
  const object = event.data.object;

  switch (type) {
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
    case 'customer.subscription.trial_will_end': {
      const p = parse(StripeSubscription, object, type);
      if (!p.ok) return { kind: 'invalid', reason: p.reason };
      const s = p.value;
      const route = { tenantId: tenantIn(s.metadata), via: [s.customer], link: [s.customer] };
      if (type === 'customer.subscription.trial_will_end') {
        return { kind: 'fact', route, fact: { type: 'SubscriptionTrialEnding', data: { ...source, subscriptionId: s.id, trialEnd: iso(s.trial_end) } } };
      }
      const status = SubscriptionStatus.safeParse(s.status);
      if (!status.success) return { kind: 'invalid', reason: `${type}: data.object.status: ${s.status} is not a subscription status` };
      const item = s.items?.data[0];
      const data = {
        ...source,
        subscriptionId: s.id,
        customerId: s.customer,
        status: status.data,
        priceId: item?.price?.id ?? null,
        currency: (s.currency ?? item?.price?.currency ?? null)?.toUpperCase() ?? null,
        currentPeriodStart: iso(s.current_period_start ?? item?.current_period_start),
        currentPeriodEnd: iso(s.current_period_end ?? item?.current_period_end),
        trialEnd: iso(s.trial_end),
        cancelAtPeriodEnd: s.cancel_at_period_end ?? false,
        canceledAt: iso(s.canceled_at),
      };
      const eventType =
        type === 'customer.subscription.created'
          ? 'SubscriptionCreated'
          : type === 'customer.subscription.updated'
            ? 'SubscriptionUpdated'
            : 'SubscriptionDeleted';
      return { kind: 'fact', route, fact: { type: eventType, data } };
    }
    case 'invoice.paid':
    case 'invoice.payment_failed':
    case 'invoice.payment_action_required': {
      const p = parse(StripeInvoice, object, type);
      if (!p.ok) return { kind: 'invalid', reason: p.reason };
      const i = p.value;
      const details = i.parent?.subscription_details ?? i.subscription_details;
      const paymentIntentId = i.payment_intent ?? null;
      const chargeId = i.charge ?? null;
      const route = {
        tenantId: tenantIn(i.metadata, details?.metadata, i.subscription_details?.metadata),
        via: present(i.customer, paymentIntentId, chargeId),
        link: present(paymentIntentId, chargeId, i.customer),
      };
      const data = {
        ...source,
        paymentKey: paymentIntentId ?? i.id,
        subscriptionId: details?.subscription ?? i.subscription ?? null,
        invoiceId: i.id,
        paymentIntentId,
        chargeId,
        currency: i.currency.toUpperCase(),
      };
      if (type === 'invoice.paid') return { kind: 'fact', route, fact: { type: 'PaymentSucceeded', data: { ...data, amount: i.amount_paid } } };
      if (type === 'invoice.payment_failed') {
        return { kind: 'fact', route, fact: { type: 'PaymentFailed', data: { ...data, amount: i.amount_due, failureReason: null } } };
      }
      return { kind: 'fact', route, fact: { type: 'PaymentActionRequired', data: { ...data, amount: i.amount_due } } };
    }
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed': {
      const p = parse(StripePaymentIntent, object, type);
      if (!p.ok) return { kind: 'invalid', reason: p.reason };
      const pi = p.value;
      const chargeId = pi.latest_charge ?? null;
      const route = { tenantId: tenantIn(pi.metadata), via: present(pi.id, pi.customer, chargeId), link: present(pi.id, chargeId, pi.customer) };
      const data = {
        ...source,
        paymentKey: pi.id,
        subscriptionId: null,
        invoiceId: null,
        paymentIntentId: pi.id,
        chargeId,
        currency: pi.currency.toUpperCase(),
      };
      if (type === 'payment_intent.succeeded') {
        return { kind: 'fact', route, fact: { type: 'PaymentSucceeded', data: { ...data, amount: pi.amount_received ?? pi.amount } } };
      }
      const error = pi.last_payment_error;
      const failureReason = error ? [error.message, error.decline_code ?? error.code].filter(Boolean).join(' — ').slice(0, 1000) || null : null;
      return { kind: 'fact', route, fact: { type: 'PaymentFailed', data: { ...data, amount: pi.amount, failureReason } } };
    }
    case 'charge.refunded': {
      const p = parse(StripeCharge, object, type);
      if (!p.ok) return { kind: 'invalid', reason: p.reason };
      const c = p.value;
      const route = { tenantId: tenantIn(c.metadata), via: present(c.payment_intent, c.id, c.customer), link: present(c.id) };
      const data = {
        ...source,
        paymentKey: c.payment_intent ?? c.invoice ?? c.id,
        subscriptionId: null,
        invoiceId: c.invoice ?? null,
        paymentIntentId: c.payment_intent ?? null,
        chargeId: c.id,
        amount: c.amount,
        currency: c.currency.toUpperCase(),
      };
      return { kind: 'fact', route, fact: { type: 'PaymentRefunded', data: { ...data, amountRefunded: c.amount_refunded } } };
    }
    case 'charge.dispute.created': {
      const p = parse(StripeDispute, object, type);
      if (!p.ok) return { kind: 'invalid', reason: p.reason };
      const d = p.value;
      const route = { tenantId: tenantIn(d.metadata), via: present(d.payment_intent, d.charge), link: [] };
      const data = {
        ...source,
        paymentKey: d.payment_intent ?? d.charge,
        subscriptionId: null,
        invoiceId: null,
        paymentIntentId: d.payment_intent ?? null,
        chargeId: d.charge,
        amount: d.amount,
        currency: d.currency.toUpperCase(),
      };
      return {
        kind: 'fact',
        route,
        fact: { type: 'PaymentDisputed', data: { ...data, disputeId: d.id, disputeReason: d.reason.slice(0, 100), disputedAmount: d.amount } },
      };
    }
    default:
      return type satisfies never;
  }
}
