import { chargeObject, disputeObject, invoiceObject, paymentIntentObject, stripeEvent, subscriptionObject } from '@parley/command/testing';
import { eventCatalog } from '@parley/events';
import { describe, expect, it } from 'vitest';
import { type MappedStripeEvent, mapStripeEvent } from '../src/stripe/stripe-mapping.ts';
import { StripeEventEnvelope } from '../src/stripe/stripe-payload.ts';

const TENANT = '0b7c1c2e-5a4f-4d0e-9f57-3f1f0c9b8a11';
const map = (type: string, object: Record<string, unknown>) => mapStripeEvent(StripeEventEnvelope.parse(stripeEvent(type, object)));
const fact = (mapped: MappedStripeEvent) => {
  if (mapped.kind !== 'fact') throw new Error(`expected a fact, got ${JSON.stringify(mapped)}`);
  // What the mapping makes must be what the catalog stores.
  expect(eventCatalog[mapped.fact.type][1].safeParse(mapped.fact.data).error).toBeUndefined();
  return mapped;
};

describe('Stripe events to facts', () => {
  it('maps every handled type of the current API version (the fake builds them) to a fact the catalog accepts', () => {
    const customer = 'cus_map';
    const cases: [string, Record<string, unknown>, string][] = [
      ['customer.subscription.created', subscriptionObject({ customer, status: 'trialing', tenantId: TENANT }), 'SubscriptionCreated'],
      ['customer.subscription.updated', subscriptionObject({ customer, status: 'past_due', tenantId: TENANT }), 'SubscriptionUpdated'],
      ['customer.subscription.deleted', subscriptionObject({ customer, status: 'canceled', tenantId: TENANT }), 'SubscriptionDeleted'],
      [
        'customer.subscription.trial_will_end',
        subscriptionObject({ customer, status: 'trialing', tenantId: TENANT, trialEnd: new Date() }),
        'SubscriptionTrialEnding',
      ],
      ['invoice.paid', invoiceObject({ customer, subscription: 'sub_map', tenantId: TENANT, amount: 1999, paid: true }), 'PaymentSucceeded'],
      ['invoice.payment_failed', invoiceObject({ customer, subscription: 'sub_map', amount: 1999, paid: false }), 'PaymentFailed'],
      ['invoice.payment_action_required', invoiceObject({ customer, subscription: 'sub_map', amount: 1999, paid: false }), 'PaymentActionRequired'],
      ['payment_intent.succeeded', paymentIntentObject({ customer, amount: 1999, succeeded: true, chargeId: 'ch_map' }), 'PaymentSucceeded'],
      ['payment_intent.payment_failed', paymentIntentObject({ customer, amount: 1999, succeeded: false }), 'PaymentFailed'],
      ['charge.refunded', chargeObject({ customer, paymentIntent: 'pi_map', amount: 1999, amountRefunded: 1999 }), 'PaymentRefunded'],
      ['charge.dispute.created', disputeObject({ charge: 'ch_map', paymentIntent: 'pi_map', amount: 1999 }), 'PaymentDisputed'],
    ];
    for (const [type, object, expected] of cases) expect(fact(map(type, object)).fact.type, type).toBe(expected);
    const created = fact(map('customer.subscription.created', subscriptionObject({ customer, status: 'active', tenantId: TENANT, currency: 'gbp' })));
    expect(created.route).toEqual({ tenantId: TENANT, via: [customer], link: [customer] });
    expect(created.fact.data).toMatchObject({ currency: 'GBP', priceId: 'price_parley_pro_monthly', cancelAtPeriodEnd: false });
  });

  it('reads the fields older API versions keep elsewhere: top-level periods, expanded customers, an invoice naming its subscription and payment intent', () => {
    const sub = fact(
      map('customer.subscription.updated', {
        id: 'sub_old',
        object: 'subscription',
        customer: { id: 'cus_old', object: 'customer' },
        status: 'active',
        current_period_start: 1_767_225_600,
        current_period_end: 1_769_904_000,
        cancel_at_period_end: true,
        metadata: { parley_tenant_id: TENANT.toUpperCase() },
        items: { data: [{ price: { id: 'price_old', currency: 'usd' } }] },
      }),
    );
    expect(sub.route.tenantId).toBe(TENANT);
    expect(sub.fact.data).toMatchObject({
      customerId: 'cus_old',
      currency: 'USD',
      currentPeriodStart: '2026-01-01T00:00:00.000Z',
      currentPeriodEnd: '2026-02-01T00:00:00.000Z',
      cancelAtPeriodEnd: true,
    });

    const invoice = fact(
      map('invoice.paid', {
        id: 'in_old',
        object: 'invoice',
        customer: 'cus_old',
        currency: 'usd',
        amount_due: 2500,
        amount_paid: 2500,
        subscription: 'sub_old',
        payment_intent: 'pi_old',
        charge: 'ch_old',
        subscription_details: { metadata: { parley_tenant_id: TENANT } },
      }),
    );
    expect(invoice.fact.data).toMatchObject({
      paymentKey: 'pi_old',
      subscriptionId: 'sub_old',
      invoiceId: 'in_old',
      paymentIntentId: 'pi_old',
      chargeId: 'ch_old',
      amount: 2500,
    });
    expect(invoice.route).toEqual({ tenantId: TENANT, via: ['cus_old', 'pi_old', 'ch_old'], link: ['pi_old', 'ch_old', 'cus_old'] });
  });

  it('ignores types it does not use, names no tenant for metadata that is not a tenant id, and refuses what misses a field it reads', () => {
    expect(map('customer.created', { id: 'cus_1', object: 'customer' })).toEqual({ kind: 'ignored', reason: 'event type customer.created is not used' });
    const notATenant = fact(
      map('customer.subscription.created', { ...subscriptionObject({ customer: 'cus_2', status: 'active' }), metadata: { parley_tenant_id: 'acme' } }),
    );
    expect(notATenant.route.tenantId).toBeNull();
    expect(map('customer.subscription.updated', subscriptionObject({ customer: 'cus_3', status: 'on_fire' }))).toEqual({
      kind: 'invalid',
      reason: 'customer.subscription.updated: data.object.status: on_fire is not a subscription status',
    });
    const noCustomer = map('customer.subscription.updated', { ...subscriptionObject({ customer: 'cus_4', status: 'active' }), customer: 'acct_1' });
    expect(noCustomer).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/data.object.customer: a Stripe id starting cus_/) });
  });
});
