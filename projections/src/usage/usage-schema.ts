import { createRollupView, createTable, type SchemaContext, type TableSpec } from '../analytics/ddl.ts';

const TIME = "DateTime64(3, 'UTC')";

/**
 * The usage read model in ClickHouse (migrations 5 to 7 of the analytics schema, which
 * owns the migration log): one row per event and meter, deduplicated by the projector
 * before it is written; usage_rollup, which a materialized view keeps from them; and the
 * seat holders the agent-seat gauge is computed from. The rollups of migrations 5 and 6
 * stay declared here because those migrations still create them on a fresh database
 * before migration 7 replaces them.
 */

/** One row per event a meter counts. Dedup key: (tenant_id, meter, event_id); a late event sorts by its occurred_at. */
export const USAGE_EVENTS: TableSpec = {
  name: 'usage_events',
  columns: [
    'tenant_id String',
    'meter LowCardinality(String)',
    `occurred_at ${TIME}`,
    'event_id String',
    'position UInt64',
    'group_key LowCardinality(String)',
    'value Float64',
    'subject String',
  ].join(', '),
  engine: 'MergeTree',
  partitionBy: 'toYYYYMM(occurred_at)',
  orderBy: '(tenant_id, meter, occurred_at, event_id)',
  shardKey: 'cityHash64(tenant_id)',
};

/**
 * Usage per quarter hour (migration 5; replaced by usage_rollup in migration 7): every time
 * zone's midnight falls on one (offsets are multiples of 15 minutes), so any period in any
 * zone is a whole number of buckets. Exact states only: argMax by (occurred_at, position).
 */
export const USAGE_15M: TableSpec = {
  name: 'usage_15m',
  columns: [
    'tenant_id String',
    "bucket DateTime('UTC')",
    'meter LowCardinality(String)',
    'group_key LowCardinality(String)',
    'events SimpleAggregateFunction(sum, UInt64)',
    'total SimpleAggregateFunction(sum, Float64)',
    'maximum SimpleAggregateFunction(max, Float64)',
    `latest AggregateFunction(argMax, Float64, Tuple(${TIME}, UInt64))`,
  ].join(', '),
  engine: 'AggregatingMergeTree',
  partitionBy: 'toYYYYMM(bucket)',
  orderBy: '(tenant_id, bucket, meter, group_key)',
  shardKey: 'cityHash64(tenant_id)',
};

/** The same states per hour (migration 5; replaced in migration 7). */
export const USAGE_HOURLY: TableSpec = { ...USAGE_15M, name: 'usage_hourly' };

/** The unique keys per quarter hour, of rows with a subject (migration 5; replaced in migration 6). */
export const USAGE_UNIQUES_15M: TableSpec = {
  name: 'usage_uniques_15m',
  columns: [
    'tenant_id String',
    "bucket DateTime('UTC')",
    'meter LowCardinality(String)',
    'group_key LowCardinality(String)',
    'subjects AggregateFunction(uniqExact, String)',
  ].join(', '),
  engine: 'AggregatingMergeTree',
  partitionBy: 'toYYYYMM(bucket)',
  orderBy: '(tenant_id, bucket, meter, group_key)',
  shardKey: 'cityHash64(tenant_id)',
};

/**
 * The same unique keys in granules of 256 rows instead of 8,192 (migration 6; replaced in
 * migration 7): a read deserializes every state of the granules it touches, so with the
 * default a tenant's period also paid for thousands of other tenants' hash sets
 * (docs/benchmarks.md, runs U4 and U5: the typical tenant's period went from 40.5 to
 * 22.5 ms at p95).
 */
export const USAGE_UNIQUE_KEYS_15M: TableSpec = { ...USAGE_UNIQUES_15M, name: 'usage_unique_keys_15m', settings: 'index_granularity = 256' };

const UNIQUE_KEYS = (src: string) =>
  `SELECT tenant_id, toStartOfFifteenMinutes(occurred_at) AS bucket, meter, group_key, uniqExactState(subject) AS subjects FROM ${src} WHERE subject != '' GROUP BY tenant_id, bucket, meter, group_key`;

