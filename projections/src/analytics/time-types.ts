import { z } from 'zod';

/**
 * ClickHouse's time types and the instants each holds ([min, max], ms since the epoch).
 * Outside them ClickHouse does not fail: DateTime wraps (toStartOfFifteenMinutes of a
 * 2299 instant is a 2027 one) or saturates, Date saturates, so a query past them
 * silently answers other instants' data. Inputs compared with these columns are bounded
 * here, once.
 */
export interface TimeType {
  type: string;
  min: number;
  max: number;
}

/** UInt32 seconds. */
export const DATETIME: TimeType = { type: "DateTime('UTC')", min: 0, max: (2 ** 32 - 1) * 1000 };
/** ClickHouse documents 1900-01-01 to 2299-12-31 for DateTime64. */
export const DATETIME64: TimeType = { type: "DateTime64(3, 'UTC')", min: Date.UTC(1900, 0, 1), max: Date.UTC(2300, 0, 1) - 1 };
/** UInt16 days. */
export const DATE: TimeType = { type: 'Date', min: 0, max: (2 ** 16 - 1) * 86_400_000 };

/** Reports compare their range with DateTime64 facts and with DateTime rollups: the narrower type bounds it. */
export const REPORT_TIME_TYPE = DATETIME;

const instantText = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const dateText = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const within = (t: TimeType, ms: number): boolean => Number.isFinite(ms) && ms >= t.min && ms <= t.max;

/** An ISO 8601 instant (any offset) that `t` holds; the reason names the bounds. */
export const instantIn = (t: TimeType) =>
  z.iso
    .datetime({ offset: true })
    .refine((s) => within(t, Date.parse(s)), `must be between ${instantText(t.min)} and ${instantText(t.max)} (what the analytics store holds)`);

/** A YYYY-MM-DD date that `t` holds. */
export const dateIn = (t: TimeType) =>
  z.iso
    .date()
    .refine((s) => within(t, Date.parse(`${s}T00:00:00Z`)), `must be between ${dateText(t.min)} and ${dateText(t.max)} (what the analytics store holds)`);
