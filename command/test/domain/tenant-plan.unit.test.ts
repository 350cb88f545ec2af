import { eventCatalog, type Plan, type PlanTerms } from '@parley/events';
import { samplePlan } from '@parley/events/testing';
import { AppError } from '@parley/kit';
import { describe, expect, it } from 'vitest';
import { planCatalogDecider } from '../../src/domain/plan-catalog.ts';
import { type TenantPlanCommand, type TenantPlanEvent, type TenantPlanState, tenantPlanDecider } from '../../src/domain/tenant-plan.ts';

const tenantId = '6b0f5a3e-3a44-4d5c-9a57-1d2a3c4b5e6f';
const starter = samplePlan('starter', { rank: 1 });
const growth = samplePlan('growth', { rank: 2, flatFee: 9000 });
const scale = samplePlan('scale', { rank: 3, flatFee: 30000 });

const fold = (events: TenantPlanEvent[]) => events.reduce<TenantPlanState>(tenantPlanDecider.evolve, tenantPlanDecider.initialState());
const choose = (p: Plan | null, now: string, timeZone: string | null = null): TenantPlanCommand => ({
  type: 'ChoosePlan',
  tenantId,
  planKey: p?.planKey ?? 'nope',
  plan: p,
  timeZone,
  now: new Date(now),
});
function decideAll(commands: TenantPlanCommand[]) {
  const events: TenantPlanEvent[] = [];
  for (const c of commands) events.push(...tenantPlanDecider.decide(c, fold(events)));
  return events;
}
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return [error.code, error.message];
    throw error;
  }
  throw new Error('not refused');
};

