import {
  chargeObject,
  disputeObject,
  FakeStripe,
  invoiceObject,
  paymentIntentObject,
  subscriptionObject,
  textMessage,
  webhookEnvelope,
} from '@parley/command/testing';
import { decodeEvent } from '@parley/events';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, RunningCommandApi } from './support/running-command-api.ts';

const SECRET = 'whsec_current_test_secret_0123456789';
const OLD_SECRET = 'whsec_previous_test_secret_0123456789';
const GRACE_DAYS = 7;
const PHONE_NUMBER_ID = '109876543219001';
const APP_SECRET = 'app-secret-of-billing-tenant-0123';
const CUSTOMER_PHONE = '5215500011122';
const DAY = 86_400_000;
const stripe = new Stripe('sk_test_not_used_for_any_call');
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

let api: RunningCommandApi;
let fake: FakeStripe;
const t = { tenantId: '', adminKey: '', conversationId: '' };

beforeAll(async () => {
  api = await RunningCommandApi.start('stripe_webhook', { stripeWebhookSecrets: [SECRET, OLD_SECRET], dunning: { marketingBlockedAfterDays: GRACE_DAYS } });
  fake = new FakeStripe(`${api.baseUrl}/webhooks/stripe`, SECRET, () => api.now);
  await newTenant('Billed Co');
});
afterAll(async () => {
  await api?.stop();
});

/** The domain events a Stripe event left in the log. */
async function eventsFrom(stripeEventId: string) {
  return (await api.allEvents()).map(decodeEvent).filter((e) => (e.event.data as { stripeEventId?: string }).stripeEventId === stripeEventId);
}

const subscriptionEvent = (type: string, customer: string, status: string, secondsAgo = 0, extra: { id?: string; tenantId?: string } = {}) =>
  fake.event(type, subscriptionObject({ customer, status, tenantId: extra.tenantId ?? t.tenantId, id: extra.id }), { secondsAgo });

/** A tenant of its own: a tenant has one subscription, and each test starts from none. */
async function newTenant(name: string) {
  const tenant = await api.post<{ tenantId: string; apiKey: string }>(
    '/v1/tenants',
    { name, admin: { name: 'Bea', email: `bea@${name.toLowerCase().replace(/\W/g, '')}.test` } },
    ADMIN_KEY,
  );
  expect(tenant.status).toBe(201);
  Object.assign(t, { tenantId: tenant.body.tenantId, adminKey: tenant.body.apiKey });
}