/**
 * The rollups' grains, finest first. A period is read as its whole UTC days, the hours at
 * its day edges and the quarter hours at its hour edges (every zone's midnight falls on a
 * quarter hour), so a month is about 30 day rows per group instead of 744 hourly ones.
 */
export const USAGE_GRAINS = [
  { grain: 0, ms: 15 * 60_000, startOf: 'toStartOfFifteenMinutes' },
  { grain: 1, ms: 3_600_000, startOf: 'toStartOfHour' },
  { grain: 2, ms: 86_400_000, startOf: 'toStartOfDay' },
] as const;

/** The bucket of `occurred_at` at the row's grain (UTC). */
const GRAIN_BUCKET = `multiIf(${USAGE_GRAINS.slice(0, -1)
  .map((g) => `grain = ${g.grain}, toDateTime(${g.startOf}(occurred_at), 'UTC')`)
  .join(', ')}, toDateTime(${USAGE_GRAINS.at(-1)!.startOf}(occurred_at), 'UTC'))`;
const EVERY_GRAIN = `ARRAY JOIN [${USAGE_GRAINS.map((g) => g.grain).join(', ')}] AS grain`;

/**
 * Migration 7: every usage state per grain (see USAGE_GRAINS) in one table, the unique keys
 * included (an empty set on rows of other meters), ordered by meter before time: one read
 * answers a period and, for the gauges, the last value before it (from day rows, a few
 * hundred a year, not every raw row of the history).
 *
 * A read pays for every part it opens, so parts older than a minute are merged whatever
 * their sizes (`min_age_to_force_merge_seconds`): a read sees one part per month plus the
 * last minute's. The price is that the current month's part is rewritten about once a
 * minute while usage flows; monthly partitions bound what is rewritten.
 */
export const USAGE_ROLLUP: TableSpec = {
  name: 'usage_rollup',
  columns: [
    'tenant_id String',
    'meter LowCardinality(String)',
    'grain UInt8',
    "bucket DateTime('UTC')",
    'group_key LowCardinality(String)',
    'events SimpleAggregateFunction(sum, UInt64)',
    'total SimpleAggregateFunction(sum, Float64)',
    'maximum SimpleAggregateFunction(max, Float64)',
    `latest AggregateFunction(argMax, Float64, Tuple(${TIME}, UInt64))`,
    'subjects AggregateFunction(uniqExact, String)',
  ].join(', '),
  engine: 'AggregatingMergeTree',
  partitionBy: 'toYYYYMM(bucket)',
  orderBy: '(tenant_id, meter, grain, bucket, group_key)',
  shardKey: 'cityHash64(tenant_id)',
  // Small granules: a read deserializes every unique-key set of the granules it touches (migration 6).
  settings: 'index_granularity = 256, min_age_to_force_merge_seconds = 60',
};

const ROLLUP = (src: string) =>
  `SELECT tenant_id, meter, grain, ${GRAIN_BUCKET} AS bucket, group_key, count() AS events, sum(value) AS total, max(value) AS maximum, argMaxState(value, (occurred_at, position)) AS latest, uniqExactStateIf(subject, subject != '') AS subjects FROM ${src} ${EVERY_GRAIN} GROUP BY tenant_id, meter, grain, bucket, group_key`;

/** Users and whether they hold a seat now: the projector's seat count survives a restart. */
export const USAGE_SEATS: TableSpec = {
  name: 'usage_seats',
  columns: ['tenant_id String', 'user_id String', 'seat UInt8', 'active UInt8', 'position UInt64'].join(', '),
  engine: 'ReplacingMergeTree',
  engineArgs: 'position',
  orderBy: '(tenant_id, user_id)',
  shardKey: 'cityHash64(tenant_id)',
};

/** Tables the usage projector writes, in insert order, each with its high-water mark column. */
export const USAGE_TABLES = ['usage_events', 'usage_seats'] as const;
export type UsageTable = (typeof USAGE_TABLES)[number];

