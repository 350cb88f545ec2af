import { describe, expect, it } from 'vitest';
import { billingPeriodAt, computeInvoice, type PlanTimeline, plusLocalDays, segmentsOf } from '../../src/billing/index.ts';
import type { InvoiceLine } from '../../src/catalog/plan-events.ts';
import { samplePlan as plan } from '../../src/testing/sample-plan.ts';

const messages = (unitPrice: string, includedUnits = 0) => ({ meter: 'messages', includedUnits, price: { model: 'per_unit' as const, unitPrice } });
const brief = (lines: readonly InvoiceLine[]) => lines.map((l) => [l.kind, l.planKey, l.units ?? l.days, l.amount]);

describe('a whole period on one plan', () => {
  const zone = 'Europe/Berlin';
  const period = billingPeriodAt({ cycle: 'monthly', alignment: 'calendar' }, '2026-01-01T00:00:00Z', zone, '2026-03-10T00:00:00Z');

  it('charges the flat fee, the usage and tax on the subtotal', () => {
    const p = plan('growth', { flatFee: 4900, charges: [messages('0.8', 1000)] });
    const invoice = computeInvoice({
      period,
      timeZone: zone,
      segments: [{ plan: p, from: period.start, to: period.end, trial: false, usage: { messages: 2500 } }],
      taxRatePercent: '19',
    });
    expect(brief(invoice.lines)).toEqual([
      ['flat_fee', 'growth', 31, 4900],
      ['included_units', 'growth', 1000, 0],
      ['usage', 'growth', 1500, 1200],
      ['tax', null, null, 1159], // 6100 × 19% = 1159
    ]);
    expect([invoice.subtotal, invoice.tax, invoice.total]).toEqual([6100, 1159, 7259]);
  });

  it('rounds tax half up once, on the subtotal', () => {
    // 4950 × 19% = 940.5 → 941; 4950 × 20.5% = 1014.75 → 1015
    const p = plan('starter', { flatFee: 4950 });
    const segments = [{ plan: p, from: period.start, to: period.end, trial: false, usage: {} }];
    expect(computeInvoice({ period, timeZone: zone, segments, taxRatePercent: '19' }).tax).toBe(941);
    expect(computeInvoice({ period, timeZone: zone, segments, taxRatePercent: '20.5' }).tax).toBe(1015);
    expect(computeInvoice({ period, timeZone: zone, segments, taxRatePercent: '0' }).total).toBe(4950);
  });

  it('tops up to the minimum commitment', () => {
    const p = plan('scale', { flatFee: 1000, charges: [messages('2')], minimumCommitment: 10_000 });
    const at = (used: number) =>
      computeInvoice({
        period,
        timeZone: zone,
        segments: [{ plan: p, from: period.start, to: period.end, trial: false, usage: { messages: used } }],
        taxRatePercent: '0',
      });
    expect(brief(at(1000).lines)).toEqual([
      ['flat_fee', 'scale', 31, 1000],
      ['usage', 'scale', 1000, 2000],
      ['minimum_commitment', 'scale', 31, 7000],
      ['tax', null, null, 0],
    ]);
    expect(at(1000).total).toBe(10_000);
    // met exactly: no top-up line; above: none either
    expect(at(4500).lines.map((l) => l.kind)).not.toContain('minimum_commitment');
    expect(at(6000).total).toBe(13_000);
  });

  it('prices in each currency with its own minor unit', () => {
    for (const currency of ['EUR', 'USD', 'GBP'] as const) {
      const p = plan(`team-${currency.toLowerCase()}`, { currency, flatFee: 2500, charges: [messages('0.5')] });
      const invoice = computeInvoice({
        period,
        timeZone: zone,
        segments: [{ plan: p, from: period.start, to: period.end, trial: false, usage: { messages: 3 } }],
        taxRatePercent: '20',
      });
      expect(invoice.currency).toBe(currency);
      expect([invoice.subtotal, invoice.tax, invoice.total]).toEqual([2502, 500, 3002]); // 1.5 → 2; 500.4 → 500
      expect(invoice.lines[0]?.description).toBe(`team-${currency.toLowerCase()}: flat fee ${currency} 25.00`);
    }
  });
});

