import { DateTime } from 'luxon';
import type { BillingCycle, BillingPeriod, PeriodAlignment } from '../catalog/plan-events.ts';

/**
 * Billing periods in the tenant's time zone. Luxon does the calendar: IANA zones through
 * Intl, month arithmetic that clamps to the month's end (Jan 31 + 1 month = Feb 28/29),
 * and local times resolved across DST changes. Boundaries are local midnights, so a
 * period's length in days is a count of calendar dates, whatever its length in hours.
 */

export interface PeriodRule {
  cycle: BillingCycle;
  alignment: PeriodAlignment;
}

const inZone = (instant: string, timeZone: string): DateTime => {
  const dt = DateTime.fromISO(instant, { zone: timeZone });
  if (!dt.isValid) throw new RangeError(`not an instant in ${timeZone}: ${instant} (${dt.invalidExplanation ?? dt.invalidReason})`);
  return dt;
};

/** The start of a local date (midnight, or the first instant after a DST gap that swallows it). */
const localMidnight = (date: { year: number; month: number; day: number }, timeZone: string) =>
  DateTime.fromObject({ year: date.year, month: date.month, day: date.day }, { zone: timeZone }).startOf('day');

const iso = (dt: DateTime) => dt.toUTC().toISO() as string;

/** Local midnight of the anchor date plus n cycles, computed from the anchor each time so a 31st comes back after a short month. */
function anniversaryStart(anchor: DateTime, cycle: BillingCycle, n: number, timeZone: string): DateTime {
  const date = DateTime.utc(anchor.year, anchor.month, anchor.day).plus(cycle === 'monthly' ? { months: n } : { years: n });
  return localMidnight(date, timeZone);
}

/** The billing period [start, end) that holds `at`, for a subscription started at `startedAt`. */
export function billingPeriodAt(rule: PeriodRule, startedAt: string, timeZone: string, at: string): BillingPeriod {
  const local = inZone(at, timeZone);
  const unit = rule.cycle === 'monthly' ? 'month' : 'year';
  if (rule.alignment === 'calendar') {
    const start = local.startOf(unit);
    const next = start.plus(rule.cycle === 'monthly' ? { months: 1 } : { years: 1 });
    return { start: iso(start), end: iso(localMidnight(next, timeZone)) };
  }
  const anchor = inZone(startedAt, timeZone);
  const months = (local.year - anchor.year) * 12 + (local.month - anchor.month);
  // The estimate is off by at most one period (day of month, time of day): step from it.
  let n = rule.cycle === 'monthly' ? months : Math.floor(months / 12);
  let start = anniversaryStart(anchor, rule.cycle, n, timeZone);
  while (start > local) start = anniversaryStart(anchor, rule.cycle, --n, timeZone);
  let end = anniversaryStart(anchor, rule.cycle, n + 1, timeZone);
  while (end <= local) {
    start = end;
    end = anniversaryStart(anchor, rule.cycle, ++n + 1, timeZone);
  }
  return { start: iso(start), end: iso(end) };
}

/** Local calendar date of an instant as days since 1970-01-01 (an exact integer: no hours involved). */
export function localDayNumber(instant: string, timeZone: string): number {
  const local = inZone(instant, timeZone);
  return Date.UTC(local.year, local.month - 1, local.day) / 86_400_000;
}

/**
 * Days from one instant to another as the tenant's calendar counts them: the date of
 * `to` minus the date of `from`. A period [Oct 1, Nov 1) has 31 days even when a DST
 * change makes it 743 hours; a change at 15:00 on the 10th puts the 10th in the later part.
 */
export const localDays = (from: string, to: string, timeZone: string): number => localDayNumber(to, timeZone) - localDayNumber(from, timeZone);

/** `days` calendar days after an instant, at the same local time (for trials). */
export const plusLocalDays = (instant: string, days: number, timeZone: string): string => iso(inZone(instant, timeZone).plus({ days }));

/** The tenant's local date of an instant, YYYY-MM-DD: how lines name days. */
export const localDate = (instant: string, timeZone: string): string => inZone(instant, timeZone).toISODate() as string;
