import type { EventOf, Plan } from '@parley/events';
import { billingPeriodAt, evolveTimeline, type PlanTimeline, pendingChange, planAt, plusLocalDays } from '@parley/events/billing';
import { conflict, notFound, unprocessable } from '@parley/kit';
import { assertNever, type Decider } from './decider.ts';

/**
 * A tenant's plan subscription, one stream per tenant (docs/billing.md#plans): the first
 * choice anchors its periods and starts its trial; an upgrade applies at once; a
 * downgrade is scheduled for the end of the period it is asked in.
 */
export type TenantPlanEvent = EventOf<'TenantPlanChosen' | 'TenantPlanUpgraded' | 'TenantPlanChangeScheduled' | 'TenantPlanChangeCanceled'>;

export type TenantPlanState = { status: 'none' } | { status: 'subscribed'; tenantId: string; timeline: PlanTimeline };

export type TenantPlanCommand =
  | {
      type: 'ChoosePlan';
      tenantId: string;
      planKey: string;
      /** The catalog's current version of the plan; null: no such plan. */
      plan: Plan | null;
      /** Required for the first choice, where it anchors the periods; fixed after. */
      timeZone: string | null;
      now: Date;
    }
  | { type: 'CancelScheduledChange'; now: Date };

const subscribed = (state: TenantPlanState) => {
  if (state.status === 'none') throw notFound('no plan chosen yet');
  return state;
};

function decideChoice(command: Extract<TenantPlanCommand, { type: 'ChoosePlan' }>, state: TenantPlanState): TenantPlanEvent[] {
  const { plan, now, tenantId } = command;
  if (plan === null) throw unprocessable(`unknown plan: ${command.planKey}`);
  const at = now.toISOString();
  if (state.status === 'none') {
    if (command.timeZone === null) throw unprocessable('timeZone is required with the first plan: billing periods are anchored in it');
    const trialEndsAt = plan.terms.trialDays > 0 ? plusLocalDays(at, plan.terms.trialDays, command.timeZone) : null;
    return [{ type: 'TenantPlanChosen', data: { tenantId, plan, startedAt: at, timeZone: command.timeZone, trialEndsAt } }];
  }
  const { timeline } = state;
  if (command.timeZone !== null && command.timeZone !== timeline.timeZone) {
    throw unprocessable(`the billing time zone is ${timeline.timeZone}, fixed at the first plan choice`);
  }
  const current = planAt(timeline, at);
  if (current === null) throw new Error('a subscribed tenant has a plan');
  const pending = pendingChange(timeline, at);
  if (plan.planKey === current.planKey) {
    // Choosing the current plan again drops a downgrade that waits; otherwise nothing changes.
    return pending ? [{ type: 'TenantPlanChangeCanceled', data: { tenantId, planKey: pending.plan.planKey, effectiveAt: pending.from } }] : [];
  }
  for (const field of ['currency', 'cycle', 'alignment'] as const) {
    if (plan.terms[field] !== current.terms[field]) {
      throw unprocessable(
        `${plan.planKey} has ${field} ${plan.terms[field]}, the current plan ${current.planKey} ${current.terms[field]}: a change keeps them`,
      );
    }
  }
  if (plan.terms.rank > current.terms.rank) {
    return [{ type: 'TenantPlanUpgraded', data: { tenantId, from: current.planKey, plan, effectiveAt: at } }];
  }
  if (plan.terms.rank === current.terms.rank) {
    throw unprocessable(`${plan.planKey} has the rank of ${current.planKey} (${plan.terms.rank}): neither an upgrade nor a downgrade`);
  }
  if (timeline.trialEndsAt !== null && Date.parse(timeline.trialEndsAt) > now.getTime()) {
    throw conflict(`downgrade while trialing: the trial of ${current.planKey} runs until ${timeline.trialEndsAt}; downgrade after it`);
  }
  if (pending?.plan.planKey === plan.planKey) return [];
  const { end } = billingPeriodAt(current.terms, timeline.startedAt, timeline.timeZone, at);
  return [{ type: 'TenantPlanChangeScheduled', data: { tenantId, from: current.planKey, plan, effectiveAt: end } }];
}

export const tenantPlanDecider: Decider<TenantPlanCommand, TenantPlanState, TenantPlanEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'ChoosePlan':
        return decideChoice(command, state);
      case 'CancelScheduledChange': {
        const s = subscribed(state);
        const pending = pendingChange(s.timeline, command.now.toISOString());
        if (!pending) throw conflict('no plan change is scheduled');
        return [{ type: 'TenantPlanChangeCanceled', data: { tenantId: s.tenantId, planKey: pending.plan.planKey, effectiveAt: pending.from } }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    const timeline = evolveTimeline(state.status === 'none' ? null : state.timeline, event);
    if (timeline === null) return state;
    const tenantId = state.status === 'none' ? event.data.tenantId : state.tenantId;
    return { status: 'subscribed', tenantId, timeline };
  },
};
