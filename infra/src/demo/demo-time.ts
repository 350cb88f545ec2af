/** Local calendar arithmetic for the demo: what hour and day an instant is in a zone. */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface LocalHour {
  /** Local date, YYYY-MM-DD. */
  date: string;
  /** 0 = Monday … 6 = Sunday (as business hours count them). */
  weekday: number;
  hour: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
const formats = new Map<string, Intl.DateTimeFormat>();

export function localHour(at: number, timeZone: string): LocalHour {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    });
    formats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(new Date(at))) parts[p.type] = p.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday: WEEKDAYS[parts.weekday!]!, hour: Number(parts.hour) };
}

/**
 * The local hours of a zone from `from` (a UTC hour) on, one entry per UTC hour. Whole
 * hours of UTC are whole hours of the demo's zones (their offsets are whole hours), so an
 * hour's entry holds for all of it.
 */
export class HourTable {
  readonly hours: LocalHour[] = [];

  constructor(
    readonly from: number,
    count: number,
    readonly timeZone: string,
  ) {
    for (let i = 0; i < count; i++) this.hours.push(localHour(from + i * HOUR, timeZone));
  }

  index(at: number): number {
    return Math.floor((at - this.from) / HOUR);
  }

  at(at: number): LocalHour {
    const h = this.hours[this.index(at)];
    if (!h) throw new Error(`demo history: ${new Date(at).toISOString()} is outside the simulated hours`);
    return h;
  }
}

/** The start of the local day that holds `at`, as a UTC instant on a whole hour. */
export function startOfLocalDay(at: number, timeZone: string): number {
  let t = Math.floor(at / HOUR) * HOUR;
  while (localHour(t, timeZone).hour !== 0) t -= HOUR;
  return t;
}

/** A weekday `daysAgo` days before `now` (the Friday before, if that is a weekend), as a local date: the demo's holiday. */
export function holidayDaysAgo(now: number, daysAgo: number, timeZone: string): string {
  let t = now - daysAgo * DAY;
  while (localHour(t, timeZone).weekday >= 5) t -= DAY;
  return localHour(t, timeZone).date;
}
