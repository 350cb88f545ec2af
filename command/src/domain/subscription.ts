import type { EventOf, PaymentStatus, SubscriptionStatus } from '@parley/events';
import { assertNever, type Decider } from './decider.ts';

/** One stream per tenant: its Stripe subscription, its payments and its dunning. */
export type SubscriptionEvent = EventOf<
  | 'SubscriptionCreated'
  | 'SubscriptionUpdated'
  | 'SubscriptionDeleted'
  | 'SubscriptionStatusChanged'
  | 'SubscriptionTrialEnding'
  | 'PaymentSucceeded'
  | 'PaymentFailed'
  | 'PaymentActionRequired'
  | 'PaymentRefunded'
  | 'PaymentDisputed'
  | 'MarketingSendsSuspended'
  | 'MarketingSendsRestored'
>;

/** What a Stripe event maps to, before the decider weighs it against what is known. */
export type StripeFact = Extract<
  SubscriptionEvent,
  {
    type:
      | 'SubscriptionCreated'
      | 'SubscriptionUpdated'
      | 'SubscriptionDeleted'
      | 'SubscriptionTrialEnding'
      | 'PaymentSucceeded'
      | 'PaymentFailed'
      | 'PaymentActionRequired'
      | 'PaymentRefunded'
      | 'PaymentDisputed';
  }
>;

/** What every state remembers: Stripe events already recorded, and each payment's outcome so far. */
interface Ledger {
  /** Stripe event ids recorded: a redelivery decides nothing. */
  seen: Set<string>;
  payments: Map<string, PaymentStatus>;
}

interface Subscribed extends Ledger {
  subscriptionId: string;
  customerId: string;
  /** Stripe's `created` (ms) of the newest fact that set the status: older ones change nothing. */
  asOf: number;
  /** When the subscription went past due (Stripe's time); null while it is not. */
  pastDueSince: string | null;
  marketingSuspended: boolean;
}

export type SubscriptionState =
  | ({ status: 'none' } & Ledger)
  | ({ status: 'trialing' | 'active' | 'incomplete' | 'paused' } & Subscribed)
  | ({ status: 'past_due' | 'unpaid' } & Subscribed & { pastDueSince: string })
  | ({ status: 'canceled' | 'incomplete_expired' } & Subscribed);

export type SubscriptionCommand =
  /** A verified Stripe event, mapped; `now` and the grace come from the handler. */
  | { type: 'RecordStripeEvent'; fact: StripeFact; now: Date; graceDays: number }
  /** A send or a read noticed the time: suspend marketing if the grace ran out. */
  | { type: 'ObserveDunning'; now: Date; graceDays: number };

const DAY_MS = 86_400_000;
const ENDED: ReadonlySet<SubscriptionStatus> = new Set(['canceled', 'incomplete_expired']);
const OVERDUE: ReadonlySet<SubscriptionStatus> = new Set(['past_due', 'unpaid']);

/**
 * Why the tenant's marketing template sends are refused at `now`, or null. Past due (or
 * unpaid) for `graceDays` or more: refused. Utility, authentication and service messages
 * are never refused for billing.
 */
export function marketingBlock(state: SubscriptionState, now: Date, graceDays: number): string | null {
  if (state.status !== 'past_due' && state.status !== 'unpaid') return null;
  const deadline = Date.parse(state.pastDueSince) + graceDays * DAY_MS;
  if (now.getTime() < deadline) return null;
  const ranOut = new Date(deadline).toISOString();
  return `marketing template sends are suspended: the subscription has been ${state.status.replace('_', ' ')} since ${state.pastDueSince} and its ${graceDays}-day grace ran out at ${ranOut}; a successful payment restores them (utility, authentication and service messages still go out)`;
}

/** Whether a fact about the subscription's status is older than what set it: then it is out of order. */
const isStale = (state: SubscriptionState, createdMs: number) => state.status !== 'none' && createdMs < state.asOf;