describe('plan changes', () => {
  const zone = 'America/New_York';
  const starter = plan('starter', { rank: 1, flatFee: 3000, charges: [messages('1', 500)] });
  const growth = plan('growth', { rank: 2, flatFee: 9000, charges: [messages('0.5', 2000)] });

  it('prorates an upgrade by the day: the change day counts for the new plan', () => {
    // started Sep 1; upgraded Sep 11 at 15:00 New York time: 10 days of starter, 20 of growth
    const timeline: PlanTimeline = {
      startedAt: '2026-09-01T04:00:00.000Z',
      timeZone: zone,
      trialEndsAt: null,
      plans: [
        { plan: starter, from: '2026-09-01T04:00:00.000Z' },
        { plan: growth, from: '2026-09-11T19:00:00.000Z' },
      ],
    };
    const period = billingPeriodAt({ cycle: 'monthly', alignment: 'calendar' }, timeline.startedAt, zone, '2026-09-20T00:00:00Z');
    const [before, after] = segmentsOf(timeline, period);
    const invoice = computeInvoice({
      period,
      timeZone: zone,
      segments: [
        { ...before!, usage: { messages: 1500 } },
        { ...after!, usage: { messages: 1000 } },
      ],
      taxRatePercent: '0',
    });
    // 3000 × 10/30 = 1000; 9000 × 20/30 = 6000; all 2,500 messages on growth: 2,000 included, 500 × 0.5
    expect(brief(invoice.lines)).toEqual([
      ['flat_fee', 'starter', 10, 1000],
      ['flat_fee', 'growth', 20, 6000],
      ['included_units', 'growth', 2000, 0],
      ['usage', 'growth', 500, 250],
      ['tax', null, null, 0],
    ]);
    expect(invoice.lines[0]?.description).toBe('starter: flat fee EUR 30.00 × 10/30 days (2026-09-01 to 2026-09-11)');
  });

  it('applies a downgrade at the period end: the period is on the old plan, the next on the new', () => {
    const timeline: PlanTimeline = {
      startedAt: '2026-09-01T04:00:00.000Z',
      timeZone: zone,
      trialEndsAt: null,
      plans: [
        { plan: growth, from: '2026-09-01T04:00:00.000Z' },
        { plan: starter, from: '2026-10-01T04:00:00.000Z' },
      ],
    };
    const rule = { cycle: 'monthly', alignment: 'calendar' } as const;
    const september = billingPeriodAt(rule, timeline.startedAt, zone, '2026-09-20T00:00:00Z');
    expect(segmentsOf(timeline, september).map((s) => s.plan.planKey)).toEqual(['growth']);
    const october = billingPeriodAt(rule, timeline.startedAt, zone, '2026-10-20T00:00:00Z');
    expect(segmentsOf(timeline, october).map((s) => s.plan.planKey)).toEqual(['starter']);
  });

  it('charges nothing during a trial and prorates the fee from its end', () => {
    const startedAt = '2026-09-05T14:00:00.000Z';
    const trial = plan('growth', { rank: 2, flatFee: 9000, charges: [messages('0.5', 2000)], trialDays: 14 });
    const timeline: PlanTimeline = { startedAt, timeZone: zone, trialEndsAt: plusLocalDays(startedAt, 14, zone), plans: [{ plan: trial, from: startedAt }] };
    const period = billingPeriodAt({ cycle: 'monthly', alignment: 'calendar' }, startedAt, zone, startedAt);
    const segments = segmentsOf(timeline, period);
    expect(segments.map((s) => [s.from, s.to, s.trial])).toEqual([
      ['2026-09-05T14:00:00.000Z', '2026-09-19T14:00:00.000Z', true],
      ['2026-09-19T14:00:00.000Z', '2026-10-01T04:00:00.000Z', false],
    ]);
    const invoice = computeInvoice({
      period,
      timeZone: zone,
      segments: [
        { ...segments[0]!, usage: { messages: 5000 } },
        { ...segments[1]!, usage: { messages: 2100 } },
      ],
      taxRatePercent: '0',
    });
    // trial Sep 5–19 (14 days) free; Sep 19–30: 12 of 30 days × 9000 = 3600; 2,100 messages after the trial
    expect(brief(invoice.lines)).toEqual([
      ['trial', 'growth', 14, 0],
      ['trial_usage', 'growth', 5000, 0],
      ['flat_fee', 'growth', 12, 3600],
      ['included_units', 'growth', 2000, 0],
      ['usage', 'growth', 100, 50],
      ['tax', null, null, 0],
    ]);
  });

  it('prices a whole trial period at zero', () => {
    const startedAt = '2026-09-01T04:00:00.000Z';
    const trial = plan('growth', { flatFee: 9000, charges: [messages('0.5')], minimumCommitment: 50_000, trialDays: 60 });
    const timeline: PlanTimeline = { startedAt, timeZone: zone, trialEndsAt: plusLocalDays(startedAt, 60, zone), plans: [{ plan: trial, from: startedAt }] };
    const period = billingPeriodAt({ cycle: 'monthly', alignment: 'calendar' }, startedAt, zone, startedAt);
    const invoice = computeInvoice({
      period,
      timeZone: zone,
      segments: segmentsOf(timeline, period).map((s) => ({ ...s, usage: { messages: 10 } })),
      taxRatePercent: '19',
    });
    expect(invoice.total).toBe(0);
  });
});

