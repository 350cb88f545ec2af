import { describe, expect, it } from 'vitest';
import { billingPeriodAt, computeInvoice, type PlanTimeline, plusLocalDays, segmentsOf } from '../../src/billing/index.ts';
import type { ChargeModel, Currency, InvoiceLine, MeterCharge, Plan } from '../../src/catalog/plan-events.ts';
import { samplePlan as plan } from '../../src/testing/sample-plan.ts';
import { seededRandom } from '../../src/testing/seeded-random.ts';

/**
 * An independent reference for invoices, written apart from the production code: plain
 * BigInt arithmetic on scaled integers (no decimal library), local dates from Intl (no
 * date library), its own reading of the rules in docs/billing.md. Seeded scenarios
 * (tenants in several zones, plans in three currencies, every charge model, upgrades,
 * downgrades, trials, late usage, tier boundaries hit exactly) must agree to the minor
 * unit on every line.
 */

// ---------------------------------------------------------------- seeded generator

// ---------------------------------------------------------------- reference: dates from Intl

const formatters = new Map<string, Intl.DateTimeFormat>();
function refLocalDate(ms: number, zone: string): [number, number, number] {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric' });
    formatters.set(zone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return [Number(parts.year), Number(parts.month), Number(parts.day)];
}
const dayNumber = ([y, m, d]: [number, number, number]) => Date.UTC(y, m - 1, d) / 86_400_000;
const refDays = (fromMs: number, toMs: number, zone: string) => dayNumber(refLocalDate(toMs, zone)) - dayNumber(refLocalDate(fromMs, zone));

// ---------------------------------------------------------------- reference: money as scaled BigInt

const PRICE_SCALE = 1_000_000n;
/** "12.345" → 12345000n (millionths of a minor unit). */
function scaled(decimal: string, scale: bigint): bigint {
  const [whole, fraction = ''] = decimal.split('.');
  const digits = scale.toString().length - 1;
  return BigInt(whole ?? '0') * scale + BigInt((fraction + '0'.repeat(digits)).slice(0, digits) || '0');
}
/** n / d rounded half up, for n ≥ 0, d > 0. */
const halfUp = (n: bigint, d: bigint) => (2n * n + d) / (2n * d);

interface RefLine {
  kind: InvoiceLine['kind'];
  planKey: string | null;
  meter: string | null;
  units: number | null;
  quantity: number | null;
  tier: number | null;
  days: number | null;
  amount: number;
}

function refMeter(planKey: string, charge: MeterCharge, used: number): RefLine[] {
  const out: RefLine[] = [];
  const base = { planKey, meter: charge.meter, days: null };
  const free = Math.min(used, charge.includedUnits);
  if (charge.includedUnits > 0) out.push({ ...base, kind: 'included_units', units: free, quantity: null, tier: null, amount: 0 });
  const rest = used - free;
  const at = (units: number, price: string) => Number(halfUp(BigInt(units) * scaled(price, PRICE_SCALE), PRICE_SCALE));
  const p: ChargeModel = charge.price;
  if (p.model === 'per_unit') out.push({ ...base, kind: 'usage', units: rest, quantity: rest, tier: null, amount: at(rest, p.unitPrice) });
  if (p.model === 'package') {
    const packages = Math.floor((rest + p.packageSize - 1) / p.packageSize);
    out.push({ ...base, kind: 'usage', units: rest, quantity: packages, tier: null, amount: packages * p.packagePrice });
  }
  if (p.model === 'volume') {
    let index = 0;
    while (p.tiers[index]?.upTo != null && rest > (p.tiers[index]?.upTo as number)) index++;
    out.push({ ...base, kind: 'usage', units: rest, quantity: rest, tier: index + 1, amount: at(rest, p.tiers[index]!.unitPrice) });
  }
  if (p.model === 'graduated') {
    let floor = 0;
    for (let i = 0; i < p.tiers.length; i++) {
      const tier = p.tiers[i]!;
      const ceiling = tier.upTo ?? rest;
      const n = rest > floor ? Math.min(rest, ceiling) - floor : 0;
      if (n > 0 || (rest === 0 && i === 0)) out.push({ ...base, kind: 'usage', units: n, quantity: n, tier: i + 1, amount: at(n, tier.unitPrice) });
      if (tier.upTo !== null) floor = tier.upTo;
    }
  }
  return out;
}

interface Scenario {
  zone: string;
  timeline: PlanTimeline;
  at: string;
  usage: Array<Record<string, number>>;
  taxRatePercent: string;
  late: Array<{ meter: string; periodAt: string; billedUnits: number; lateUnits: number }>;
}

function referenceInvoice(s: Scenario) {
  const { zone, timeline } = s;
  const period = billingPeriodAt(timeline.plans[0]!.plan.terms, timeline.startedAt, zone, s.at);
  const ps = Date.parse(period.start);
  const pe = Date.parse(period.end);
  const periodDays = refDays(ps, pe, zone);
  const trialEnd = timeline.trialEndsAt === null ? null : Date.parse(timeline.trialEndsAt);
  // segments: each plan's stretch inside the period, cut at the trial's end
  const segments: Array<{ plan: Plan; from: number; to: number; trial: boolean }> = [];
  for (let i = 0; i < timeline.plans.length; i++) {
    const from = Math.max(Date.parse(timeline.plans[i]!.from), ps);
    const to = Math.min(i + 1 < timeline.plans.length ? Date.parse(timeline.plans[i + 1]!.from) : pe, pe);
    if (from >= to) continue;
    if (trialEnd !== null && trialEnd > from && trialEnd < to) {
      segments.push({ plan: timeline.plans[i]!.plan, from, to: trialEnd, trial: true });
      segments.push({ plan: timeline.plans[i]!.plan, from: trialEnd, to, trial: false });
    } else segments.push({ plan: timeline.plans[i]!.plan, from, to, trial: trialEnd !== null && to <= trialEnd });
  }
  const lines: RefLine[] = [];
  const none = { meter: null, units: null, quantity: null, tier: null };
  segments.forEach((seg, k) => {
    const days = refDays(seg.from, seg.to, zone);
    if (seg.trial) {
      lines.push({ ...none, kind: 'trial', planKey: seg.plan.planKey, days, amount: 0 });
      for (const [meter, units] of Object.entries(s.usage[k] ?? {}))
        if (units > 0) lines.push({ ...none, kind: 'trial_usage', planKey: seg.plan.planKey, meter, units, days: null, amount: 0 });
    } else if (seg.plan.terms.flatFee > 0) {
      const amount = Number(halfUp(BigInt(seg.plan.terms.flatFee) * BigInt(days), BigInt(periodDays)));
      lines.push({ ...none, kind: 'flat_fee', planKey: seg.plan.planKey, quantity: days, days, amount });
    }
  });
  const paidIdx = segments.map((seg, k) => (seg.trial ? -1 : k)).filter((k) => k >= 0);
  const last = paidIdx.length > 0 ? segments[paidIdx[paidIdx.length - 1]!]!.plan : null;
  if (last) {
    for (const charge of last.terms.charges) {
      let used = 0;
      for (const k of paidIdx) used += s.usage[k]?.[charge.meter] ?? 0;
      lines.push(...refMeter(last.planKey, charge, used));
    }
    if (last.terms.minimumCommitment !== null) {
      let paidDays = 0;
      for (const k of paidIdx) paidDays += refDays(segments[k]!.from, segments[k]!.to, zone);
      const charged = lines.reduce((n, l) => n + l.amount, 0);
      const numerator = BigInt(last.terms.minimumCommitment) * BigInt(paidDays) - BigInt(charged) * BigInt(periodDays);
      const topUp = numerator > 0n ? Number(halfUp(numerator, BigInt(periodDays))) : 0;
      if (topUp > 0) lines.push({ ...none, kind: 'minimum_commitment', planKey: last.planKey, quantity: paidDays, days: paidDays, amount: topUp });
    }
  }
  for (const late of s.late) {
    const latePlan = timeline.plans[0]!.plan;
    const charge = latePlan.terms.charges.find((c) => c.meter === late.meter);
    const cost = (units: number) => (charge ? refMeter(latePlan.planKey, charge, units).reduce((n, l) => n + l.amount, 0) : 0);
    lines.push({
      ...none,
      kind: 'adjustment',
      planKey: latePlan.planKey,
      meter: late.meter,
      units: late.lateUnits,
      days: null,
      amount: cost(late.billedUnits + late.lateUnits) - cost(late.billedUnits),
    });
  }
  const subtotal = lines.reduce((n, l) => n + l.amount, 0);
  const tax = Number(halfUp(BigInt(subtotal) * scaled(s.taxRatePercent, 10_000n), 100n * 10_000n));
  lines.push({ ...none, kind: 'tax', planKey: null, quantity: subtotal, days: null, amount: tax });
  return { period, lines, subtotal, tax, total: subtotal + tax, segments };
}

// ---------------------------------------------------------------- scenarios

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'America/Santiago', 'Pacific/Chatham'];
const CURRENCIES: Currency[] = ['EUR', 'USD', 'GBP'];
const TAX_RATES = ['0', '19', '20', '21', '7.7', '8.875', '25.5'];
const METERS = ['messages', 'template.marketing', 'contacts', 'webhooks'];