export const USAGE_TABLE_STATEMENTS = (ctx: SchemaContext): string[] => [
  ...createTable(ctx, USAGE_EVENTS),
  ...createTable(ctx, USAGE_15M),
  createRollupView(
    ctx,
    'usage_15m_mv',
    'usage_15m',
    (src) =>
      `SELECT tenant_id, toStartOfFifteenMinutes(occurred_at) AS bucket, meter, group_key, count() AS events, sum(value) AS total, max(value) AS maximum, argMaxState(value, (occurred_at, position)) AS latest FROM ${src} GROUP BY tenant_id, bucket, meter, group_key`,
    'usage_events',
  ),
  ...createTable(ctx, USAGE_HOURLY),
  createRollupView(
    ctx,
    'usage_hourly_mv',
    'usage_hourly',
    (src) =>
      `SELECT tenant_id, toStartOfHour(occurred_at) AS bucket, meter, group_key, count() AS events, sum(value) AS total, max(value) AS maximum, argMaxState(value, (occurred_at, position)) AS latest FROM ${src} GROUP BY tenant_id, bucket, meter, group_key`,
    'usage_events',
  ),
  ...createTable(ctx, USAGE_UNIQUES_15M),
  createRollupView(ctx, 'usage_uniques_15m_mv', 'usage_uniques_15m', UNIQUE_KEYS, 'usage_events'),
  ...createTable(ctx, USAGE_SEATS),
];

/**
 * Migration 6: usage_unique_keys_15m, filled from usage_events (exact: the rows are already
 * deduplicated), then its view, then the old table dropped. Run again from any statement,
 * it ends the same: the new table is emptied before it is filled, and the fill reads
 * usage_events, never the table it replaces. Two processes migrating at once count nothing
 * twice either: the states are sets, merged by union. It expects no usage projector
 * writing meanwhile (an event inserted between the fill and the view would miss the unique
 * keys); the platform runs migrations before it starts its projectors.
 */
export const USAGE_UNIQUE_KEYS_STATEMENTS = (ctx: SchemaContext): string[] => replaceRollup(ctx, USAGE_UNIQUE_KEYS_15M, UNIQUE_KEYS, ['usage_uniques_15m']);

/**
 * Migration 7: usage_rollup filled from usage_events, its view, then the rollups it
 * replaces (usage_15m, usage_hourly, usage_unique_keys_15m) dropped. Run again from any
 * statement it ends the same, as migration 6: the new table is emptied before its fill,
 * which reads usage_events only; and it expects no usage projector writing meanwhile.
 */
export const USAGE_ROLLUP_STATEMENTS = (ctx: SchemaContext): string[] =>
  replaceRollup(ctx, USAGE_ROLLUP, ROLLUP, ['usage_15m', 'usage_hourly', 'usage_unique_keys_15m']);

/**
 * A rollup of usage_events that replaces others: created, its view dropped, emptied,
 * filled from usage_events, its view created, then the replaced tables and their views
 * dropped. Every statement can run again. On a cluster the fill goes through the
 * Distributed tables, synchronously, so that the view created next only sees what comes after.
 */
function replaceRollup(ctx: SchemaContext, spec: TableSpec, select: (source: string) => string, replaced: readonly string[]): string[] {
  const on = ctx.cluster ? ` ON CLUSTER ${ctx.cluster}` : '';
  const local = ctx.cluster ? '_local' : '';
  const db = ctx.database;
  return [
    ...createTable(ctx, spec),
    `DROP VIEW IF EXISTS ${db}.${spec.name}_mv${on}`,
    `TRUNCATE TABLE IF EXISTS ${db}.${spec.name}${local}${on}`,
    `INSERT INTO ${db}.${spec.name} ${select(`${db}.usage_events`)}${ctx.cluster ? ' SETTINGS distributed_foreground_insert = 1' : ''}`,
    createRollupView(ctx, `${spec.name}_mv`, spec.name, select, 'usage_events'),
    ...replaced.flatMap((table) => [
      `DROP VIEW IF EXISTS ${db}.${table}_mv${on}`,
      `DROP TABLE IF EXISTS ${db}.${table}${on}`,
      ...(ctx.cluster ? [`DROP TABLE IF EXISTS ${db}.${table}_local${on}`] : []),
    ]),
  ];
}