function decideSubscriptionFact(fact: Extract<StripeFact, { type: `Subscription${string}` }>, state: SubscriptionState): SubscriptionEvent[] {
  if (fact.type === 'SubscriptionTrialEnding') return [fact];
  const created = Date.parse(fact.data.stripeCreatedAt);
  if (isStale(state, created)) return [];
  // Stripe never revives an ended subscription: a later "updated" of it is a stale view.
  if (state.status !== 'none' && state.subscriptionId === fact.data.subscriptionId && ENDED.has(state.status) && !ENDED.has(fact.data.status)) return [];
  return [fact];
}

function decidePaymentFact(fact: Extract<StripeFact, { type: `Payment${string}` }>, state: SubscriptionState): SubscriptionEvent[] {
  const known = state.payments.get(fact.data.paymentKey);
  switch (fact.type) {
    case 'PaymentSucceeded':
      if (known === 'succeeded') return [];
      break;
    case 'PaymentFailed':
    case 'PaymentActionRequired':
      // A failure reported after the payment succeeded is an older attempt's.
      if (known === 'succeeded') return [];
      break;
    case 'PaymentRefunded':
    case 'PaymentDisputed':
      break;
    default:
      return assertNever(fact);
  }
  const events: SubscriptionEvent[] = [fact];
  // Invoices of the current subscription move its status; a payment intent alone does not say whose it is.
  const subscriptionId = fact.data.subscriptionId;
  if (state.status === 'none' || subscriptionId !== state.subscriptionId || fact.data.invoiceId === null) return events;
  if (isStale(state, Date.parse(fact.data.stripeCreatedAt))) return events;
  const source = { stripeEventId: fact.data.stripeEventId, stripeEventType: fact.data.stripeEventType, stripeCreatedAt: fact.data.stripeCreatedAt };
  if (fact.type === 'PaymentFailed' && (state.status === 'active' || state.status === 'trialing')) {
    events.push({ type: 'SubscriptionStatusChanged', data: { ...source, subscriptionId, from: state.status, to: 'past_due', reason: 'payment_failed' } });
  }
  if (fact.type === 'PaymentSucceeded' && OVERDUE.has(state.status)) {
    events.push({ type: 'SubscriptionStatusChanged', data: { ...source, subscriptionId, from: state.status, to: 'active', reason: 'payment_succeeded' } });
  }
  return events;
}

/** Suspends or restores marketing sends to match the state the events lead to. */
function dunning(state: SubscriptionState, now: Date, graceDays: number, paid: boolean): SubscriptionEvent[] {
  if (state.status === 'none') return [];
  const blocked = marketingBlock(state, now, graceDays) !== null;
  if (blocked && !state.marketingSuspended && state.pastDueSince !== null) {
    const effectiveAt = new Date(Date.parse(state.pastDueSince) + graceDays * DAY_MS).toISOString();
    return [{ type: 'MarketingSendsSuspended', data: { subscriptionId: state.subscriptionId, pastDueSince: state.pastDueSince, effectiveAt, graceDays } }];
  }
  // The record follows the status: a grace raised meanwhile lets sends through at once, and
  // the suspension is closed when the subscription leaves past due.
  if (state.marketingSuspended && !OVERDUE.has(state.status)) {
    const reason = paid ? 'payment_succeeded' : ENDED.has(state.status) ? 'subscription_ended' : 'subscription_active';
    return [{ type: 'MarketingSendsRestored', data: { subscriptionId: state.subscriptionId, reason } }];
  }
  return [];
}

