import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { ch, chTime, queryRows } from '../analytics/clickhouse.ts';
import { Aggregation, DEFAULT_METERS, type MeterDefinition } from './meters.ts';

/** Usage periods start and end on a quarter hour: the rollup's bucket (every zone's midnight is one). */
export const USAGE_BUCKET_MS = 15 * 60_000;
const HOUR_MS = 3_600_000;

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
const Carried = z.object({ meter: ch.string, group_key: ch.string, value: ch.number });

const STATES = 'sum(events) AS events, sum(total) AS total, max(maximum) AS maximum, argMaxMerge(latest) AS latest, toUInt64(0) AS uniques';
const UNIQUES = 'toUInt64(0) AS events, 0. AS total, 0. AS maximum, 0. AS latest, uniqExactMerge(subjects) AS uniques';
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

/** Each gauge meter's last value before `before`, per group. */
async function carriedValues(client: ClickHouseClient, db: string, tenantId: string, before: Date, meters: readonly MeterDefinition[]) {
  const gauges = meters.filter((m) => m.carriesOver).map((m) => m.key);
  if (gauges.length === 0) return new Map<string, number>();
  const rows = await queryRows(
    client,
    `SELECT meter, group_key, argMax(value, (occurred_at, position)) AS value FROM ${db}.usage_events
     WHERE tenant_id = {tenantId:String} AND meter IN {gauges:Array(String)} AND occurred_at < {before:DateTime64(3, 'UTC')}
     GROUP BY meter, group_key`,
    { tenantId, gauges, before: chTime(before.getTime()) },
    Carried,
  );
  return new Map(rows.map((r) => [`${r.meter}|${r.group_key}`, r.value]));
}

/** The period's states with the unique counts of their (day,) meter and group filled in. */
function withUniques<T extends BucketStates & { day?: string }>(states: T[], uniques: T[]): T[] {
  const key = (r: T) => `${r.day ?? ''}|${r.meter}|${r.group_key}`;
  const found = new Map(uniques.map((u) => [key(u), u.uniques]));
  return states.map((s) => ({ ...s, uniques: found.get(key(s)) ?? 0 }));
}

const parseGroup = (key: string): Record<string, string> => JSON.parse(key) as Record<string, string>;

