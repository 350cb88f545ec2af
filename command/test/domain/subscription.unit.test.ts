import { eventCatalog } from '@parley/events';
import { describe, expect, it } from 'vitest';
import { marketingBlock, type StripeFact, type SubscriptionCommand, subscriptionDecider } from '../../src/domain/subscription.ts';
import { history } from './decider-testing.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();
const GRACE = 7;
let n = 0;
const source = (created: number, type: string) => ({ stripeEventId: `evt_${++n}`, stripeEventType: type, stripeCreatedAt: at(created) });

const snapshot = (type: 'SubscriptionCreated' | 'SubscriptionUpdated' | 'SubscriptionDeleted', status: string, created: number): StripeFact =>
  ({
    type,
    data: {
      ...source(created, 'customer.subscription.updated'),
      subscriptionId: 'sub_1',
      customerId: 'cus_1',
      status,
      priceId: 'price_pro',
      currency: 'EUR',
      currentPeriodStart: at(created),
      currentPeriodEnd: at(created + 30 * DAY),
      trialEnd: null,
      cancelAtPeriodEnd: false,
      canceledAt: null,
    },
  }) as StripeFact;

const invoice = (type: 'PaymentSucceeded' | 'PaymentFailed', created: number, invoiceId = 'in_1'): StripeFact =>
  ({
    type,
    data: {
      ...source(created, type === 'PaymentSucceeded' ? 'invoice.paid' : 'invoice.payment_failed'),
      paymentKey: invoiceId,
      subscriptionId: 'sub_1',
      invoiceId,
      paymentIntentId: null,
      chargeId: null,
      amount: 4900,
      currency: 'EUR',
      ...(type === 'PaymentFailed' && { failureReason: 'card_declined' }),
    },
  }) as StripeFact;

const record = (fact: StripeFact, now: number): SubscriptionCommand => ({ type: 'RecordStripeEvent', fact, now: new Date(now), graceDays: GRACE });
const observe = (now: number): SubscriptionCommand => ({ type: 'ObserveDunning', now: new Date(now), graceDays: GRACE });
const types = (events: { type: string }[]) => events.map((e) => e.type);