function generate(seed: number): Scenario & { bounds: number[] } {
  const rnd = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const price = () => {
    const whole = pick([0, 0, 1, 2, 5, 12]);
    const decimals = int(0, 6);
    return decimals === 0 ? String(whole) : `${whole}.${String(int(0, 10 ** decimals - 1)).padStart(decimals, '0')}`;
  };
  const bounds: number[] = [];
  const tiers = () => {
    const n = int(1, 4);
    let upTo = 0;
    return Array.from({ length: n }, (_, i) => {
      if (i === n - 1) return { upTo: null, unitPrice: price() };
      upTo += pick([1, 10, 100, 1000, int(2, 5000)]);
      bounds.push(upTo);
      return { upTo, unitPrice: price() };
    });
  };
  const model = (): ChargeModel => {
    switch (int(0, 3)) {
      case 0:
        return { model: 'per_unit', unitPrice: price() };
      case 1:
        return { model: 'graduated', tiers: tiers() };
      case 2:
        return { model: 'volume', tiers: tiers() };
      default:
        return { model: 'package', packageSize: pick([1, 10, 100, 1000, int(2, 500)]), packagePrice: int(0, 10_000) };
    }
  };
  const zone = pick(ZONES);
  const currency = pick(CURRENCIES);
  const cycle = rnd() < 0.8 ? 'monthly' : 'yearly';
  const alignment = rnd() < 0.5 ? 'calendar' : 'anniversary';
  const trialDays = rnd() < 0.3 ? int(1, 45) : 0;
  const makePlan = (key: string, rank: number) => {
    const meters = METERS.filter(() => rnd() < 0.6);
    return plan(`${key}-${currency.toLowerCase()}`, {
      currency,
      cycle,
      alignment,
      rank,
      trialDays,
      flatFee: pick([0, 990, 2500, int(1, 100_000)]),
      minimumCommitment: rnd() < 0.3 ? int(0, 200_000) : null,
      charges: meters.map((meter) => ({ meter, includedUnits: pick([0, 0, 100, 1000, int(1, 3000)]), price: model() })),
    });
  };
  const first = makePlan('starter', 1);
  const startMs = Date.UTC(2026, 0, 1) + Math.floor(rnd() * 365 * 86_400_000);
  const startedAt = new Date(startMs).toISOString();
  const plans: Array<{ plan: Plan; from: string }> = [{ plan: first, from: startedAt }];
  // the invoiced period: the first, or one up to a year later
  const atMs = startMs + (rnd() < 0.4 ? 0 : Math.floor(rnd() * 400 * 86_400_000));
  const at = new Date(atMs).toISOString();
  const period = billingPeriodAt(first.terms, startedAt, zone, at);
  const change = rnd();
  if (change < 0.3) {
    // an upgrade at a random instant inside the period (after the start)
    const from = Math.max(Date.parse(period.start), startMs) + 1;
    const changeAt = from + Math.floor(rnd() * (Date.parse(period.end) - from));
    plans.push({ plan: makePlan('growth', 2), from: new Date(changeAt).toISOString() });
  } else if (change < 0.45) {
    // a downgrade scheduled at the end of this period, or of the one before
    const boundary = rnd() < 0.5 ? period.end : period.start;
    if (Date.parse(boundary) > startMs) plans.push({ plan: makePlan('lite', 0), from: boundary });
  }
  const timeline: PlanTimeline = { startedAt, timeZone: zone, trialEndsAt: trialDays > 0 ? plusLocalDays(startedAt, trialDays, zone) : null, plans };
  const segments = segmentsOf(timeline, period);
  // usage: often exactly on a tier boundary or included-units edge of the plan that prices it
  const edges = [...bounds, ...timeline.plans.flatMap((p) => p.plan.terms.charges.map((c) => c.includedUnits))];
  const usage = segments.map(() =>
    Object.fromEntries(
      METERS.filter(() => rnd() < 0.8)
        .map((m) => [m, rnd() < 0.4 && edges.length > 0 ? pick(edges) + pick([-1, 0, 0, 1]) : int(0, 20_000)])
        .filter(([, n]) => (n as number) >= 0),
    ),
  );
  const late = rnd() < 0.3 ? [{ meter: pick(METERS), periodAt: startedAt, billedUnits: pick([0, ...edges, int(0, 5000)]), lateUnits: int(1, 3000) }] : [];
  return { zone, timeline, at, usage, taxRatePercent: pick(TAX_RATES), late, bounds };
}

