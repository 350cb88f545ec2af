import type { EventOf } from '@parley/events';
import { conflict, notFound } from '@parley/kit';
import { assertNever, type Decider } from './decider.ts';

/** One stream per subscription: its settings and every delivery attempt's outcome. */
export type WebhookSubscriptionEvent = EventOf<
  | 'WebhookSubscriptionCreated'
  | 'WebhookSubscriptionDisabled'
  | 'WebhookSubscriptionEnabled'
  | 'WebhookTestRequested'
  | 'WebhookReplayRequested'
  | 'WebhookDeliveryAttempted'
>;

/** Waits before the 2nd … 8th attempt: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const RETRY_DELAYS_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000] as const;
/** A Retry-After longer than this is not waited for longer. */
const MAX_RETRY_AFTER_MS = 10 * 3_600_000;
/** Failing this long without one success disables the subscription. */
export const FAILING_DISABLES_AFTER_MS = 5 * 24 * 3_600_000;

type Settings = EventOf<'WebhookSubscriptionCreated'>['data'];

export type WebhookSubscriptionState =
  | { status: 'none' }
  | (Settings & {
      status: 'active' | 'disabled';
      /** Since when every attempt failed; null after a success. */
      failingSince: string | null;
      /** `deliveryId:attempt` pairs recorded: a worker's retry records nothing twice. */
      attempts: Set<string>;
    });

export interface AttemptResult {
  httpStatus: number | null;
  error: string | null;
  latencyMs: number;
  responseExcerpt: string | null;
  /** What the receiver's Retry-After asked for, in ms. */
  retryAfterMs: number | null;
}

export type WebhookSubscriptionCommand =
  | { type: 'CreateSubscription'; data: EventOf<'WebhookSubscriptionCreated'>['data'] }
  | { type: 'DisableSubscription' }
  | { type: 'EnableSubscription' }
  | { type: 'RequestTest'; deliveryId: string }
  | { type: 'RequestReplay'; deliveryId: string }
  | { type: 'RecordAttempt'; deliveryId: string; attempt: number; result: AttemptResult; now: Date };

/** Another tenant's subscription never gets here: the handler runs these tenant-scoped. */
const existing = (state: WebhookSubscriptionState) => {
  if (state.status === 'none') throw notFound('webhook subscription not found');
  return state;
};

function decideAttempt(command: Extract<WebhookSubscriptionCommand, { type: 'RecordAttempt' }>, state: WebhookSubscriptionState): WebhookSubscriptionEvent[] {
  if (state.status === 'none') throw notFound('webhook subscription not found');
  if (state.attempts.has(`${command.deliveryId}:${command.attempt}`)) return [];
  const { result, now } = command;
  const base = {
    subscriptionId: state.subscriptionId,
    deliveryId: command.deliveryId,
    attempt: command.attempt,
    httpStatus: result.httpStatus,
    error: result.error,
    latencyMs: result.latencyMs,
    responseExcerpt: result.responseExcerpt,
    at: now.toISOString(),
  };
  const ok = result.httpStatus !== null && result.httpStatus >= 200 && result.httpStatus < 300;
  if (ok) return [{ type: 'WebhookDeliveryAttempted', data: { ...base, outcome: 'delivered', nextAttemptAt: null } }];
  const disable = (reason: 'gone' | 'failing'): WebhookSubscriptionEvent[] =>
    state.status === 'active' ? [{ type: 'WebhookSubscriptionDisabled', data: { subscriptionId: state.subscriptionId, reason } }] : [];
  if (result.httpStatus === 410) return [{ type: 'WebhookDeliveryAttempted', data: { ...base, outcome: 'gone', nextAttemptAt: null } }, ...disable('gone')];
  const failingSince = Date.parse(state.failingSince ?? base.at);
  if (now.getTime() - failingSince >= FAILING_DISABLES_AFTER_MS) {
    return [{ type: 'WebhookDeliveryAttempted', data: { ...base, outcome: 'failed', nextAttemptAt: null } }, ...disable('failing')];
  }
  const wait = RETRY_DELAYS_MS[command.attempt - 1];
  if (wait === undefined || state.status === 'disabled')
    return [{ type: 'WebhookDeliveryAttempted', data: { ...base, outcome: 'failed', nextAttemptAt: null } }];
  const delay = Math.max(wait, Math.min(result.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
  return [{ type: 'WebhookDeliveryAttempted', data: { ...base, outcome: 'retrying', nextAttemptAt: new Date(now.getTime() + delay).toISOString() } }];
}

export const webhookSubscriptionDecider: Decider<WebhookSubscriptionCommand, WebhookSubscriptionState, WebhookSubscriptionEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'CreateSubscription':
        if (state.status !== 'none') throw conflict('webhook subscription exists');
        return [{ type: 'WebhookSubscriptionCreated', data: command.data }];
      case 'DisableSubscription': {
        const s = existing(state);
        return s.status === 'disabled' ? [] : [{ type: 'WebhookSubscriptionDisabled', data: { subscriptionId: s.subscriptionId, reason: 'by_admin' } }];
      }
      case 'EnableSubscription': {
        const s = existing(state);
        return s.status === 'active' ? [] : [{ type: 'WebhookSubscriptionEnabled', data: { subscriptionId: s.subscriptionId } }];
      }
      case 'RequestTest': {
        const s = existing(state);
        if (s.status !== 'active') throw conflict('webhook subscription is disabled: enable it first');
        return [{ type: 'WebhookTestRequested', data: { subscriptionId: s.subscriptionId, deliveryId: command.deliveryId } }];
      }
      case 'RequestReplay': {
        const s = existing(state);
        if (s.status !== 'active') throw conflict('webhook subscription is disabled: enable it first');
        return [{ type: 'WebhookReplayRequested', data: { subscriptionId: s.subscriptionId, deliveryId: command.deliveryId } }];
      }
      case 'RecordAttempt':
        return decideAttempt(command, state);
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'WebhookSubscriptionCreated':
        return { status: 'active', ...event.data, failingSince: null, attempts: new Set() };
      case 'WebhookSubscriptionDisabled':
        return state.status === 'none' ? state : { ...state, status: 'disabled' };
      case 'WebhookSubscriptionEnabled':
        return state.status === 'none' ? state : { ...state, status: 'active', failingSince: null };
      case 'WebhookTestRequested':
      case 'WebhookReplayRequested':
        return state;
      case 'WebhookDeliveryAttempted': {
        if (state.status === 'none') return state;
        state.attempts.add(`${event.data.deliveryId}:${event.data.attempt}`);
        const failingSince = event.data.outcome === 'delivered' ? null : (state.failingSince ?? event.data.at);
        return { ...state, failingSince };
      }
      default:
        return assertNever(event);
    }
  },
};
