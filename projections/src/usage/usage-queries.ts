import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { ch, chTime, queryRows } from '../analytics/clickhouse.ts';
import { Aggregation, DEFAULT_METERS, type MeterDefinition } from './meters.ts';
import { USAGE_GRAINS } from './usage-schema.ts';

/** Usage periods start and end on a quarter hour: the rollup's finest bucket (every zone's midnight is one). */
export const USAGE_BUCKET_MS = 15 * 60_000;

export const UsageGroup = z.object({
  group: z.record(z.string(), z.string()).describe('The group’s dimensions (empty for a meter without groupBy)'),
  quantity: z.number().describe('The meter’s aggregation over the period, in its unit'),
});
export type UsageGroup = z.infer<typeof UsageGroup>;

export const MeterUsage = z.object({
  meter: z.string(),
  description: z.string(),
  unit: z.string(),
  aggregation: Aggregation,
  items: z.array(UsageGroup).describe('One per group with usage; none: no usage'),
});
export type MeterUsage = z.infer<typeof MeterUsage>;

export const UsageReport = z.object({
  tenantId: z.uuid(),
  from: z.iso.datetime().describe('Start of the period (inclusive), UTC'),
  to: z.iso.datetime().describe('End of the period (exclusive), UTC'),
  meters: z.array(MeterUsage),
});
export type UsageReport = z.infer<typeof UsageReport>;

export const DailyUsageRow = z.object({
  day: z.iso.date().describe('Local date in the report’s time zone'),
  meter: z.string(),
  group: z.record(z.string(), z.string()),
  quantity: z.number(),
});
export type DailyUsageRow = z.infer<typeof DailyUsageRow>;

export interface UsagePeriod {
  tenantId: string;
  /** Inclusive; a quarter hour. */
  from: Date;
  /** Exclusive; a quarter hour. */
  to: Date;
}

const BucketStates = z.object({
  meter: ch.string,
  group_key: ch.string,
  events: ch.number,
  total: ch.number,
  maximum: ch.number,
  latest: ch.number,
  uniques: ch.number,
});
type BucketStates = z.infer<typeof BucketStates>;

// Columns qualified by the table: the answers' aliases reuse their names.
const STATES =
  'sum(r.events) AS events, sum(r.total) AS total, max(r.maximum) AS maximum, argMaxMerge(r.latest) AS latest, uniqExactMerge(r.subjects) AS uniques';
const seconds = (d: Date) => chTime(d.getTime()).slice(0, 19);

/** The quantity of a meter's aggregation from a group's merged states (before any carried value). */
function quantityOf(meter: MeterDefinition, s: BucketStates): number {
  switch (meter.aggregation) {
    case 'count':
      return s.events;
    case 'sum':
      return s.total;
    case 'unique_count':
      return s.uniques;
    case 'max':
      return s.maximum;
    case 'latest':
      return s.latest;
    default: {
      const never: never = meter.aggregation;
      throw new Error(`unknown aggregation ${String(never)}`);
    }
  }
}

/** A gauge's quantity over a span: what it carried in, then the span's own states. */
function gaugeQuantity(meter: MeterDefinition, carried: number | undefined, s: BucketStates | undefined): number | undefined {
  if (!s) return carried;
  const own = quantityOf(meter, s);
  if (meter.aggregation === 'max' && carried !== undefined) return Math.max(carried, own);
  return own;
}

/** A stretch of one grain's buckets: [from, to) in ms, both multiples of the grain. */
export interface GrainSpan {
  grain: number;
  from: number;
  to: number;
}

/**
 * [from, to) (quarter hours) as the fewest rollup buckets: the whole days inside it, the
 * whole hours of its edges outside those, the quarter hours left. Spans are disjoint and in
 * order, so a row is inside the range exactly when its bucket is.
 */
export function grainSpans(from: number, to: number, grains: readonly { grain: number; ms: number }[] = USAGE_GRAINS): GrainSpan[] {
  if (from >= to) return [];
  const coarsest = grains.at(-1);
  if (!coarsest) throw new Error(`no grain left for [${from}, ${to})`);
  const finer = grains.slice(0, -1);
  const lo = Math.ceil(from / coarsest.ms) * coarsest.ms;
  const hi = Math.floor(to / coarsest.ms) * coarsest.ms;
  if (lo >= hi) return finer.length > 0 ? grainSpans(from, to, finer) : [{ grain: coarsest.grain, from, to }];
  return [...grainSpans(from, lo, finer), { grain: coarsest.grain, from: lo, to: hi }, ...grainSpans(hi, to, finer)];
}

