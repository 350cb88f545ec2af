import type { BillingPeriod, Plan } from '../catalog/plan-events.ts';

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
