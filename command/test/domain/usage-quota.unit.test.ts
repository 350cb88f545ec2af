import { eventCatalog } from '@parley/events';
import { describe, expect, it } from 'vitest';
import { type UsageQuotaCommand, type UsageQuotaEvent, type UsageQuotaState, usageQuotaDecider } from '../../src/domain/usage-quota.ts';

const tenantId = '6b0f5a3e-3a44-4d5c-9a57-1d2a3c4b5e6f';
const period = { start: '2026-12-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' };
const inPeriod = new Date('2026-12-07T12:00:00.000Z');

const check = (usedUnits: number, includedUnits = 1000, now = inPeriod): UsageQuotaCommand => ({
  type: 'CheckUsageQuota',
  tenantId,
  meter: 'messages_sent',
  period,
  includedUnits,
  usedUnits,
  now,
});
const fold = (events: UsageQuotaEvent[]) => events.reduce<UsageQuotaState>(usageQuotaDecider.evolve, usageQuotaDecider.initialState());
/** Runs checks in order, each on the state the earlier ones left, as the handler does. */
function run(commands: UsageQuotaCommand[]) {
  const events: UsageQuotaEvent[] = [];
  for (const c of commands) events.push(...usageQuotaDecider.decide(c, fold(events)));
  return { thresholds: events.map((e) => e.data.threshold), events, state: fold(events) };
}

describe('usage quota decider', () => {
  it('records nothing below 80 %, 80 at exactly 80 %, and 100 at exactly the included units', () => {
    expect(run([check(799)]).thresholds).toEqual([]);
    const at80 = run([check(799), check(800)]);
    expect(at80.thresholds).toEqual([80]);
    expect(at80.events[0]?.data).toEqual({
      tenantId,
      meter: 'messages_sent',
      period,
      threshold: 80,
      includedUnits: 1000,
      usedUnits: 800,
      at: inPeriod.toISOString(),
    });
    expect(run([check(800), check(999), check(1000)]).thresholds).toEqual([80, 100]);
    for (const e of run([check(800), check(1000)]).events) expect(eventCatalog.UsageQuotaReached[1].safeParse(e.data).success).toBe(true);
  });

  it('crossing both at once records both, lowest first', () => {
    const { thresholds, state } = run([check(1500)]);
    expect(thresholds).toEqual([80, 100]);
    expect(state).toEqual({ status: 'reached', reached: [80, 100], usedUnits: 1500 });
  });

  it('a threshold is recorded once however often the check runs', () => {
    expect(run([check(850), check(850), check(900), check(1000), check(1000), check(2000)]).thresholds).toEqual([80, 100]);
  });

  it('compares in integers: 4 of 5 included is 80 %, 3 of 4 is not', () => {
    expect(run([check(4, 5)]).thresholds).toEqual([80]);
    expect(run([check(3, 4)]).thresholds).toEqual([]);
    expect(run([check(1, 1)]).thresholds).toEqual([80, 100]);
  });

  it('a plan with no included units for the meter gets no alert', () => {
    expect(run([check(1_000_000, 0)]).thresholds).toEqual([]);
  });

  it('decides nothing outside the period: an ended period is invoiced, not alerted on', () => {
    expect(run([check(2000, 1000, new Date(period.end))]).thresholds).toEqual([]);
    expect(run([check(2000, 1000, new Date('2026-11-30T23:59:59.999Z'))]).thresholds).toEqual([]);
  });
});