describe('tenant plan decider', () => {
  it('anchors the first choice in the tenant’s zone and starts the trial', () => {
    const trial = samplePlan('growth', { rank: 2, trialDays: 14 });
    const [event] = tenantPlanDecider.decide(choose(trial, '2026-03-20T15:00:00Z', 'Europe/Berlin'), fold([]));
    // 14 local days later at the same local time: across the DST change of 29 March, one hour less in UTC
    expect(event).toEqual({
      type: 'TenantPlanChosen',
      data: { tenantId, plan: trial, startedAt: '2026-03-20T15:00:00.000Z', timeZone: 'Europe/Berlin', trialEndsAt: '2026-04-03T14:00:00.000Z' },
    });
    expect(eventCatalog.TenantPlanChosen[1].safeParse(event?.data).success).toBe(true);
  });

  it('upgrades at once and schedules a downgrade for the period end', () => {
    const events = decideAll([
      choose(starter, '2026-09-01T12:00:00Z', 'America/New_York'),
      choose(scale, '2026-09-11T19:00:00Z'),
      choose(growth, '2026-09-20T12:00:00Z'),
    ]);
    expect(events.map((e) => [e.type, 'effectiveAt' in e.data ? e.data.effectiveAt : null])).toEqual([
      ['TenantPlanChosen', null],
      ['TenantPlanUpgraded', '2026-09-11T19:00:00.000Z'],
      // midnight of 1 October in New York
      ['TenantPlanChangeScheduled', '2026-10-01T04:00:00.000Z'],
    ]);
    const state = fold(events);
    if (state.status !== 'subscribed') throw new Error('subscribed');
    expect(state.timeline.plans.map((p) => [p.plan.planKey, p.from])).toEqual([
      ['starter', '2026-09-01T12:00:00.000Z'],
      ['scale', '2026-09-11T19:00:00.000Z'],
      ['growth', '2026-10-01T04:00:00.000Z'],
    ]);
  });

  it('takes the same choice twice as one: no event the second time', () => {
    const events = decideAll([choose(starter, '2026-09-01T12:00:00Z', 'UTC'), choose(growth, '2026-09-02T12:00:00Z')]);
    expect(tenantPlanDecider.decide(choose(growth, '2026-09-03T12:00:00Z'), fold(events))).toEqual([]);
    const scheduled = decideAll([choose(scale, '2026-09-01T12:00:00Z', 'UTC'), choose(growth, '2026-09-02T12:00:00Z')]);
    expect(tenantPlanDecider.decide(choose(growth, '2026-09-03T12:00:00Z'), fold(scheduled))).toEqual([]);
  });

  it('cancels a waiting downgrade when the current plan is chosen again, or on request', () => {
    const scheduled = decideAll([choose(scale, '2026-09-01T12:00:00Z', 'UTC'), choose(starter, '2026-09-02T12:00:00Z')]);
    const again = tenantPlanDecider.decide(choose(scale, '2026-09-03T12:00:00Z'), fold(scheduled));
    expect(again).toEqual([{ type: 'TenantPlanChangeCanceled', data: { tenantId, planKey: 'starter', effectiveAt: '2026-10-01T00:00:00.000Z' } }]);
    const state = fold([...scheduled, ...again]);
    expect(state.status === 'subscribed' && state.timeline.plans.map((p) => p.plan.planKey)).toEqual(['scale']);
    expect(tenantPlanDecider.decide({ type: 'CancelScheduledChange', now: new Date('2026-09-03T12:00:00Z') }, fold(scheduled))).toEqual(again);
    expect(refusal(() => tenantPlanDecider.decide({ type: 'CancelScheduledChange', now: new Date('2026-09-03T12:00:00Z') }, state))).toEqual([
      'conflict',
      'no plan change is scheduled',
    ]);
  });

  it('drops a waiting downgrade when an upgrade comes', () => {
    const events = decideAll([choose(growth, '2026-09-01T12:00:00Z', 'UTC'), choose(starter, '2026-09-02T12:00:00Z'), choose(scale, '2026-09-03T12:00:00Z')]);
    const state = fold(events);
    expect(state.status === 'subscribed' && state.timeline.plans.map((p) => p.plan.planKey)).toEqual(['growth', 'scale']);
  });

  it('refuses with the reason: unknown plan, downgrade while trialing, other currency, same rank, no zone, moved zone', () => {
    const trialing = decideAll([choose(samplePlan('growth', { rank: 2, trialDays: 30 }), '2026-09-01T12:00:00Z', 'UTC')]);
    expect(refusal(() => tenantPlanDecider.decide(choose(null, '2026-09-02T00:00:00Z'), fold(trialing)))).toEqual(['unprocessable', 'unknown plan: nope']);
    expect(refusal(() => tenantPlanDecider.decide(choose(starter, '2026-09-02T00:00:00Z'), fold(trialing)))).toEqual([
      'conflict',
      'downgrade while trialing: the trial of growth runs until 2026-10-01T12:00:00.000Z; downgrade after it',
    ]);
    // after the trial the same downgrade is scheduled
    expect(tenantPlanDecider.decide(choose(starter, '2026-10-02T00:00:00Z'), fold(trialing)).map((e) => e.type)).toEqual(['TenantPlanChangeScheduled']);
    expect(refusal(() => tenantPlanDecider.decide(choose(samplePlan('usd', { rank: 5, currency: 'USD' }), '2026-09-02T00:00:00Z'), fold(trialing)))).toEqual([
      'unprocessable',
      'usd has currency USD, the current plan growth EUR: a change keeps them',
    ]);
    expect(refusal(() => tenantPlanDecider.decide(choose(samplePlan('twin', { rank: 2 }), '2026-09-02T00:00:00Z'), fold(trialing)))[1]).toContain(
      'neither an upgrade nor a downgrade',
    );
    expect(refusal(() => tenantPlanDecider.decide(choose(starter, '2026-09-02T00:00:00Z'), fold([])))[1]).toContain('timeZone is required');
    expect(refusal(() => tenantPlanDecider.decide(choose(scale, '2026-09-02T00:00:00Z', 'Asia/Tokyo'), fold(trialing)))[1]).toBe(
      'the billing time zone is UTC, fixed at the first plan choice',
    );
  });
});

describe('plan catalog decider', () => {
  it('versions a redefinition and ignores the same terms again', () => {
    const define = (terms: PlanTerms) => ({ type: 'DefinePlan' as const, planKey: 'growth', terms });
    const first = planCatalogDecider.decide(define(growth.terms), planCatalogDecider.initialState());
    const state = first.reduce(planCatalogDecider.evolve, planCatalogDecider.initialState());
    expect(first.map((e) => e.data.version)).toEqual([1]);
    expect(planCatalogDecider.decide(define(growth.terms), state)).toEqual([]);
    expect(planCatalogDecider.decide(define({ ...growth.terms, flatFee: 9900 }), state).map((e) => e.data.version)).toEqual([2]);
  });
});
