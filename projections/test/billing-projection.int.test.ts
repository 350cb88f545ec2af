import { randomUUID } from 'node:crypto';
import { type ParleyEvent, type PostgresEventStore, START } from '@parley/events';
import type { TestDatabase } from '@parley/events/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingProjection } from '../src/billing/index.ts';
import { PgProjector, toProjected } from '../src/index.ts';
import { envelope } from './support/events.ts';
import { closePgStore, openPgStore } from './support/pg-store.ts';

let db: TestDatabase;
let store: PostgresEventStore;
let pool: pg.Pool;

beforeAll(async () => {
  ({ db, store, pool } = await openPgStore('billing_projection'));
});
afterAll(async () => {
  await closePgStore({ db, store, pool });
});

const rows = async () => ({
  subscriptions: (await pool.query('SELECT * FROM billing.subscriptions ORDER BY tenant_id')).rows,
  payments: (await pool.query('SELECT * FROM billing.payments ORDER BY tenant_id, payment_key')).rows,
});

describe('billing projection', () => {
  it('follows the subscription through past due, suspension and restore; an event applied twice changes nothing', async () => {
    const tenantId = randomUUID();
    let t = Date.parse('2026-12-01T09:00:00Z');
    const at = () => new Date((t += 1_000));
    const source = (type: string) => ({
      stripeEventId: `evt_${randomUUID().replace(/-/g, '')}`,
      stripeEventType: type,
      stripeCreatedAt: new Date(t).toISOString(),
    });
    const snapshot = (status: 'active' | 'past_due') => ({
      ...source('customer.subscription.updated'),
      subscriptionId: 'sub_proj',
      customerId: 'cus_proj',
      status,
      priceId: 'price_pro',
      currency: 'EUR',
      currentPeriodStart: '2026-12-01T00:00:00.000Z',
      currentPeriodEnd: '2027-01-01T00:00:00.000Z',
      trialEnd: null,
      cancelAtPeriodEnd: false,
      canceledAt: null,
    });
    const payment = (paymentKey: string) => ({
      ...source('invoice.payment_failed'),
      paymentKey,
      subscriptionId: 'sub_proj',
      invoiceId: 'in_proj',
      paymentIntentId: null,
      chargeId: null,
      amount: 4900,
      currency: 'EUR',
    });
    const events: ParleyEvent[] = [];
    const add = (e: ParleyEvent) => events.push(e);
    add({ type: 'SubscriptionCreated', data: snapshot('active') });
    add({ type: 'PaymentFailed', data: { ...payment('in_proj'), failureReason: null } });
    add({
      type: 'SubscriptionStatusChanged',
      data: { ...source('invoice.payment_failed'), subscriptionId: 'sub_proj', from: 'active', to: 'past_due', reason: 'payment_failed' },
    });
    add({ type: 'SubscriptionUpdated', data: snapshot('past_due') });
    add({
      type: 'MarketingSendsSuspended',
      data: { subscriptionId: 'sub_proj', pastDueSince: '2026-12-01T09:00:00.000Z', effectiveAt: '2026-12-08T09:00:00.000Z', graceDays: 7 },
    });
    add({ type: 'PaymentSucceeded', data: { ...payment('in_proj'), amount: 4900 } });
    add({ type: 'PaymentRefunded', data: { ...payment('in_proj'), amountRefunded: 500 } });
    add({
      type: 'SubscriptionStatusChanged',
      data: { ...source('invoice.paid'), subscriptionId: 'sub_proj', from: 'past_due', to: 'active', reason: 'payment_succeeded' },
    });
    add({ type: 'MarketingSendsRestored', data: { subscriptionId: 'sub_proj', reason: 'payment_succeeded' } });
    await store.appendToStream(
      `subscription-${tenantId}`,
      events.map((e) => envelope(e, tenantId, at())),
    );

    const projector = new PgProjector({ pool, store, projection: billingProjection });
    await projector.start();
    while ((await projector.status()).eventsBehind !== 0) await new Promise((r) => setTimeout(r, 20));
    await projector.stop();
    const once = await rows();
    expect(once.subscriptions).toEqual([
      expect.objectContaining({ tenant_id: tenantId, status: 'active', past_due_since: null, marketing_suspended_since: null }),
    ]);
    expect(once.payments).toEqual([expect.objectContaining({ payment_key: 'in_proj', status: 'succeeded', amount: '4900', amount_refunded: '500' })]);

    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL search_path = billing');
      const recorded = (await store.readAll({ after: START, maxCount: 100 })).events.filter((r) => r.streamId === `subscription-${tenantId}`);
      // Every event again, in order: a redelivered batch after a crash before the checkpoint.
      for (const r of recorded) await billingProjection.apply(client, toProjected(r)!);
      const twice = {
        subscriptions: (await client.query('SELECT * FROM subscriptions ORDER BY tenant_id')).rows,
        payments: (await client.query('SELECT * FROM payments ORDER BY tenant_id, payment_key')).rows,
      };
      expect(twice).toEqual(once);
      // Mid-way, after the suspension, the row said so (inside this transaction, rolled back).
      await client.query('TRUNCATE subscriptions, payments');
      for (const r of recorded.slice(0, 5)) await billingProjection.apply(client, toProjected(r)!);
      const suspended = (await client.query('SELECT status, past_due_since, marketing_suspended_since FROM subscriptions')).rows[0];
      expect(suspended).toEqual({
        status: 'past_due',
        past_due_since: new Date('2026-12-01T09:00:00.000Z'),
        marketing_suspended_since: new Date('2026-12-08T09:00:00.000Z'),
      });
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});
