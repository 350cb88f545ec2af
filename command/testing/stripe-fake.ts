import { createHmac, randomBytes } from 'node:crypto';

/**
 * A local fake of Stripe's webhook sender, for tests and the demo: event objects in
 * Stripe's documented shape (API version 2025-03-31.basil: subscription periods on the
 * items, an invoice's subscription under `parent.subscription_details`), signed as Stripe
 * signs them (`Stripe-Signature: t=…,v1=…`), with knobs for what Stripe does to receivers:
 * redeliveries, out-of-order delivery, and the failures a receiver must refuse (a wrong
 * secret, a stale or future timestamp). The `stripe` package verifies what this builds
 * (command/test/stripe-webhook.e2e.test.ts).
 */

export const STRIPE_API_VERSION = '2025-03-31.basil';

const stripeId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
const unix = (d: Date | number) => Math.floor((typeof d === 'number' ? d : d.getTime()) / 1000);

export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

/** An event as Stripe sends it; `created` defaults to now. */
export function stripeEvent(type: string, object: Record<string, unknown>, options: { id?: string; created?: Date } = {}): StripeEvent {
  return {
    id: options.id ?? stripeId('evt'),
    object: 'event',
    api_version: STRIPE_API_VERSION,
    created: unix(options.created ?? new Date()),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

export interface SubscriptionInput {
  id?: string;
  customer: string;
  status: string;
  /** Put in metadata.parley_tenant_id, as Parley's checkout does; omit to test routing by customer. */
  tenantId?: string;
  priceId?: string;
  currency?: string;
  periodStart?: Date;
  periodEnd?: Date;
  trialEnd?: Date | null;
  cancelAtPeriodEnd?: boolean;
  canceledAt?: Date | null;
}

/** A Subscription object. */
export function subscriptionObject(s: SubscriptionInput): Record<string, unknown> {
  const start = s.periodStart ?? new Date();
  const end = s.periodEnd ?? new Date(start.getTime() + 30 * 86_400_000);
  const id = s.id ?? stripeId('sub');
  const currency = (s.currency ?? 'eur').toLowerCase();
  return {
    id,
    object: 'subscription',
    customer: s.customer,
    status: s.status,
    currency,
    cancel_at_period_end: s.cancelAtPeriodEnd ?? false,
    canceled_at: s.canceledAt ? unix(s.canceledAt) : null,
    trial_end: s.trialEnd ? unix(s.trialEnd) : null,
    created: unix(start),
    metadata: s.tenantId ? { parley_tenant_id: s.tenantId } : {},
    items: {
      object: 'list',
      data: [
        {
          id: stripeId('si'),
          object: 'subscription_item',
          subscription: id,
          current_period_start: unix(start),
          current_period_end: unix(end),
          price: { id: s.priceId ?? 'price_parley_pro_monthly', object: 'price', currency, unit_amount: 4900, recurring: { interval: 'month' } },
          quantity: 1,
        },
      ],
    },
  };
}

export interface InvoiceInput {
  id?: string;
  customer: string;
  subscription: string;
  tenantId?: string;
  amount: number;
  currency?: string;
  paid: boolean;
}

/** An Invoice object of a subscription. */
export function invoiceObject(i: InvoiceInput): Record<string, unknown> {
  return {
    id: i.id ?? stripeId('in'),
    object: 'invoice',
    customer: i.customer,
    currency: (i.currency ?? 'eur').toLowerCase(),
    amount_due: i.amount,
    amount_paid: i.paid ? i.amount : 0,
    amount_remaining: i.paid ? 0 : i.amount,
    status: i.paid ? 'paid' : 'open',
    billing_reason: 'subscription_cycle',
    metadata: {},
    parent: {
      type: 'subscription_details',
      subscription_details: { subscription: i.subscription, metadata: i.tenantId ? { parley_tenant_id: i.tenantId } : {} },
    },
  };
}

export interface PaymentIntentInput {
  id?: string;
  customer: string;
  amount: number;
  currency?: string;
  succeeded: boolean;
  chargeId?: string;
  failure?: { message: string; code: string; declineCode?: string };
}

/** A PaymentIntent object (Stripe copies no subscription metadata onto it: routed by its customer). */
export function paymentIntentObject(p: PaymentIntentInput): Record<string, unknown> {
  return {
    id: p.id ?? stripeId('pi'),
    object: 'payment_intent',
    amount: p.amount,
    amount_received: p.succeeded ? p.amount : 0,
    currency: (p.currency ?? 'eur').toLowerCase(),
    customer: p.customer,
    status: p.succeeded ? 'succeeded' : 'requires_payment_method',
    latest_charge: p.chargeId ?? null,
    metadata: {},
    last_payment_error: p.failure
      ? { type: 'card_error', message: p.failure.message, code: p.failure.code, decline_code: p.failure.declineCode ?? null }
      : null,
  };
}

/** A Charge object, refunded by `amountRefunded` so far. */
export function chargeObject(c: { id?: string; customer: string; paymentIntent: string; amount: number; amountRefunded: number; currency?: string }) {
  return {
    id: c.id ?? stripeId('ch'),
    object: 'charge',
    amount: c.amount,
    amount_refunded: c.amountRefunded,
    refunded: c.amountRefunded >= c.amount,
    currency: (c.currency ?? 'eur').toLowerCase(),
    customer: c.customer,
    payment_intent: c.paymentIntent,
    metadata: {},
  };
}

/** A Dispute object on a charge. */
export function disputeObject(d: { id?: string; charge: string; paymentIntent: string; amount: number; reason?: string; currency?: string }) {
  return {
    id: d.id ?? stripeId('du'),
    object: 'dispute',
    amount: d.amount,
    currency: (d.currency ?? 'eur').toLowerCase(),
    charge: d.charge,
    payment_intent: d.paymentIntent,
    reason: d.reason ?? 'fraudulent',
    status: 'needs_response',
    metadata: {},
  };
}

/** `Stripe-Signature` for a payload: `t=<unix>,v1=<hex HMAC-SHA256 of "t.payload">`, one v1 per secret. */
export function stripeSignature(payload: string, secrets: string | readonly string[], timestamp: number): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  const v1 = list.map((secret) => `v1=${createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex')}`);
  return [`t=${timestamp}`, ...v1].join(',');
}

export interface SendOptions {
  /** Sign with this secret instead of the sender's (a wrong or rotated secret). */
  secret?: string | readonly string[];
  /** Seconds added to the signing time: negative for a stale delivery, positive for a future one. */
  timestampOffsetSeconds?: number;
  /** Send this header as is (or none at all with null). */
  signatureHeader?: string | null;
}

export interface Delivery {
  status: number;
  body: Record<string, unknown>;
}

/** Posts events to a Stripe webhook endpoint as Stripe does: JSON, signed afresh on every delivery. */
export class FakeStripe {
  constructor(
    private readonly endpoint: string,
    private readonly secret: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** An event created now by the sender's clock (or `secondsAgo` before it). */
  event(type: string, object: Record<string, unknown>, options: { id?: string; secondsAgo?: number } = {}): StripeEvent {
    return stripeEvent(type, object, { id: options.id, created: new Date(this.clock().getTime() - (options.secondsAgo ?? 0) * 1000) });
  }

  /** The exact bytes and header a delivery of this event carries. */
  sign(event: StripeEvent, options: SendOptions = {}): { payload: string; header: string | null } {
    const payload = JSON.stringify(event, null, 2);
    const timestamp = unix(this.clock()) + (options.timestampOffsetSeconds ?? 0);
    const header = options.signatureHeader !== undefined ? options.signatureHeader : stripeSignature(payload, options.secret ?? this.secret, timestamp);
    return { payload, header };
  }

  async send(event: StripeEvent, options: SendOptions = {}): Promise<Delivery> {
    const { payload, header } = this.sign(event, options);
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        ...(header !== null && { 'stripe-signature': header }),
      },
      body: payload,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** Stripe retries and may deliver twice: the same event, signed again. */
  async redeliver(event: StripeEvent, times = 1): Promise<Delivery[]> {
    const out: Delivery[] = [];
    for (let i = 0; i < times; i++) out.push(await this.send(event));
    return out;
  }

  /** Delivers events in the given order of their indexes (Stripe guarantees no order). */
  async sendInOrder(events: readonly StripeEvent[], order: readonly number[]): Promise<Delivery[]> {
    const out: Delivery[] = [];
    for (const i of order) {
      const event = events[i];
      if (!event) throw new RangeError(`no event at ${i}`);
      out.push(await this.send(event));
    }
    return out;
  }
}

/** Fresh ids of the kinds Stripe uses, for tests that build their own objects. */
export const newStripeId = stripeId;
