/**
 * Business-hours arithmetic over a team calendar: a time zone, weekly periods (0 =
 * Monday) and holidays. A period whose close is not after its open runs overnight into
 * the next day; a holiday closes the periods that start on it. No calendar (null) means
 * open around the clock, so business time equals wall-clock time.
 *
 * Works in whole local days: every day's periods are turned into UTC intervals through
 * the zone's offset at that local time (DST-correct; a local time that does not exist
 * in a spring-forward gap is moved by the gap).
 */

export interface Calendar {
  timeZone: string;
  periods: readonly { day: number; open: string; close: string }[];
  holidays: readonly string[];
}

const DAY_MS = 86_400_000;
/** Searching for the next open second stops after this many days: a calendar without periods never opens. */
const MAX_LOOKAHEAD_DAYS = 800;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const HOUR_MS = 3_600_000;
/**
 * Offsets per zone and UTC hour: formatToParts costs microseconds and the projector asks
 * for the same few hours again and again. An hour whose two ends disagree holds a
 * transition (DST, or a historical change at an odd minute): it is not cached (NaN) and
 * every instant in it is computed exactly. Bounded: cleared when it grows past the limit.
 */
const offsetCache = new Map<string, number>();
const OFFSET_CACHE_LIMIT = 200_000;

/** Offset of the zone at an instant, in ms (local = utc + offset). */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const hour = Math.floor(instantMs / HOUR_MS);
  const key = `${timeZone}|${hour}`;
  let cached = offsetCache.get(key);
  if (cached === undefined) {
    const start = exactOffsetMs(hour * HOUR_MS, timeZone);
    cached = exactOffsetMs(hour * HOUR_MS + HOUR_MS - 1, timeZone) === start ? start : Number.NaN;
    if (offsetCache.size >= OFFSET_CACHE_LIMIT) offsetCache.clear();
    offsetCache.set(key, cached);
  }
  return Number.isNaN(cached) ? exactOffsetMs(instantMs, timeZone) : cached;
}

function exactOffsetMs(instantMs: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(instantMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return local - Math.floor(instantMs / 1000) * 1000;
}

/** Days since 1970-01-01 of the local calendar date at an instant. */
function localDayNumber(instantMs: number, timeZone: string): number {
  return Math.floor((instantMs + zoneOffsetMs(instantMs, timeZone)) / DAY_MS);
}

const dayString = (dayNumber: number) => new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
/** 0 = Monday … 6 = Sunday. */
const weekdayOf = (dayNumber: number) => (new Date(dayNumber * DAY_MS).getUTCDay() + 6) % 7;

const minutesOf = (clock: string) => {
  const [h, m] = clock.split(':');
  return Number(h) * 60 + Number(m);
};

/** The UTC instant of a local wall-clock time (minutes after local midnight of a day). */
function zonedInstant(dayNumber: number, minutes: number, timeZone: string): number {
  const asUtc = dayNumber * DAY_MS + minutes * 60_000;
  const first = asUtc - zoneOffsetMs(asUtc, timeZone);
  return asUtc - zoneOffsetMs(first, timeZone);
}

/**
 * Intervals per calendar and local day. Keyed by the calendar object: the projector
 * replaces a team's calendar with a new object when it changes, so an entry never goes
 * stale; callers must not mutate the arrays returned (openIntervals copies them).
 */
const dayCache = new WeakMap<Calendar, Map<number, readonly (readonly [number, number])[]>>();
const DAY_CACHE_LIMIT = 10_000;

/** Open intervals [start, end) in UTC ms of the periods that start on one local day. */
function intervalsOfDay(calendar: Calendar, dayNumber: number): readonly (readonly [number, number])[] {
  let days = dayCache.get(calendar);
  if (!days) {
    days = new Map();
    dayCache.set(calendar, days);
  }
  let intervals = days.get(dayNumber);
  if (!intervals) {
    intervals = computeIntervalsOfDay(calendar, dayNumber);
    if (days.size >= DAY_CACHE_LIMIT) days.clear();
    days.set(dayNumber, intervals);
  }
  return intervals;
}

function computeIntervalsOfDay(calendar: Calendar, dayNumber: number): [number, number][] {
  if (calendar.holidays.includes(dayString(dayNumber))) return [];
  const weekday = weekdayOf(dayNumber);
  const out: [number, number][] = [];
  for (const p of calendar.periods) {
    if (p.day !== weekday) continue;
    const open = minutesOf(p.open);
    let close = minutesOf(p.close);
    if (close <= open) close += 24 * 60;
    const start = zonedInstant(dayNumber, open, calendar.timeZone);
    const end = zonedInstant(dayNumber, close, calendar.timeZone);
    if (end > start) out.push([start, end]);
  }
  return out;
}

/** Merged, sorted open intervals of the periods starting on local days first..last. */
function openIntervals(calendar: Calendar, firstDay: number, lastDay: number): [number, number][] {
  const all: (readonly [number, number])[] = [];
  for (let d = firstDay; d <= lastDay; d++) all.push(...intervalsOfDay(calendar, d));
  all.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const iv of all) {
    const last = merged[merged.length - 1];
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  return merged;
}

/** Milliseconds of business time in [fromMs, toMs). */
export function businessMsBetween(fromMs: number, toMs: number, calendar: Calendar | null): number {
  if (toMs <= fromMs) return 0;
  if (!calendar) return toMs - fromMs;
  // An overnight period that started the day before still counts.
  const first = localDayNumber(fromMs, calendar.timeZone) - 1;
  const last = localDayNumber(toMs, calendar.timeZone);
  let total = 0;
  for (const [s, e] of openIntervals(calendar, first, last)) {
    const a = Math.max(s, fromMs);
    const b = Math.min(e, toMs);
    if (b > a) total += b - a;
  }
  return total;
}

/** The instant at which `ms` of business time have passed since fromMs; null if the calendar never opens. */
export function addBusinessMs(fromMs: number, ms: number, calendar: Calendar | null): number | null {
  if (!calendar) return fromMs + ms;
  let remaining = ms;
  /** Counted up to here: an overnight period of one week may overlap the next week's first period. */
  let cursor = fromMs;
  const startDay = localDayNumber(fromMs, calendar.timeZone) - 1;
  // Whole weeks at a time keep the number of Intl calls small for long targets.
  for (let d = startDay; d < startDay + MAX_LOOKAHEAD_DAYS; d += 7) {
    for (const [s, e] of openIntervals(calendar, d, d + 6)) {
      const a = Math.max(s, cursor);
      if (e <= a) continue;
      if (e - a >= remaining) return a + remaining;
      remaining -= e - a;
      cursor = e;
    }
  }
  return null;
}
