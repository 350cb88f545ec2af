import { CurrencyCode, PaymentStatus, SubscriptionStatus } from '@parley/events';
import type pg from 'pg';
import { z } from 'zod';

const Instant = z.string().describe('ISO 8601 instant');
const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export const BillingSubscriptionView = z.object({
  tenantId: z.uuid(),
  subscriptionId: z.string().describe("Stripe's subscription id (sub_…)"),
  customerId: z.string().describe("Stripe's customer id (cus_…)"),
  status: SubscriptionStatus,
  priceId: z.string().nullable(),
  currency: CurrencyCode.nullable(),
  currentPeriodStart: Instant.nullable(),
  currentPeriodEnd: Instant.nullable(),
  trialEnd: Instant.nullable(),
  cancelAtPeriodEnd: z.boolean(),
  canceledAt: Instant.nullable(),
  pastDueSince: Instant.nullable(),
  marketingSuspendedSince: Instant.nullable().describe("Dunning: since when the tenant's marketing template sends are refused; null: they are not"),
  updatedAt: Instant,
});
export type BillingSubscriptionView = z.infer<typeof BillingSubscriptionView>;

export const PaymentView = z.object({
  paymentKey: z.string().describe('The payment intent id, else the invoice id, else the charge id'),
  subscriptionId: z.string().nullable(),
  invoiceId: z.string().nullable(),
  paymentIntentId: z.string().nullable(),
  chargeId: z.string().nullable(),
  amount: z.number().int().describe('Integer minor units of currency (cents)'),
  currency: CurrencyCode,
  status: PaymentStatus,
  failureReason: z.string().nullable(),
  amountRefunded: z.number().int(),
  disputeId: z.string().nullable(),
  disputedAmount: z.number().int(),
  disputeReason: z.string().nullable(),
  createdAt: Instant,
  updatedAt: Instant,
});
export type PaymentView = z.infer<typeof PaymentView>;

interface SubscriptionRow {
  tenant_id: string;
  subscription_id: string;
  customer_id: string;
  status: BillingSubscriptionView['status'];
  price_id: string | null;
  currency: string | null;
  current_period_start: Date | null;
  current_period_end: Date | null;
  trial_end: Date | null;
  cancel_at_period_end: boolean;
  canceled_at: Date | null;
  past_due_since: Date | null;
  marketing_suspended_since: Date | null;
  updated_at: Date;
}

interface PaymentRow {
  payment_key: string;
  subscription_id: string | null;
  invoice_id: string | null;
  payment_intent_id: string | null;
  charge_id: string | null;
  amount: string;
  currency: string;
  status: PaymentView['status'];
  failure_reason: string | null;
  amount_refunded: string;
  dispute_id: string | null;
  disputed_amount: string;
  dispute_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A tenant's subscription and payments, as the billing projector keeps them. */
export class BillingQueries {
  constructor(private readonly pool: pg.Pool) {}

  async subscription(tenantId: string): Promise<BillingSubscriptionView | null> {
    const res = await this.pool.query<SubscriptionRow>('SELECT * FROM subscriptions WHERE tenant_id = $1', [tenantId]);
    const r = res.rows[0];
    if (!r) return null;
    return {
      tenantId: r.tenant_id,
      subscriptionId: r.subscription_id,
      customerId: r.customer_id,
      status: r.status,
      priceId: r.price_id,
      currency: r.currency,
      currentPeriodStart: iso(r.current_period_start),
      currentPeriodEnd: iso(r.current_period_end),
      trialEnd: iso(r.trial_end),
      cancelAtPeriodEnd: r.cancel_at_period_end,
      canceledAt: iso(r.canceled_at),
      pastDueSince: iso(r.past_due_since),
      marketingSuspendedSince: iso(r.marketing_suspended_since),
      updatedAt: r.updated_at.toISOString(),
    };
  }

  /** Newest first. */
  async payments(tenantId: string, limit: number): Promise<PaymentView[]> {
    const res = await this.pool.query<PaymentRow>('SELECT * FROM payments WHERE tenant_id = $1 ORDER BY created_at DESC, payment_key LIMIT $2', [
      tenantId,
      limit,
    ]);
    return res.rows.map((r) => ({
      paymentKey: r.payment_key,
      subscriptionId: r.subscription_id,
      invoiceId: r.invoice_id,
      paymentIntentId: r.payment_intent_id,
      chargeId: r.charge_id,
      // bigint columns arrive as strings; minor units stay far below 2^53.
      amount: Number(r.amount),
      currency: r.currency,
      status: r.status,
      failureReason: r.failure_reason,
      amountRefunded: Number(r.amount_refunded),
      disputeId: r.dispute_id,
      disputedAmount: Number(r.disputed_amount),
      disputeReason: r.dispute_reason,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    }));
  }
}