describe('a period that ends on a DST change day', () => {
  it('prorates by local days in Berlin: the period ends at midnight of 25 October 2026, the night DST ends', () => {
    const zone = 'Europe/Berlin';
    const basic = plan('basic', { rank: 1, flatFee: 3000, alignment: 'anniversary' });
    const pro = plan('pro', { rank: 2, flatFee: 6000, alignment: 'anniversary', charges: [messages('0.25', 100)] });
    const startedAt = '2026-08-25T08:00:00.000Z';
    // upgraded on 20 October at 23:30 local time (21:30 UTC): that day counts for pro
    const timeline: PlanTimeline = {
      startedAt,
      timeZone: zone,
      trialEndsAt: null,
      plans: [
        { plan: basic, from: startedAt },
        { plan: pro, from: '2026-10-20T21:30:00.000Z' },
      ],
    };
    const period = billingPeriodAt(basic.terms, startedAt, zone, '2026-10-10T00:00:00Z');
    expect(period).toEqual({ start: '2026-09-24T22:00:00.000Z', end: '2026-10-24T22:00:00.000Z' });
    expect((Date.parse(period.end) - Date.parse(period.start)) / 3_600_000).toBe(720);
    const next = billingPeriodAt(basic.terms, startedAt, zone, period.end);
    expect((Date.parse(next.end) - Date.parse(next.start)) / 3_600_000).toBe(31 * 24 + 1);
    const [before, after] = segmentsOf(timeline, period);
    const invoice = computeInvoice({
      period,
      timeZone: zone,
      segments: [
        { ...before!, usage: { messages: 333 } },
        { ...after!, usage: { messages: 100 } },
      ],
      taxRatePercent: '19',
    });
    // basic 25 Sep–19 Oct: 25 of 30 days × 3000 = 2500; pro 20–24 Oct: 5 of 30 × 6000 = 1000;
    // 433 messages on pro: 100 included, 333 × 0.25 = 83.25 → 83; tax 3583 × 19% = 680.77 → 681
    expect(brief(invoice.lines)).toEqual([
      ['flat_fee', 'basic', 25, 2500],
      ['flat_fee', 'pro', 5, 1000],
      ['included_units', 'pro', 100, 0],
      ['usage', 'pro', 333, 83],
      ['tax', null, null, 681],
    ]);
    expect(invoice.total).toBe(4264);
  });
});

describe('late usage', () => {
  it('bills what the late units would have added to their finalized period, at its tier', () => {
    const zone = 'UTC';
    const p = plan('growth', {
      flatFee: 0,
      charges: [
        {
          meter: 'messages',
          includedUnits: 0,
          price: {
            model: 'graduated',
            tiers: [
              { upTo: 1000, unitPrice: '1' },
              { upTo: null, unitPrice: '0.5' },
            ],
          },
        },
      ],
    });
    const rule = { cycle: 'monthly', alignment: 'calendar' } as const;
    const march = billingPeriodAt(rule, '2026-01-01T00:00:00Z', zone, '2026-03-10T00:00:00Z');
    const april = billingPeriodAt(rule, '2026-01-01T00:00:00Z', zone, '2026-04-10T00:00:00Z');
    const invoice = computeInvoice({
      period: april,
      timeZone: zone,
      segments: [{ plan: p, from: april.start, to: april.end, trial: false, usage: { messages: 10 } }],
      taxRatePercent: '0',
      // March billed 990; 20 arrive late: 10 at 1 and 10 at 0.5 = 15
      lateUsage: [{ meter: 'messages', period: march, plan: p, billedUnits: 990, lateUnits: 20 }],
    });
    expect(brief(invoice.lines)).toEqual([
      ['usage', 'growth', 10, 10],
      ['adjustment', 'growth', 20, 15],
      ['tax', null, null, 0],
    ]);
    expect(invoice.lines[1]?.description).toBe('messages: 20 units late for 2026-03-01 to 2026-04-01 (after 990 billed there)');
  });

  it('names days by the tenant’s local dates', () => {
    const zone = 'Europe/Berlin';
    const period = billingPeriodAt({ cycle: 'monthly', alignment: 'calendar' }, '2026-01-01T00:00:00Z', zone, '2026-03-10T00:00:00Z');
    const p = plan('growth', { flatFee: 3100 });
    const from = '2026-03-10T12:00:00.000Z';
    const invoice = computeInvoice({ period, timeZone: zone, segments: [{ plan: p, from, to: period.end, trial: false, usage: {} }], taxRatePercent: '0' });
    expect(period.start).toBe('2026-02-28T23:00:00.000Z');
    expect(invoice.lines[0]?.description).toBe('growth: flat fee EUR 31.00 × 22/31 days (2026-03-10 to 2026-04-01)');
    expect(invoice.lines[0]?.amount).toBe(2200);
  });
});