function evolveSubscription(state: SubscriptionState, event: SubscriptionEvent): SubscriptionState {
  const ledger: Ledger = { seen: state.seen, payments: state.payments };
  switch (event.type) {
    case 'SubscriptionCreated':
    case 'SubscriptionUpdated':
    case 'SubscriptionDeleted': {
      const d = event.data;
      ledger.seen.add(d.stripeEventId);
      const since = state.status !== 'none' && state.subscriptionId === d.subscriptionId ? state.pastDueSince : null;
      const base = {
        ...ledger,
        subscriptionId: d.subscriptionId,
        customerId: d.customerId,
        asOf: Date.parse(d.stripeCreatedAt),
        marketingSuspended: state.status !== 'none' && state.marketingSuspended,
      };
      // Stripe deletes a subscription by canceling it; its snapshot says so, or should.
      const status = event.type === 'SubscriptionDeleted' && !ENDED.has(d.status) ? 'canceled' : d.status;
      if (status === 'past_due' || status === 'unpaid') {
        return { ...base, status, pastDueSince: since ?? d.stripeCreatedAt };
      }
      return { ...base, status, pastDueSince: null };
    }
    case 'SubscriptionStatusChanged': {
      ledger.seen.add(event.data.stripeEventId);
      if (state.status === 'none') return state;
      const asOf = Date.parse(event.data.stripeCreatedAt);
      const to = event.data.to;
      if (to === 'past_due' || to === 'unpaid') return { ...state, status: to, asOf, pastDueSince: state.pastDueSince ?? event.data.stripeCreatedAt };
      return { ...state, status: to, asOf, pastDueSince: null };
    }
    case 'SubscriptionTrialEnding':
      ledger.seen.add(event.data.stripeEventId);
      return state;
    case 'PaymentSucceeded':
    case 'PaymentFailed':
    case 'PaymentActionRequired': {
      ledger.seen.add(event.data.stripeEventId);
      const status: PaymentStatus = event.type === 'PaymentSucceeded' ? 'succeeded' : event.type === 'PaymentFailed' ? 'failed' : 'requires_action';
      ledger.payments.set(event.data.paymentKey, status);
      return state;
    }
    case 'PaymentRefunded':
    case 'PaymentDisputed':
      ledger.seen.add(event.data.stripeEventId);
      return state;
    case 'MarketingSendsSuspended':
      return state.status === 'none' ? state : { ...state, marketingSuspended: true };
    case 'MarketingSendsRestored':
      return state.status === 'none' ? state : { ...state, marketingSuspended: false };
    default:
      return assertNever(event);
  }
}

export const subscriptionDecider: Decider<SubscriptionCommand, SubscriptionState, SubscriptionEvent> = {
  initialState: () => ({ status: 'none', seen: new Set(), payments: new Map() }),

  decide(command, state) {
    switch (command.type) {
      case 'RecordStripeEvent': {
        const { fact } = command;
        if (state.seen.has(fact.data.stripeEventId)) return [];
        let events: SubscriptionEvent[];
        switch (fact.type) {
          case 'SubscriptionCreated':
          case 'SubscriptionUpdated':
          case 'SubscriptionDeleted':
          case 'SubscriptionTrialEnding':
            events = decideSubscriptionFact(fact, state);
            break;
          case 'PaymentSucceeded':
          case 'PaymentFailed':
          case 'PaymentActionRequired':
          case 'PaymentRefunded':
          case 'PaymentDisputed':
            events = decidePaymentFact(fact, state);
            break;
          default:
            return assertNever(fact);
        }
        if (events.length === 0) return [];
        // Folded on copies: deciding must not touch the state it was given.
        let next: SubscriptionState = { ...state, seen: new Set(state.seen), payments: new Map(state.payments) };
        for (const e of events) next = evolveSubscription(next, e);
        const paid = events.some((e) => e.type === 'PaymentSucceeded' || (e.type === 'SubscriptionStatusChanged' && e.data.reason === 'payment_succeeded'));
        return [...events, ...dunning(next, command.now, command.graceDays, paid)];
      }
      case 'ObserveDunning':
        return dunning(state, command.now, command.graceDays, false);
      default:
        return assertNever(command);
    }
  },

  evolve: evolveSubscription,
};
