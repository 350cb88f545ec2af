import type { z } from 'zod';
import type {
  BillingPeriod,
  Plan,
  TenantPlanChangeCanceled,
  TenantPlanChangeScheduled,
  TenantPlanChosen,
  TenantPlanSummary,
  TenantPlanUpgraded,
} from '../catalog/plan-events.ts';
import { billingPeriodAt } from './periods.ts';

/**
 * Which plan a tenant was on when: its first plan from `startedAt`, each upgrade from the
 * moment it was made, a scheduled downgrade from the period end it waits for.
 */
export interface PlanTimeline {
  startedAt: string;
  timeZone: string;
  /** null: no trial. */
  trialEndsAt: string | null;
  /** In order of `from`; the first from is startedAt. */
  plans: ReadonlyArray<{ plan: Plan; from: string }>;
}

/** A stretch of a period on one plan, in or out of trial. */
export interface PlanSegment {
  plan: Plan;
  from: string;
  to: string;
  trial: boolean;
}

const ms = Date.parse;

/** The plan in force at an instant; null before the first choice. */
export function planAt(timeline: PlanTimeline, at: string): Plan | null {
  let current: Plan | null = null;
  for (const { plan, from } of timeline.plans) if (ms(from) <= ms(at)) current = plan;
  return current;
}

/** The period cut where the plan changes and where the trial ends; time before the subscription is left out. */
export function segmentsOf(timeline: PlanTimeline, period: BillingPeriod): PlanSegment[] {
  const segments: PlanSegment[] = [];
  const cuts = timeline.trialEndsAt === null ? [] : [timeline.trialEndsAt];
  timeline.plans.forEach(({ plan, from }, i) => {
    const next = timeline.plans[i + 1]?.from;
    const start = Math.max(ms(from), ms(period.start));
    const end = Math.min(next === undefined ? ms(period.end) : ms(next), ms(period.end));
    if (start >= end) return;
    const points = [start, ...cuts.map(ms).filter((c) => c > start && c < end), end];
    for (let k = 0; k + 1 < points.length; k++) {
      const a = points[k] as number;
      const b = points[k + 1] as number;
      const trial = timeline.trialEndsAt !== null && b <= ms(timeline.trialEndsAt);
      segments.push({ plan, from: new Date(a).toISOString(), to: new Date(b).toISOString(), trial });
    }
  });
  return segments;
}

/** A tenant plan event, as the timeline reads it. */
export type TenantPlanTimelineEvent =
  | { type: 'TenantPlanChosen'; data: z.infer<typeof TenantPlanChosen> }
  | { type: 'TenantPlanUpgraded'; data: z.infer<typeof TenantPlanUpgraded> }
  | { type: 'TenantPlanChangeScheduled'; data: z.infer<typeof TenantPlanChangeScheduled> }
  | { type: 'TenantPlanChangeCanceled'; data: z.infer<typeof TenantPlanChangeCanceled> };

/**
 * The timeline after one event: the command side's state and the read side's row both
 * fold with this, so they agree on which plan is in force when.
 */
export function evolveTimeline(timeline: PlanTimeline | null, event: TenantPlanTimelineEvent): PlanTimeline | null {
  switch (event.type) {
    case 'TenantPlanChosen': {
      const { plan, startedAt, timeZone, trialEndsAt } = event.data;
      return { startedAt, timeZone, trialEndsAt, plans: [{ plan, from: startedAt }] };
    }
    case 'TenantPlanUpgraded':
    case 'TenantPlanChangeScheduled': {
      if (timeline === null) return null;
      // A change replaces whatever was to come after it (an upgrade drops a waiting downgrade).
      const at = ms(event.data.effectiveAt);
      const kept = timeline.plans.filter((p) => ms(p.from) < at);
      return { ...timeline, plans: [...kept, { plan: event.data.plan, from: event.data.effectiveAt }] };
    }
    case 'TenantPlanChangeCanceled': {
      if (timeline === null) return null;
      const { planKey, effectiveAt } = event.data;
      return { ...timeline, plans: timeline.plans.filter((p) => !(p.plan.planKey === planKey && p.from === effectiveAt)) };
    }
    default:
      return assertNever(event);
  }
}

/** The downgrade waiting for its period end at `now`, if any. */
export function pendingChange(timeline: PlanTimeline, now: string): { plan: Plan; from: string } | null {
  const last = timeline.plans.at(-1);
  return last && timeline.plans.length > 1 && ms(last.from) > ms(now) ? last : null;
}

/** The plan in force at `now`, its current period and any downgrade waiting; null before the first choice. */
export function tenantPlanSummary(timeline: PlanTimeline, now: string): TenantPlanSummary | null {
  const current = planAt(timeline, now);
  if (!current) return null;
  const pending = pendingChange(timeline, now);
  return {
    planKey: current.planKey,
    version: current.version,
    terms: current.terms,
    name: current.terms.name,
    currency: current.terms.currency,
    startedAt: timeline.startedAt,
    timeZone: timeline.timeZone,
    trialEndsAt: timeline.trialEndsAt,
    currentPeriod: billingPeriodAt(current.terms, timeline.startedAt, timeline.timeZone, now),
    scheduledChange: pending ? { planKey: pending.plan.planKey, effectiveAt: pending.from } : null,
  };
}

function assertNever(value: never): never {
  throw new Error(`unhandled plan event: ${JSON.stringify(value)}`);
}