/** SQL for "the row's bucket lies in one of the spans", with its parameters named `${name}N`. */
function spansCondition(name: string, spans: readonly GrainSpan[]): { sql: string; params: Record<string, string> } {
  if (spans.length === 0) return { sql: '0', params: {} };
  const params: Record<string, string> = {};
  const terms = spans.map((span, i) => {
    params[`${name}${i}f`] = seconds(new Date(span.from));
    params[`${name}${i}t`] = seconds(new Date(span.to));
    return `(grain = ${span.grain} AND bucket >= {${name}${i}f:DateTime('UTC')} AND bucket < {${name}${i}t:DateTime('UTC')})`;
  });
  return { sql: `(${terms.join(' OR ')})`, params };
}

/** The rows holding the gauges' values before `at` (everything before it); none without gauges. */
const gaugesBefore = (gauges: readonly string[], at: Date) => spansCondition('c', gauges.length > 0 ? grainSpans(0, at.getTime()) : []);

const parseGroup = (key: string): Record<string, string> => JSON.parse(key) as Record<string, string>;

/**
 * A tenant's usage per meter and group over [from, to): its whole days, hours and quarter
 * hours from usage_rollup (see grainSpans), and the gauges' (agent seats) last value
 * before the period from the same rollup.
 */
export async function usageForPeriod(
  client: ClickHouseClient,
  db: string,
  period: UsagePeriod,
  meters: readonly MeterDefinition[] = DEFAULT_METERS,
): Promise<UsageReport> {
  const reports = await usageForTenants(client, db, { tenantIds: [period.tenantId], from: period.from, to: period.to }, meters);
  return reports.get(period.tenantId) ?? reportFrom(period, meters, []);
}

const TenantStates = BucketStates.extend({ tenant_id: ch.string, carried: ch.number, carries: ch.number });
type TenantStates = z.infer<typeof TenantStates>;

/**
 * Many tenants' usage over one period in one query (the billing job bills tenants by the
 * thousand, and each query costs a round of the engine): the same answer per tenant as
 * `usageForPeriod`.
 */
export async function usageForTenants(
  client: ClickHouseClient,
  db: string,
  q: { tenantIds: readonly string[]; from: Date; to: Date },
  meters: readonly MeterDefinition[] = DEFAULT_METERS,
): Promise<Map<string, UsageReport>> {
  const gauges = meters.filter((m) => m.carriesOver).map((m) => m.key);
  // Embedded chDB spends milliseconds on every table and part a query opens, whatever it
  // reads there, so one read of one table answers the period's states and the gauges'
  // last value before it: the spans of the two do not overlap, so rows before `from` are
  // the carry's and rows from it the period's. Sets and argMax states are merged only
  // where a meter needs them.
  const period = spansCondition('p', grainSpans(q.from.getTime(), q.to.getTime()));
  const before = gaugesBefore(gauges, q.from);
  const inPeriod = "r.bucket >= {from:DateTime('UTC')}";
  const merged = (aggregation: Aggregation, sql: string, none: string) => (meters.some((m) => m.aggregation === aggregation) ? sql : none);
  const rows = await queryRows(
    client,
    `SELECT tenant_id, meter, group_key, sumIf(r.events, ${inPeriod}) AS events, sumIf(r.total, ${inPeriod}) AS total, maxIf(r.maximum, ${inPeriod}) AS maximum,
       ${merged('latest', `argMaxMergeIf(r.latest, ${inPeriod})`, '0.')} AS latest, ${merged('unique_count', `uniqExactMergeIf(r.subjects, ${inPeriod})`, 'toUInt64(0)')} AS uniques,
       ${gauges.length > 0 ? `argMaxMergeIf(r.latest, NOT ${inPeriod})` : '0.'} AS carried, countIf(NOT ${inPeriod}) AS carries
     FROM ${db}.usage_rollup AS r
     WHERE tenant_id IN {tenantIds:Array(String)} AND (${period.sql} OR (meter IN {gauges:Array(String)} AND ${before.sql}))
     GROUP BY tenant_id, meter, group_key`,
    { tenantIds: [...q.tenantIds], from: seconds(q.from), gauges, ...period.params, ...before.params },
    TenantStates,
  );
  const byTenant = new Map<string, TenantStates[]>(q.tenantIds.map((t) => [t, []]));
  for (const r of rows) byTenant.get(r.tenant_id)?.push(r);
  return new Map([...byTenant].map(([tenantId, own]) => [tenantId, reportFrom({ tenantId, from: q.from, to: q.to }, meters, own)]));
}

/**
 * One tenant's report from its rows: a group's states over the period (`events` 0 when a
 * gauge's group has only a value from before the period) and its gauge's value before
 * the period (`carries` 0 when it has none).
 */