describe('Stripe-Signature, proven against the stripe package', () => {
  it("signs in Stripe's format: the stripe package's constructEvent accepts the fake's deliveries", () => {
    const event = subscriptionEvent('customer.subscription.created', 'cus_format', 'active');
    const { payload, header } = fake.sign(event);
    const verified = stripe.webhooks.constructEvent(payload, header ?? '', SECRET, 300, undefined, unix(api.now));
    expect(verified.id).toBe(event.id);
    expect(verified.type).toBe('customer.subscription.created');
    // And the package refuses what the fake signs with the wrong secret, as we do.
    const wrong = fake.sign(event, { secret: 'whsec_somebody_else_0123456789' });
    expect(() => stripe.webhooks.constructEvent(wrong.payload, wrong.header ?? '', SECRET, 300, undefined, unix(api.now))).toThrow(/signature/i);
  });

  it('accepts what the stripe package signs (generateTestHeaderString), with the current or the previous secret', async () => {
    for (const secret of [SECRET, OLD_SECRET]) {
      const event = subscriptionEvent('customer.subscription.created', `cus_pkg_${secret.length}`, 'active');
      const payload = JSON.stringify(event);
      const header = stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: unix(api.now) });
      const res = await api.request('POST', '/webhooks/stripe', { raw: payload, headers: { 'content-type': 'application/json', 'stripe-signature': header } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ received: true, stripeEventId: event.id, tenantId: t.tenantId, events: ['SubscriptionCreated'] });
    }
  });

  it('refuses with a clear 400: no signature, bad format, stale, future, wrong secret, tampered body', async () => {
    const event = fake.event('invoice.paid', invoiceObject({ customer: 'cus_x', subscription: 'sub_x', tenantId: t.tenantId, amount: 100, paid: true }));
    const cases: [Parameters<FakeStripe['send']>[1], RegExp][] = [
      [{ signatureHeader: null }, /no Stripe-Signature header/],
      [{ signatureHeader: 'garbage' }, /key=value/],
      [{ signatureHeader: 'v1=abc' }, /no timestamp/],
      [{ signatureHeader: `t=${unix(api.now)}` }, /no v1 signature/],
      [{ timestampOffsetSeconds: -301 }, /301 s old/],
      [{ timestampOffsetSeconds: 301 }, /301 s in the future/],
      [{ secret: 'whsec_wrong_secret_0123456789' }, /no v1 signature .* matches/],
    ];
    for (const [options, reason] of cases) {
      const res = await fake.send(event, options);
      expect(res.status, String(reason)).toBe(400);
      expect(res.body).toMatchObject({ error: 'bad_request' });
      expect(String(res.body.message)).toMatch(reason);
    }
    const noBody = await api.request('POST', '/webhooks/stripe', { headers: { 'stripe-signature': fake.sign(event).header ?? '' } });
    expect(noBody).toMatchObject({ status: 400, body: { message: 'send the Stripe event as an application/json body' } });
    const text = await api.request('POST', '/webhooks/stripe', { raw: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(text).toMatchObject({ status: 400, body: { message: 'send the Stripe event as an application/json body' } });
    // The stripe package's own header over other bytes than those sent.
    const payload = JSON.stringify(event);
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: unix(api.now) });
    const tampered = await api.request('POST', '/webhooks/stripe', {
      raw: payload.replace('"amount_paid": 100', '"amount_paid": 1').replace('"amount_paid":100', '"amount_paid":1'),
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
    });
    expect(tampered.status).toBe(400);
    expect(await eventsFrom(event.id)).toEqual([]);

    // Inside the tolerance either way: accepted. Several v1 (rotation on Stripe's side): any one may match.
    expect((await fake.send(event, { timestampOffsetSeconds: -299 })).status).toBe(200);
    const rotated = fake.event('customer.subscription.trial_will_end', subscriptionObject({ customer: 'cus_r', status: 'trialing', tenantId: t.tenantId }));
    expect((await fake.send(rotated, { secret: ['whsec_unknown_to_us_0123456789', SECRET], timestampOffsetSeconds: 299 })).status).toBe(200);
  });
});