/**
 * A tenant's usage per meter and group over [from, to): whole hours from the hourly rollup,
 * the quarter-hour edges around them from the 15-minute one, the unique keys from their
 * own rollup, plus the last value before the period of the gauges (agent seats), from the
 * raw rows.
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

const TenantStates = BucketStates.extend({ carried: ch.number, tenant_id: ch.string });
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
  const uniqueMeters = meters.filter((m) => m.aggregation === 'unique_count').map((m) => m.key);
  // Embedded chDB spends several milliseconds on every table a query reads, whatever its
  // size, so the query reads only what the period and the meters need: whole hours from
  // the hourly rollup, the quarter-hour edges from usage_15m only in zones off the hour,
  // the unique keys only for unique-count meters, the gauges' values before the period
  // only for gauges, and argMax states only where a meter asks for its latest value.
  const hoursFrom = Math.min(Math.ceil(q.from.getTime() / HOUR_MS) * HOUR_MS, q.to.getTime());
  const hoursTo = Math.max(Math.floor(q.to.getTime() / HOUR_MS) * HOUR_MS, hoursFrom);
  const latest = meters.some((m) => m.aggregation === 'latest') ? 'argMaxMerge(latest)' : '0.';
  const counted = (table: string, where: string) =>
    `SELECT tenant_id, meter, group_key, events, total, maximum${latest === '0.' ? '' : ', latest'} FROM ${db}.${table} WHERE tenant_id IN {tenantIds:Array(String)} AND ${where}`;
  const spans = [
    hoursFrom < hoursTo && counted('usage_hourly', `bucket >= {hoursFrom:DateTime('UTC')} AND bucket < {hoursTo:DateTime('UTC')}`),
    q.from.getTime() < hoursFrom && counted('usage_15m', `bucket >= {from:DateTime('UTC')} AND bucket < {hoursFrom:DateTime('UTC')}`),
    hoursTo < q.to.getTime() && counted('usage_15m', `bucket >= {hoursTo:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}`),
  ].filter((x): x is string => typeof x === 'string');
  const parts = [
    spans.length > 0 &&
      `SELECT 0 AS carried, tenant_id, meter, group_key, sum(events) AS events, sum(total) AS total, max(maximum) AS maximum, ${latest} AS latest, toUInt64(0) AS uniques
       FROM (${spans.join(' UNION ALL ')}) GROUP BY tenant_id, meter, group_key`,
    uniqueMeters.length > 0 &&
      `SELECT 2 AS carried, tenant_id, meter, group_key, ${UNIQUES} FROM ${db}.usage_unique_keys_15m
       WHERE tenant_id IN {tenantIds:Array(String)} AND meter IN {uniqueMeters:Array(String)} AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
       GROUP BY tenant_id, meter, group_key`,
    gauges.length > 0 &&
      `SELECT 1 AS carried, tenant_id, meter, group_key, toUInt64(0) AS events, 0. AS total, 0. AS maximum, argMax(value, (occurred_at, position)) AS latest, toUInt64(0) AS uniques
       FROM ${db}.usage_events
       WHERE tenant_id IN {tenantIds:Array(String)} AND meter IN {gauges:Array(String)} AND occurred_at < {before:DateTime64(3, 'UTC')}
       GROUP BY tenant_id, meter, group_key`,
  ].filter((x): x is string => typeof x === 'string');
  const rows =
    parts.length === 0
      ? []
      : await queryRows(
          client,
          parts.join(' UNION ALL '),
          {
            tenantIds: [...q.tenantIds],
            from: seconds(q.from),
            to: seconds(q.to),
            hoursFrom: seconds(new Date(hoursFrom)),
            hoursTo: seconds(new Date(hoursTo)),
            gauges,
            uniqueMeters,
            before: chTime(q.from.getTime()),
          },
          TenantStates,
        );
  const byTenant = new Map<string, TenantStates[]>(q.tenantIds.map((t) => [t, []]));
  for (const r of rows) byTenant.get(r.tenant_id)?.push(r);
  return new Map([...byTenant].map(([tenantId, own]) => [tenantId, reportFrom({ tenantId, from: q.from, to: q.to }, meters, own)]));
}

/** One tenant's report from its rows of the period's states, its unique keys and its gauges' carried values. */
function reportFrom(period: UsagePeriod, meters: readonly MeterDefinition[], rows: readonly (BucketStates & { carried: number })[]): UsageReport {
  const states = withUniques(
    rows.filter((r) => r.carried === 0),
    rows.filter((r) => r.carried === 2),
  );
  const carried = new Map(rows.filter((r) => r.carried === 1).map((r) => [`${r.meter}|${r.group_key}`, r.latest]));
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
  const [states, carried] = await Promise.all([
    queryRows(
      client,
      `SELECT 0 AS part, toString(toDate(bucket, {tz:String})) AS day, meter, group_key, ${STATES} FROM ${db}.usage_15m
       WHERE tenant_id = {tenantId:String} AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
       GROUP BY day, meter, group_key
       UNION ALL
       SELECT 2 AS part, toString(toDate(bucket, {tz:String})) AS day, meter, group_key, ${UNIQUES} FROM ${db}.usage_unique_keys_15m
       WHERE tenant_id = {tenantId:String} AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
       GROUP BY day, meter, group_key`,
      { tenantId: q.tenantId, tz: q.timeZone, from: seconds(span.from), to: seconds(span.to) },
      BucketStates.extend({ day: ch.string, part: ch.number }),
    ).then((rows) =>
      withUniques(
        rows.filter((r) => r.part === 0),
        rows.filter((r) => r.part === 2),
      ),
    ),
    carriedValues(client, db, q.tenantId, span.from, meters),
  ]);
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
