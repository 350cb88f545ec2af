import type { DailyUsageRow, MeterCharge, MeterUsage } from './types.ts';

/**
 * The billing pages' arithmetic and wording: money in a currency's minor units, a period's
 * local dates, a meter's total and its forecast to the period end. Pure, so the server
 * components and the CSV route share it.
 */

const DAY_MS = 86_400_000;

/** A currency's minor-unit digits, as ISO 4217 (through Intl) has them: 2 for EUR, 0 for JPY, 3 for KWD. */
export const minorDigits = (currency: string): number =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

/** An integer amount of minor units, written in its currency: 4900 EUR → €49.00. */
export function formatMoney(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  return new Intl.NumberFormat('en', { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
    minor / 10 ** digits,
  );
}

/** A unit price (a decimal string of minor units, up to 6 decimals finer than the currency), in its currency: "0.35" EUR → €0.0035. */
export function formatUnitPrice(unitPrice: string, currency: string): string {
  const digits = minorDigits(currency);
  const decimals = (unitPrice.split('.')[1] ?? '').length;
  return new Intl.NumberFormat('en', { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits + decimals }).format(
    Number(unitPrice) / 10 ** digits,
  );
}

/** The local date (YYYY-MM-DD) of an instant in a zone. */
export const localDate = (iso: string, timeZone: string): string => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(iso));

/** A date as people read it: "1 Dec 2026". */
export const formatDate = (isoOrDate: string, timeZone = 'UTC'): string =>
  new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', year: 'numeric' }).format(
    new Date(/^\d{4}-\d{2}-\d{2}$/.test(isoOrDate) ? `${isoOrDate}T12:00:00Z` : isoOrDate),
  );

/** A period [start, end) as its local first and last day: "1 Dec 2026 – 31 Dec 2026". */
export const formatPeriod = (period: { start: string; end: string }, timeZone: string): string =>
  `${formatDate(period.start, timeZone)} – ${formatDate(new Date(Date.parse(period.end) - 1).toISOString(), timeZone)}`;

/** The dates of the usage API's daily breakdown for a period: its local first day, and the local day its end falls on (exclusive). */
export const periodDates = (period: { start: string; end: string }, timeZone: string) => ({
  from: localDate(period.start, timeZone),
  to: localDate(period.end, timeZone),
});

/**
 * A meter's figure for the period, as the usage API's groups give it: counts and sums add
 * up over their groups; a maximum is the largest group's; a unique count or a latest value
 * is not additive, and the default meters that have them have no groups (one item).
 */
export function meterTotal(m: Pick<MeterUsage, 'aggregation' | 'items'>): number {
  if (m.items.length === 0) return 0;
  if (m.aggregation === 'max') return Math.max(...m.items.map((i) => i.quantity));
  return m.items.reduce((n, i) => n + i.quantity, 0);
}

/** Whether a meter's figure grows with time (so a run-rate forecast applies) or is a level (seats, unique contacts). */
export const isAdditive = (aggregation: MeterUsage['aggregation']): boolean => aggregation === 'count' || aggregation === 'sum';

/** How far into the period `now` is: elapsed and total days (fractions), clamped to the period. */
export function periodProgress(period: { start: string; end: string }, now: number) {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  const elapsed = Math.min(Math.max(now - start, 0), end - start);
  return { elapsedDays: elapsed / DAY_MS, totalDays: (end - start) / DAY_MS, fraction: end > start ? elapsed / (end - start) : 1 };
}

/**
 * The forecast at the period end: a linear run-rate of the usage so far over the time so
 * far (used × period length ÷ elapsed), for additive meters; a level (a maximum, a unique
 * count, a latest value) is forecast to stay where it is. Before an hour has passed there
 * is no rate to speak of: the usage so far.
 */
export function forecastAtEnd(used: number, aggregation: MeterUsage['aggregation'], progress: ReturnType<typeof periodProgress>): number {
  if (!isAdditive(aggregation) || progress.elapsedDays < 1 / 24) return used;
  return Math.round((used * progress.totalDays) / progress.elapsedDays);
}

/** A charge model in words, prices in the plan's currency. */
export function describeCharge(charge: MeterCharge, currency: string): string {
  const p = charge.price;
  switch (p.model) {
    case 'per_unit':
      return `${formatUnitPrice(p.unitPrice, currency)} per unit`;
    case 'graduated':
    case 'volume':
      return `${p.model === 'graduated' ? 'Graduated' : 'Volume'}: ${p.tiers
        .map(
          (t, i) =>
            `${i === 0 ? 'up to' : t.upTo === null ? 'beyond' : 'to'} ${t.upTo === null ? (p.tiers[i - 1]?.upTo ?? 0).toLocaleString('en') : t.upTo.toLocaleString('en')} at ${formatUnitPrice(t.unitPrice, currency)}`,
        )
        .join(', ')}`;
    case 'package':
      return `${formatMoney(p.packagePrice, currency)} per ${p.packageSize.toLocaleString('en')} units (started packages)`;
    default: {
      const never: never = p;
      return String(never);
    }
  }
}

/** A day's total per meter from the daily rows (groups added, as meterTotal does for the period). */
export function dailyTotals(rows: readonly DailyUsageRow[], meter: string): Map<string, number> {
  const byDay = new Map<string, number>();
  for (const r of rows) if (r.meter === meter) byDay.set(r.day, (byDay.get(r.day) ?? 0) + r.quantity);
  return byDay;
}

/** Every local date in [from, to). */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t < Date.parse(`${to}T00:00:00Z`); t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Meter keys in words where the API gives none: billable_templates_delivered → Billable templates delivered. */
export const meterLabel = (key: string): string => (key.charAt(0).toUpperCase() + key.slice(1)).replaceAll('_', ' ');