function reportFrom(period: UsagePeriod, meters: readonly MeterDefinition[], rows: readonly TenantStates[]): UsageReport {
  const states = rows.filter((r) => r.events > 0);
  const carried = new Map(rows.filter((r) => r.carries > 0).map((r) => [`${r.meter}|${r.group_key}`, r.carried]));
  const byMeter = new Map<string, Map<string, BucketStates>>();
  for (const s of states) {
    const groups = byMeter.get(s.meter) ?? new Map<string, BucketStates>();
    groups.set(s.group_key, s);
    byMeter.set(s.meter, groups);
  }
  return {
    tenantId: period.tenantId,
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    meters: meters.map((meter) => {
      const groups = byMeter.get(meter.key) ?? new Map<string, BucketStates>();
      const keys = new Set(groups.keys());
      if (meter.carriesOver) for (const k of carried.keys()) if (k.startsWith(`${meter.key}|`)) keys.add(k.slice(meter.key.length + 1));
      const items = [...keys].sort().flatMap((key) => {
        const s = groups.get(key);
        const quantity = meter.carriesOver ? gaugeQuantity(meter, carried.get(`${meter.key}|${key}`), s) : s && quantityOf(meter, s);
        return quantity === undefined ? [] : [{ group: parseGroup(key), quantity }];
      });
      return { meter: meter.key, description: meter.description, unit: meter.unit, aggregation: meter.aggregation, items };
    }),
  };
}

/** The instants a zone's local dates start at (midnight, or the first instant of a day that skips it). */
export async function localDayStarts(client: ClickHouseClient, timeZone: string, from: string, to: string): Promise<{ from: Date; to: Date }> {
  const [row] = await queryRows(
    client,
    `SELECT toUnixTimestamp(toDateTime(toDate({from:String}), {tz:String})) AS lo, toUnixTimestamp(toDateTime(toDate({to:String}), {tz:String})) AS hi`,
    { from, to, tz: timeZone },
    z.object({ lo: ch.number, hi: ch.number }),
  );
  if (!row) throw new Error('no answer for the day starts');
  return { from: new Date(row.lo * 1000), to: new Date(row.hi * 1000) };
}

/** YYYY-MM-DD dates from `from` up to, not including, `to`. */
function datesBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t < Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/**
 * A tenant's usage per local day of `timeZone` in [from, to) (dates), per meter and group.
 * Days follow the zone's calendar, so a day with a DST change holds its 23 or 25 hours.
 * Counted meters list days with usage; gauges (agent seats) every day once they hold a value.
 */
export async function dailyUsage(
  client: ClickHouseClient,
  db: string,
  q: { tenantId: string; from: string; to: string; timeZone: string },
  meters: readonly MeterDefinition[] = DEFAULT_METERS,
): Promise<DailyUsageRow[]> {
  const span = await localDayStarts(client, q.timeZone, q.from, q.to);
  const gauges = meters.filter((m) => m.carriesOver).map((m) => m.key);
  const before = gaugesBefore(gauges, span.from);
  // Quarter hours: a local day of any zone is a whole number of them.
  const read = await queryRows(
    client,
    `SELECT 0 AS part, toString(toDate(r.bucket, {tz:String})) AS day, meter, group_key, ${STATES} FROM ${db}.usage_rollup AS r
     WHERE tenant_id = {tenantId:String} AND grain = 0 AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
     GROUP BY day, meter, group_key
     UNION ALL
     SELECT 1 AS part, '' AS day, meter, group_key, ${STATES} FROM ${db}.usage_rollup AS r
     WHERE tenant_id = {tenantId:String} AND meter IN {gauges:Array(String)} AND ${before.sql}
     GROUP BY meter, group_key`,
    { tenantId: q.tenantId, tz: q.timeZone, from: seconds(span.from), to: seconds(span.to), gauges, ...before.params },
    BucketStates.extend({ day: ch.string, part: ch.number }),
  );
  const states = read.filter((r) => r.part === 0);
  const carried = new Map(read.filter((r) => r.part === 1).map((r) => [`${r.meter}|${r.group_key}`, r.latest]));
  const byKey = new Map(states.map((s) => [`${s.day}|${s.meter}|${s.group_key}`, s]));
  const rows: DailyUsageRow[] = [];
  for (const meter of meters) {
    if (!meter.carriesOver) {
      for (const s of states)
        if (s.meter === meter.key) rows.push({ day: s.day, meter: meter.key, group: parseGroup(s.group_key), quantity: quantityOf(meter, s) });
      continue;
    }
    const groups = new Set<string>();
    for (const s of states) if (s.meter === meter.key) groups.add(s.group_key);
    for (const k of carried.keys()) if (k.startsWith(`${meter.key}|`)) groups.add(k.slice(meter.key.length + 1));
    for (const group of [...groups].sort()) {
      let carry = carried.get(`${meter.key}|${group}`);
      for (const day of datesBetween(q.from, q.to)) {
        const s = byKey.get(`${day}|${meter.key}|${group}`);
        const quantity = gaugeQuantity(meter, carry, s);
        if (s) carry = s.latest;
        if (quantity !== undefined) rows.push({ day, meter: meter.key, group: parseGroup(group), quantity });
      }
    }
  }
  return rows.sort((a, b) => (a.day === b.day ? (a.meter === b.meter ? 0 : a.meter < b.meter ? -1 : 1) : a.day < b.day ? -1 : 1));
}