describe('Stripe events to domain events', () => {
  it('records a redelivered event once', async () => {
    const event = subscriptionEvent('customer.subscription.updated', 'cus_replay', 'active');
    const [first, second, third] = await fake.redeliver(event, 3);
    expect(first?.body.events).toEqual(['SubscriptionUpdated']);
    expect(second?.body.events).toEqual([]);
    expect(third?.status).toBe(200);
    expect((await eventsFrom(event.id)).map((e) => e.event.type)).toEqual(['SubscriptionUpdated']);
  });

  it('keeps the newest subscription state when updates arrive out of order', async () => {
    await newTenant('Ordered Co');
    const id = 'sub_out_of_order';
    const events = [
      subscriptionEvent('customer.subscription.created', 'cus_ooo', 'incomplete', 3, { id }),
      subscriptionEvent('customer.subscription.updated', 'cus_ooo', 'active', 2, { id }),
      subscriptionEvent('customer.subscription.updated', 'cus_ooo', 'canceled', 1, { id }),
    ];
    const answers = await fake.sendInOrder(events, [0, 2, 1]);
    expect(answers.map((a) => a.body.events)).toEqual([['SubscriptionCreated'], ['SubscriptionUpdated'], []]);
    // A deletion that arrives last changes nothing more than what it says.
    const last = (await api.allEvents()).filter((e) => e.streamId === `subscription-${t.tenantId}`).at(-1);
    expect(last?.data).toMatchObject({ subscriptionId: id, status: 'canceled' });
  });

  it('answers 200 to event types it does not use, and to objects no tenant claims', async () => {
    const unknown = await fake.send(fake.event('customer.created', { id: 'cus_new', object: 'customer', metadata: {} }));
    expect(unknown.status).toBe(200);
    expect(unknown.body.ignored).toMatch(/customer.created is not used/);
    const orphan = await fake.send(fake.event('payment_intent.succeeded', paymentIntentObject({ customer: 'cus_nobody_knows', amount: 500, succeeded: true })));
    expect(orphan.status).toBe(200);
    expect(orphan.body.ignored).toMatch(/no tenant/);
    const typo = await fake.send(
      subscriptionEvent('customer.subscription.created', 'cus_typo', 'active', 0, { tenantId: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(typo.body.ignored).toBe('no tenant 00000000-0000-4000-8000-000000000000 is registered');
    // Signed, of a type we use, but not the documented shape: a 400 with the field.
    const malformed = await fake.send(fake.event('invoice.paid', { id: 'in_bad', object: 'invoice', currency: 'eur' }));
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/invoice.paid: data.object.amount_due/);
  });

  it('refuses what does not fit what we store with a 400, and keeps texts jsonb refuses repaired', async () => {
    const intent = (overrides: Record<string, unknown>) => ({
      ...paymentIntentObject({ customer: 'cus_odd', amount: 100, succeeded: false, failure: { message: 'declined', code: 'card_declined' } }),
      metadata: { parley_tenant_id: t.tenantId },
      ...overrides,
    });
    const euro = await fake.send(fake.event('payment_intent.payment_failed', intent({ currency: 'euro' })));
    expect(euro).toMatchObject({ status: 400, body: { message: expect.stringMatching(/payment_intent.payment_failed: currency/) } });
    const farFuture = await fake.send({ ...fake.event('payment_intent.payment_failed', intent({})), created: 1e15 });
    expect(farFuture).toMatchObject({ status: 400, body: { message: expect.stringMatching(/created/) } });
    const nul = await fake.send(fake.event('payment_intent.payment_failed', intent({ last_payment_error: { message: 'bad\u0000card \ud800' } })));
    expect(nul.status).toBe(200);
    const stored = (await eventsFrom(String(nul.body.stripeEventId)))[0]?.event.data as { failureReason: string };
    expect(stored.failureReason).toBe('bad\uFFFDcard \uFFFD');
  });

  it('routes payment intents, refunds and disputes by the customer and payment they belong to', async () => {
    const customer = 'cus_routed';
    await fake.send(subscriptionEvent('customer.subscription.created', customer, 'active', 0, { id: 'sub_routed' }));
    const failed = await fake.send(
      fake.event(
        'payment_intent.payment_failed',
        paymentIntentObject({
          id: 'pi_routed',
          customer,
          amount: 4900,
          succeeded: false,
          failure: { message: 'Your card was declined.', code: 'card_declined', declineCode: 'insufficient_funds' },
        }),
      ),
    );
    expect(failed.body).toMatchObject({ tenantId: t.tenantId, events: ['PaymentFailed'] });
    await fake.send(
      fake.event('payment_intent.succeeded', paymentIntentObject({ id: 'pi_routed', customer, amount: 4900, succeeded: true, chargeId: 'ch_routed' })),
    );
    const refunded = await fake.send(
      fake.event('charge.refunded', chargeObject({ id: 'ch_routed', customer, paymentIntent: 'pi_routed', amount: 4900, amountRefunded: 1000 })),
    );
    expect(refunded.body).toMatchObject({ tenantId: t.tenantId, events: ['PaymentRefunded'] });
    const disputed = await fake.send(fake.event('charge.dispute.created', disputeObject({ charge: 'ch_routed', paymentIntent: 'pi_routed', amount: 3900 })));
    expect(disputed.body).toMatchObject({ tenantId: t.tenantId, events: ['PaymentDisputed'] });

    const payments = (await api.allEvents()).map(decodeEvent).filter((e) => (e.event.data as { paymentKey?: string }).paymentKey === 'pi_routed');
    expect(payments.map((e) => [e.event.type, (e.event.data as { amount: number }).amount])).toEqual([
      ['PaymentFailed', 4900],
      ['PaymentSucceeded', 4900],
      ['PaymentRefunded', 4900],
      ['PaymentDisputed', 3900],
    ]);
    expect(payments[0]?.event.data).toMatchObject({ currency: 'EUR', failureReason: 'Your card was declined. — insufficient_funds' });
    expect(payments[2]?.event.data).toMatchObject({ amountRefunded: 1000 });
  });
});

describe('dunning', () => {
  const customer = 'cus_dunning';
  const subscription = 'sub_dunning';
  const send = (name: string) => api.post(`/v1/conversations/${t.conversationId}/messages`, { type: 'template', name, languageCode: 'en' }, t.adminKey);

  it('sets up a tenant with a conversation and a marketing and a utility template', async () => {
    // A fresh tenant: the earlier tests' subscriptions are not this one's.
    await newTenant('Dunned Co');
    const number = { phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '+1 555 0199', appSecret: APP_SECRET, verifyToken: 'verify-dunning' };
    expect((await api.post('/v1/whatsapp-numbers', number, t.adminKey)).status).toBe(201);
    for (const [name, category] of [
      ['spring_sale', 'marketing'],
      ['order_update', 'utility'],
    ]) {
      const res = await api.request('PUT', `/v1/whatsapp-numbers/${PHONE_NUMBER_ID}/templates/${name}/en`, {
        body: { category, status: 'approved' },
        key: t.adminKey,
      });
      expect(res.status).toBe(200);
    }
    await customerWrites('hello');
    const opened = (await api.allEvents()).find(
      (e) => e.type === 'ConversationOpened' && (e.data as { phoneNumberId: string }).phoneNumberId === PHONE_NUMBER_ID,
    );
    if (!opened) throw new Error('the inbound message opened no conversation');
    t.conversationId = (opened.data as { conversationId: string }).conversationId;
    await fake.send(fake.event('customer.subscription.created', subscriptionObject({ id: subscription, customer, status: 'active', tenantId: t.tenantId })));
  });

  async function customerWrites(body: string) {
    const payload = webhookEnvelope({
      phoneNumberId: PHONE_NUMBER_ID,
      contacts: [{ waId: CUSTOMER_PHONE, name: 'Cleo' }],
      messages: [textMessage({ from: CUSTOMER_PHONE, body, timestamp: String(unix(api.now)) })],
    });
    expect((await api.webhook(payload, APP_SECRET)).status).toBe(200);
  }

  it(`past due: marketing still goes out inside ${GRACE_DAYS} days, then 422 with the reason; utility and replies keep working; a payment restores it`, async () => {
    const failed = await fake.send(
      fake.event('invoice.payment_failed', invoiceObject({ id: 'in_dunning_1', customer, subscription, amount: 4900, paid: false })),
    );
    // Routed by the customer the subscription linked; the invoice moves the subscription to past due.
    expect(failed.body).toMatchObject({ tenantId: t.tenantId, events: ['PaymentFailed', 'SubscriptionStatusChanged'] });
    expect((await send('spring_sale')).status).toBe(200);

    api.now = new Date(api.now.getTime() + (GRACE_DAYS + 1) * DAY);
    const refused = await send('spring_sale');
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/marketing template sends are suspended: the subscription has been past due since .*7-day grace ran out/);
    expect((await send('spring_sale')).status).toBe(422);
    expect((await send('order_update')).status).toBe(200);
    await customerWrites('are you there?');
    expect((await api.post(`/v1/conversations/${t.conversationId}/messages`, { type: 'text', body: 'yes, how can we help?' }, t.adminKey)).status).toBe(200);
    // Recorded once, however many sends were refused.
    const suspended = (await api.allEvents()).filter((e) => e.type === 'MarketingSendsSuspended' && e.streamId === `subscription-${t.tenantId}`);
    expect(suspended).toHaveLength(1);

    const paid = await fake.send(fake.event('invoice.paid', invoiceObject({ id: 'in_dunning_1', customer, subscription, amount: 4900, paid: true })));
    expect(paid.body).toMatchObject({ events: ['PaymentSucceeded', 'SubscriptionStatusChanged', 'MarketingSendsRestored'] });
    expect((await send('spring_sale')).status).toBe(200);
  });
});