describe('subscription decider', () => {
  it('follows Stripe through trialing, active and canceled, each event valid in the catalog', () => {
    const { state, events } = history(subscriptionDecider, [
      record(snapshot('SubscriptionCreated', 'trialing', T0), T0),
      record(snapshot('SubscriptionUpdated', 'active', T0 + 14 * DAY), T0 + 14 * DAY),
      record(snapshot('SubscriptionDeleted', 'canceled', T0 + 40 * DAY), T0 + 40 * DAY),
    ]);
    expect(types(events)).toEqual(['SubscriptionCreated', 'SubscriptionUpdated', 'SubscriptionDeleted']);
    expect(state.status).toBe('canceled');
    for (const e of events) expect(eventCatalog[e.type][1].safeParse(e.data).success).toBe(true);
  });

  it('records a redelivered Stripe event once', () => {
    const created = snapshot('SubscriptionCreated', 'active', T0);
    const { events } = history(subscriptionDecider, [record(created, T0), record(created, T0 + 1000)]);
    expect(types(events)).toEqual(['SubscriptionCreated']);
  });

  it('ignores an older update arriving after a newer one, and never revives a canceled subscription', () => {
    const older = snapshot('SubscriptionUpdated', 'past_due', T0 + DAY);
    const newer = snapshot('SubscriptionUpdated', 'active', T0 + 2 * DAY);
    const { state, events } = history(subscriptionDecider, [
      record(snapshot('SubscriptionCreated', 'active', T0), T0),
      record(newer, T0 + 2 * DAY),
      record(older, T0 + 2 * DAY),
    ]);
    expect(types(events)).toEqual(['SubscriptionCreated', 'SubscriptionUpdated']);
    expect(state.status).toBe('active');

    const ended = history(subscriptionDecider, [
      record(snapshot('SubscriptionCreated', 'active', T0), T0),
      record(snapshot('SubscriptionDeleted', 'canceled', T0 + DAY), T0 + DAY),
      // Same second as the deletion, so not older: still refused, Stripe does not revive.
      record(snapshot('SubscriptionUpdated', 'active', T0 + DAY), T0 + DAY),
    ]);
    expect(ended.state.status).toBe('canceled');
  });

  it('goes past due on a failed invoice; marketing is blocked only after the grace, and a payment restores it', () => {
    const setup = [record(snapshot('SubscriptionCreated', 'active', T0), T0), record(invoice('PaymentFailed', T0 + DAY), T0 + DAY)];
    const failed = history(subscriptionDecider, setup);
    expect(types(failed.events)).toEqual(['SubscriptionCreated', 'PaymentFailed', 'SubscriptionStatusChanged']);
    expect(failed.state.status).toBe('past_due');
    expect(marketingBlock(failed.state, new Date(T0 + DAY + (GRACE * DAY - 1)), GRACE)).toBeNull();
    expect(marketingBlock(failed.state, new Date(T0 + DAY + GRACE * DAY), GRACE)).toMatch(
      /past due since 2026-03-02T00:00:00.000Z and its 7-day grace ran out at 2026-03-09T00:00:00.000Z/,
    );

    // Inside the grace the observation decides nothing; after it, the suspension once.
    expect(subscriptionDecider.decide(observe(T0 + 3 * DAY), failed.state)).toEqual([]);
    const late = history(subscriptionDecider, [...setup, observe(T0 + 9 * DAY), observe(T0 + 10 * DAY)]);
    const suspended = late.events.filter((e) => e.type === 'MarketingSendsSuspended');
    expect(suspended).toEqual([
      {
        type: 'MarketingSendsSuspended',
        data: { subscriptionId: 'sub_1', pastDueSince: at(T0 + DAY), effectiveAt: at(T0 + 8 * DAY), graceDays: GRACE },
      },
    ]);

    const paid = subscriptionDecider.decide(record(invoice('PaymentSucceeded', T0 + 12 * DAY, 'in_1'), T0 + 12 * DAY), late.state);
    expect(types(paid)).toEqual(['PaymentSucceeded', 'SubscriptionStatusChanged', 'MarketingSendsRestored']);
    expect(paid.at(-1)).toMatchObject({ data: { reason: 'payment_succeeded' } });
    const restored = paid.reduce(subscriptionDecider.evolve, late.state);
    expect(restored.status).toBe('active');
    expect(marketingBlock(restored, new Date(T0 + 30 * DAY), GRACE)).toBeNull();
  });

  it('suspends on the webhook that arrives after the deadline, without a send asking', () => {
    const { events } = history(subscriptionDecider, [
      record(snapshot('SubscriptionCreated', 'active', T0), T0),
      record(snapshot('SubscriptionUpdated', 'past_due', T0 + DAY), T0 + DAY),
      record(snapshot('SubscriptionUpdated', 'unpaid', T0 + 20 * DAY), T0 + 20 * DAY),
    ]);
    expect(types(events)).toEqual(['SubscriptionCreated', 'SubscriptionUpdated', 'SubscriptionUpdated', 'MarketingSendsSuspended']);
    // Past due then unpaid: the grace counts from the first day past due.
    expect(events.at(-1)).toMatchObject({ data: { pastDueSince: at(T0 + DAY) } });
  });

  it('ignores a failure older than the success it follows, and a failed invoice older than the status', () => {
    const { state, events } = history(subscriptionDecider, [
      record(snapshot('SubscriptionCreated', 'active', T0), T0),
      record(invoice('PaymentSucceeded', T0 + 2 * DAY, 'in_2'), T0 + 2 * DAY),
      record(invoice('PaymentFailed', T0 + DAY, 'in_2'), T0 + 2 * DAY),
    ]);
    expect(types(events)).toEqual(['SubscriptionCreated', 'PaymentSucceeded']);
    expect(state.status).toBe('active');

    const stale = history(subscriptionDecider, [
      record(snapshot('SubscriptionCreated', 'active', T0 + 5 * DAY), T0 + 5 * DAY),
      record(invoice('PaymentFailed', T0 + DAY, 'in_3'), T0 + 5 * DAY),
    ]);
    // Recorded as a payment, but it says nothing about today's status.
    expect(types(stale.events)).toEqual(['SubscriptionCreated', 'PaymentFailed']);
    expect(stale.state.status).toBe('active');
  });

  it('does not touch the state it decides on', () => {
    const { state } = history(subscriptionDecider, [record(snapshot('SubscriptionCreated', 'active', T0), T0)]);
    const seen = state.seen.size;
    subscriptionDecider.decide(record(invoice('PaymentFailed', T0 + DAY), T0 + DAY), state);
    expect(state.seen.size).toBe(seen);
    expect(state.payments.size).toBe(0);
  });
});