const CASES = 400;

describe('invoices equal an independent BigInt reference fold', () => {
  it(`on ${CASES} seeded scenarios, every line to the minor unit`, () => {
    const seen = {
      currencies: new Set<string>(),
      zones: new Set<string>(),
      models: new Set<string>(),
      kinds: new Set<string>(),
      boundaryHits: 0,
      dstPeriods: 0,
    };
    for (let seed = 1; seed <= CASES; seed++) {
      const s = generate(seed);
      const ref = referenceInvoice(s);
      const segments = segmentsOf(s.timeline, ref.period);
      expect(
        segments.map((x) => [Date.parse(x.from), Date.parse(x.to), x.trial, x.plan.planKey]),
        `seed ${seed}: segments`,
      ).toEqual(ref.segments.map((x) => [x.from, x.to, x.trial, x.plan.planKey]));
      const latePlan = s.timeline.plans[0]!.plan;
      const invoice = computeInvoice({
        period: ref.period,
        timeZone: s.zone,
        segments: segments.map((seg, k) => ({ ...seg, usage: s.usage[k] ?? {} })),
        taxRatePercent: s.taxRatePercent,
        lateUsage: s.late.map((l) => ({ ...l, plan: latePlan, period: billingPeriodAt(latePlan.terms, s.timeline.startedAt, s.zone, l.periodAt) })),
      });
      const actual = invoice.lines.map((l) => ({
        kind: l.kind,
        planKey: l.planKey,
        meter: l.meter,
        units: l.units,
        quantity: l.quantity,
        tier: l.tier?.index ?? null,
        days: l.days,
        amount: l.amount,
      }));
      expect(actual, `seed ${seed}`).toEqual(ref.lines);
      expect([invoice.subtotal, invoice.tax, invoice.total], `seed ${seed}: totals`).toEqual([ref.subtotal, ref.tax, ref.total]);

      seen.currencies.add(invoice.currency);
      seen.zones.add(s.zone);
      for (const p of s.timeline.plans) for (const c of p.plan.terms.charges) seen.models.add(c.price.model);
      for (const l of invoice.lines) seen.kinds.add(l.kind);
      // a graduated line that fills its tier to the last unit, or a volume total on a tier's last unit
      const onBoundary = (l: InvoiceLine) =>
        l.tier?.lastUnit != null && l.units !== null && (l.units === l.tier.lastUnit || l.tier.firstUnit - 1 + l.units === l.tier.lastUnit);
      if (invoice.lines.some(onBoundary)) seen.boundaryHits++;
      const hours = (Date.parse(ref.period.end) - Date.parse(ref.period.start)) / 3_600_000;
      if (hours % 24 !== 0) seen.dstPeriods++;
    }
    // the generator reached what it is meant to cover
    expect([...seen.currencies].sort()).toEqual(['EUR', 'GBP', 'USD']);
    expect(seen.zones.size).toBe(ZONES.length);
    expect([...seen.models].sort()).toEqual(['graduated', 'package', 'per_unit', 'volume']);
    expect([...seen.kinds].sort()).toEqual(['adjustment', 'flat_fee', 'included_units', 'minimum_commitment', 'tax', 'trial', 'trial_usage', 'usage']);
    expect(seen.boundaryHits).toBeGreaterThan(10);
    expect(seen.dstPeriods).toBeGreaterThan(25);
  });

  it('checks periods against Intl: they start and end at the first instant of the expected local dates', () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const s = generate(seed);
      const terms = s.timeline.plans[0]!.plan.terms;
      const { start, end } = billingPeriodAt(terms, s.timeline.startedAt, s.zone, s.at);
      const [ps, pe, at] = [Date.parse(start), Date.parse(end), Date.parse(s.at)];
      expect(ps <= at && at < pe, `seed ${seed}: ${start} ≤ ${s.at} < ${end}`).toBe(true);
      for (const edge of [ps, pe]) {
        // a local date's first instant: the millisecond before lies on the day before
        expect(dayNumber(refLocalDate(edge, s.zone)) - dayNumber(refLocalDate(edge - 1, s.zone)), `seed ${seed}: ${new Date(edge).toISOString()}`).toBe(1);
      }
      const [sy, sm, sd] = refLocalDate(ps, s.zone);
      const [ey, em, ed] = refLocalDate(pe, s.zone);
      const months = (ey - sy) * 12 + (em - sm);
      expect(months, `seed ${seed}`).toBe(terms.cycle === 'monthly' ? 1 : 12);
      const [ay, am, ad] = refLocalDate(Date.parse(s.timeline.startedAt), s.zone);
      void ay;
      void am;
      const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
      const expectedDay = (y: number, m: number) => (terms.alignment === 'calendar' ? 1 : Math.min(ad, lastDay(y, m)));
      expect([sd, ed], `seed ${seed}`).toEqual([expectedDay(sy, sm), expectedDay(ey, em)]);
      if (terms.cycle === 'yearly' && terms.alignment === 'calendar') expect(sm).toBe(1);
      if (terms.cycle === 'yearly' && terms.alignment === 'anniversary') expect(sm).toBe(am);
    }
  });
});
