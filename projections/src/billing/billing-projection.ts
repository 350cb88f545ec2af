import type { PaymentStatus } from '@parley/events';
import type { PgProjection, Sql } from '../runtime/pg-projection.ts';
import type { Projected } from '../runtime/projected-event.ts';

export const BILLING_SCHEMA = 'billing';

/**
 * Tenants' Stripe subscriptions and payments, for the billing role and platform admins.
 * The subscription decider already dropped stale and repeated Stripe events, so rows
 * follow the log; every write sets values from the event (never adds), so an event
 * applied twice changes nothing the second time.
 */
async function createTables(sql: Sql): Promise<void> {
  await sql.query(`
    CREATE TABLE subscriptions (
      tenant_id            uuid PRIMARY KEY,
      subscription_id      text NOT NULL,
      customer_id          text NOT NULL,
      status               text NOT NULL,
      price_id             text,
      currency             text,
      current_period_start timestamptz,
      current_period_end   timestamptz,
      trial_end            timestamptz,
      cancel_at_period_end boolean NOT NULL,
      canceled_at          timestamptz,
      past_due_since       timestamptz,
      -- Dunning: from when the tenant's marketing template sends are refused; null: they are not.
      marketing_suspended_since timestamptz,
      updated_at           timestamptz NOT NULL
    );
    CREATE TABLE payments (
      tenant_id         uuid NOT NULL,
      payment_key       text NOT NULL,
      subscription_id   text,
      invoice_id        text,
      payment_intent_id text,
      charge_id         text,
      amount            bigint NOT NULL,
      currency          text NOT NULL,
      status            text NOT NULL, -- succeeded, failed, requires_action
      failure_reason    text,
      amount_refunded   bigint NOT NULL DEFAULT 0,
      dispute_id        text,
      disputed_amount   bigint NOT NULL DEFAULT 0,
      dispute_reason    text,
      created_at        timestamptz NOT NULL,
      updated_at        timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, payment_key)
    );
    CREATE INDEX payments_by_tenant ON payments (tenant_id, created_at DESC, payment_key);
  `);
}

const OVERDUE = `status IN ('past_due', 'unpaid')`;

async function apply(sql: Sql, p: Projected): Promise<void> {
  const tenant = p.metadata.tenantId;
  const e = p.event;
  switch (e.type) {
    case 'SubscriptionCreated':
    case 'SubscriptionUpdated':
    case 'SubscriptionDeleted': {
      const d = e.data;
      // As the decider folds it: a deletion cancels, and past due counts from its first day.
      const status = e.type === 'SubscriptionDeleted' && d.status !== 'incomplete_expired' ? 'canceled' : d.status;
      await sql.query(
        `INSERT INTO subscriptions AS s (tenant_id, subscription_id, customer_id, status, price_id, currency, current_period_start, current_period_end,
                                         trial_end, cancel_at_period_end, canceled_at, past_due_since, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CASE WHEN $4 IN ('past_due', 'unpaid') THEN $12::timestamptz END, $12)
         ON CONFLICT (tenant_id) DO UPDATE SET
           subscription_id = excluded.subscription_id, customer_id = excluded.customer_id, status = excluded.status, price_id = excluded.price_id,
           currency = excluded.currency, current_period_start = excluded.current_period_start, current_period_end = excluded.current_period_end,
           trial_end = excluded.trial_end, cancel_at_period_end = excluded.cancel_at_period_end, canceled_at = excluded.canceled_at,
           past_due_since = CASE WHEN excluded.status NOT IN ('past_due', 'unpaid') THEN NULL
                                 WHEN s.subscription_id = excluded.subscription_id THEN coalesce(s.past_due_since, excluded.past_due_since)
                                 ELSE excluded.past_due_since END,
           updated_at = excluded.updated_at`,
        [
          tenant,
          d.subscriptionId,
          d.customerId,
          status,
          d.priceId,
          d.currency,
          d.currentPeriodStart,
          d.currentPeriodEnd,
          d.trialEnd,
          d.cancelAtPeriodEnd,
          d.canceledAt,
          d.stripeCreatedAt,
        ],
      );
      return;
    }
    case 'SubscriptionStatusChanged':
      await sql.query(
        `UPDATE subscriptions SET status = $2,
                past_due_since = CASE WHEN $2 IN ('past_due', 'unpaid') THEN coalesce(past_due_since, $3) END, updated_at = $3
          WHERE tenant_id = $1`,
        [tenant, e.data.to, e.data.stripeCreatedAt],
      );
      return;
    case 'SubscriptionTrialEnding':
      return;
    case 'MarketingSendsSuspended':
      await sql.query(`UPDATE subscriptions SET marketing_suspended_since = $2 WHERE tenant_id = $1 AND ${OVERDUE}`, [tenant, e.data.effectiveAt]);
      return;
    case 'MarketingSendsRestored':
      await sql.query('UPDATE subscriptions SET marketing_suspended_since = NULL WHERE tenant_id = $1', [tenant]);
      return;
    case 'PaymentSucceeded':
    case 'PaymentFailed':
    case 'PaymentActionRequired':
    case 'PaymentRefunded':
    case 'PaymentDisputed': {
      const d = e.data;
      // A refund or a dispute is of money that was paid.
      const status: PaymentStatus = e.type === 'PaymentFailed' ? 'failed' : e.type === 'PaymentActionRequired' ? 'requires_action' : 'succeeded';
      const outcomeChanges = e.type === 'PaymentSucceeded' || e.type === 'PaymentFailed' || e.type === 'PaymentActionRequired';
      await sql.query(
        `INSERT INTO payments AS x (tenant_id, payment_key, subscription_id, invoice_id, payment_intent_id, charge_id, amount, currency, status,
                                    failure_reason, amount_refunded, dispute_id, disputed_amount, dispute_reason, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
         ON CONFLICT (tenant_id, payment_key) DO UPDATE SET
           subscription_id = coalesce(excluded.subscription_id, x.subscription_id),
           invoice_id = coalesce(excluded.invoice_id, x.invoice_id),
           payment_intent_id = coalesce(excluded.payment_intent_id, x.payment_intent_id),
           charge_id = coalesce(excluded.charge_id, x.charge_id),
           amount = CASE WHEN $16 THEN excluded.amount ELSE x.amount END,
           status = CASE WHEN $16 THEN excluded.status ELSE x.status END,
           failure_reason = coalesce(excluded.failure_reason, x.failure_reason),
           amount_refunded = greatest(x.amount_refunded, excluded.amount_refunded),
           dispute_id = coalesce(excluded.dispute_id, x.dispute_id),
           disputed_amount = greatest(x.disputed_amount, excluded.disputed_amount),
           dispute_reason = coalesce(excluded.dispute_reason, x.dispute_reason),
           created_at = least(x.created_at, excluded.created_at),
           updated_at = greatest(x.updated_at, excluded.updated_at)`,
        [
          tenant,
          d.paymentKey,
          d.subscriptionId,
          d.invoiceId,
          d.paymentIntentId,
          d.chargeId,
          d.amount,
          d.currency,
          status,
          'failureReason' in d ? d.failureReason : null,
          'amountRefunded' in d ? d.amountRefunded : 0,
          'disputeId' in d ? d.disputeId : null,
          'disputedAmount' in d ? d.disputedAmount : 0,
          'disputeReason' in d ? d.disputeReason : null,
          d.stripeCreatedAt,
          outcomeChanges,
        ],
      );
      return;
    }
    default:
      return;
  }
}

export const billingProjection: PgProjection = {
  name: 'billing',
  schema: BILLING_SCHEMA,
  version: 1,
  createTables,
  apply,
};
