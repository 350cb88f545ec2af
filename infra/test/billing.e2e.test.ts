import { chargeObject, invoiceObject, paymentIntentObject, subscriptionObject } from '@parley/command/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, RunningPlatform, type TestTenant } from './support/running-platform.ts';
import { dumpSchema } from './support/table-dump.ts';

// Stripe events in through the command API's webhook, out through the query API's
// billing routes: the billing projector in between, over real HTTP.

let platform: RunningPlatform;
let tenant: TestTenant;
let other: TestTenant;
let billingKey = '';

async function caughtUp() {
  for (const projector of platform.query.projectors) {
    while ((await projector.status()).eventsBehind !== 0) await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  platform = await RunningPlatform.start('billing_api');
  tenant = await platform.tenant('billed', 1);
  other = await platform.tenant('unbilled', 1);
  const user = await platform.cmd<{ apiKey: string }>('/v1/users', { name: 'Bill', email: 'bill@billed.test', role: 'billing' }, tenant.adminKey);
  billingKey = user.apiKey;
}, 60_000);
afterAll(async () => {
  await platform?.stop();
});

describe('billing API', () => {
  it('shows the subscription and its payments to the billing role, tenant admins and platform admins, and no one else', async () => {
    const stripe = platform.stripe();
    const customer = 'cus_billing_api';
    const subscription = 'sub_billing_api';
    const sent = [
      stripe.event('customer.subscription.created', subscriptionObject({ id: subscription, customer, status: 'trialing', tenantId: tenant.tenantId }), {
        secondsAgo: 30,
      }),
      stripe.event('customer.subscription.updated', subscriptionObject({ id: subscription, customer, status: 'active', tenantId: tenant.tenantId }), {
        secondsAgo: 20,
      }),
      stripe.event('invoice.payment_failed', invoiceObject({ id: 'in_api_1', customer, subscription, amount: 4900, paid: false }), { secondsAgo: 10 }),
      stripe.event(
        'payment_intent.payment_failed',
        paymentIntentObject({
          id: 'pi_api_1',
          customer,
          amount: 4900,
          succeeded: false,
          failure: { message: 'Your card has insufficient funds.', code: 'card_declined' },
        }),
        { secondsAgo: 9 },
      ),
      stripe.event('payment_intent.succeeded', paymentIntentObject({ id: 'pi_api_1', customer, amount: 4900, succeeded: true, chargeId: 'ch_api_1' }), {
        secondsAgo: 5,
      }),
      stripe.event('charge.refunded', chargeObject({ id: 'ch_api_1', customer, paymentIntent: 'pi_api_1', amount: 4900, amountRefunded: 900 }), {
        secondsAgo: 4,
      }),
    ];
    // Out of order, and one delivered twice: the read model shows the newest state, once.
    for (const i of [0, 2, 1, 3, 4, 4, 5]) expect((await stripe.send(sent[i]!)).status).toBe(200);
    await caughtUp();

    for (const key of [billingKey, tenant.adminKey]) {
      const res = await platform.get('/v1/billing/subscription', key);
      expect(res.status).toBe(200);
      expect(res.body.subscription).toMatchObject({
        tenantId: tenant.tenantId,
        subscriptionId: subscription,
        customerId: customer,
        status: 'past_due',
        currency: 'EUR',
        marketingSuspendedSince: null,
      });
      expect(res.body.subscription.pastDueSince).toBe(new Date(sent[2]!.created * 1000).toISOString());
    }
    const payments = await platform.get('/v1/billing/payments', billingKey);
    expect(payments.status).toBe(200);
    expect(
      payments.body.items.map((p: { paymentKey: string; status: string; amount: number; amountRefunded: number; failureReason: string | null }) => [
        p.paymentKey,
        p.status,
        p.amount,
        p.amountRefunded,
        p.failureReason,
      ]),
    ).toEqual([
      ['pi_api_1', 'succeeded', 4900, 900, 'Your card has insufficient funds. — card_declined'],
      ['in_api_1', 'failed', 4900, 0, null],
    ]);

    // The platform admin names the tenant; a tenant user cannot name another.
    const asPlatform = await platform.get(`/v1/billing/subscription?tenantId=${tenant.tenantId}`, ADMIN_KEY);
    expect(asPlatform.body.subscription.subscriptionId).toBe(subscription);
    expect((await platform.get('/v1/billing/payments', ADMIN_KEY)).status).toBe(400);
    expect((await platform.get(`/v1/billing/payments?tenantId=${tenant.tenantId}`, ADMIN_KEY)).body.items).toHaveLength(2);
    expect((await platform.get(`/v1/billing/subscription?tenantId=${tenant.tenantId}`, other.adminKey)).status).toBe(403);
    expect((await platform.get('/v1/billing/subscription', other.adminKey)).body).toEqual({ subscription: null });
    for (const key of [tenant.supervisor.key, tenant.agents[0]!.key]) expect((await platform.get('/v1/billing/payments', key)).status).toBe(403);
    expect((await platform.get('/v1/billing/payments', undefined)).status).toBe(401);
  });

  it('rebuilds to the same rows from the log', async () => {
    const billing = platform.query.projectors.find((p) => p.name === 'billing');
    if (!billing) throw new Error('the query process runs no billing projector');
    const live = await dumpSchema(platform.db.connectionString, 'billing');
    expect(JSON.stringify(live)).toContain('pi_api_1');
    await billing.rebuild();
    expect(await dumpSchema(platform.db.connectionString, 'billing')).toEqual(live);
  });
});
