import { z } from 'zod';

/**
 * The quantile levels every percentile figure reports: the exact reports' quantilesExact,
 * the t-digest states of the hourly rollups and the keys of the JSON answers all come
 * from this list.
 *
 * The rollups store t-digest states typed with these levels (migrations 2 and 3 derive
 * their DDL from them): changing the list means a migration with new rollup columns, not
 * an edit here, or the reports merge states of another type.
 */
export const QUANTILES = [0.5, 0.9, 0.95] as const;
export type Quantile = (typeof QUANTILES)[number];

/** `quantilesExact(0.5, 0.9, 0.95)`: a parametric quantiles function (or combinator) at the levels. */
export const quantilesSql = (fn: string): string => `${fn}(${QUANTILES.join(', ')})`;

/** 0.5 → p50, 0.95 → p95: the figure's name from the digits after the point (two at least). */
type PercentileKey<Q extends number> = `${Q}` extends `0.${infer D}`
  ? D extends `${infer _Digit}${infer Rest}`
    ? Rest extends ''
      ? `p${D}0`
      : `p${D}`
    : never
  : never;
export type PercentileName = PercentileKey<Quantile>;
const percentileName = (q: Quantile) => `p${String(q).slice(2).padEnd(2, '0')}` as PercentileName;

/** One field per level, in their order (p50, p90, p95), each `value(level, index)`. */
export function byQuantile<T>(value: (q: Quantile, index: number) => T): Record<PercentileName, T> {
  return Object.fromEntries(QUANTILES.map((q, i) => [percentileName(q), value(q, i)])) as Record<PercentileName, T>;
}

/** Exact percentiles of a population: null while it is empty. */
export const Percentiles = z.object({ count: z.number(), ...byQuantile(() => z.number().nullable()) });
export type Percentiles = z.infer<typeof Percentiles>;

/** A duration on both clocks. */
export const DurationPercentiles = z.object({ wall: Percentiles, business: Percentiles });
export type DurationPercentiles = z.infer<typeof DurationPercentiles>;

/** count and the quantiles ClickHouse answered, in QUANTILES order, as Percentiles. */
export function percentiles(count: number, values: readonly number[]): Percentiles {
  return { count, ...byQuantile((_, i) => (count === 0 ? null : (values[i] ?? null))) };
}
