import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { USAGE_ROLLUP_STATEMENTS, USAGE_TABLE_STATEMENTS, USAGE_UNIQUE_KEYS_STATEMENTS } from '../usage/usage-schema.ts';
import { ch, chTime, queryRows } from './clickhouse.ts';
import { createRollupView, createTable, type SchemaContext, type TableSpec } from './ddl.ts';
import { quantilesSql } from './quantiles.ts';

/**
 * Versioned ClickHouse migrations. Every statement is idempotent (IF NOT EXISTS), so a
 * migration interrupted half-way is simply run again; `schema_migrations` records the
 * versions applied.
 *
 * One node: each table is a MergeTree-family table under its own name.
 * Cluster (`cluster` set): DDL runs ON CLUSTER; the data lives in `<name>_local`
 * tables with Replicated engines (ZooKeeper/Keeper path per shard), and `<name>` is a
 * Distributed table over them, so every query reads the same names on both layouts.
 * Rows of one conversation shard together (cityHash64 of its id): FINAL collapses
 * versions per shard, and all versions of a row live on one shard.
 */

const TIME = "DateTime64(3, 'UTC')";

export const MESSAGE_FACTS: TableSpec = {
  name: 'message_facts',
  columns: [
    'event_id String',
    'position UInt64',
    'tenant_id String',
    `occurred_at ${TIME}`,
    'event_type LowCardinality(String)',
    'message_id Nullable(String)',
    'wamid String',
    'conversation_id Nullable(String)',
    'contact_id Nullable(String)',
    'number_id Nullable(String)',
    'direction LowCardinality(String)',
    'message_type LowCardinality(String)',
    'sender_type LowCardinality(String)',
    'agent_id Nullable(String)',
    'status LowCardinality(String)',
    `status_at ${TIME}`,
    'error_code Nullable(Int32)',
    'pricing_category LowCardinality(Nullable(String))',
    'billable Nullable(UInt8)',
  ].join(', '),
  engine: 'MergeTree',
  partitionBy: 'toYYYYMM(occurred_at)',
  orderBy: '(tenant_id, occurred_at, event_id)',
  shardKey: 'cityHash64(event_id)',
};

export const AGENT_ACTIVITY: TableSpec = {
  name: 'agent_activity',
  columns: [
    'event_id String',
    'position UInt64',
    'tenant_id String',
    'agent_id String',
    `occurred_at ${TIME}`,
    'activity LowCardinality(String)',
    'conversation_id String',
    'team_id Nullable(String)',
  ].join(', '),
  engine: 'MergeTree',
  partitionBy: 'toYYYYMM(occurred_at)',
  orderBy: '(tenant_id, agent_id, occurred_at, event_id)',
  shardKey: 'cityHash64(agent_id)',
};

export const CONVERSATION_FACTS: TableSpec = {
  name: 'conversation_facts',
  columns: [
    'tenant_id String',
    'conversation_id String',
    'contact_id String',
    'number_id String',
    'origin LowCardinality(String)',
    'team_id Nullable(String)',
    'priority LowCardinality(String)',
    'status LowCardinality(String)',
    'is_open UInt8',
    `opened_at ${TIME}`,
    `first_queued_at Nullable(${TIME})`,
    `first_assigned_at Nullable(${TIME})`,
    `first_response_at Nullable(${TIME})`,
    `first_closed_at Nullable(${TIME})`,
    `last_closed_at Nullable(${TIME})`,
    `last_reopened_at Nullable(${TIME})`,
    'reopen_count UInt16',
    'transfer_count UInt16',
    'assignee_at_close Nullable(String)',
    'handled_by Nullable(String)',
    'close_reason LowCardinality(Nullable(String))',
    'outcome Nullable(String)',
    'csat Nullable(UInt8)',
    'messages_in UInt32',
    'messages_out UInt32',
    'frt_seconds Nullable(Int64)',
    'frt_business_seconds Nullable(Int64)',
    'frt_target_seconds Nullable(Int64)',
    `frt_due_at Nullable(${TIME})`,
    'first_resolution_seconds Nullable(Int64)',
    'first_resolution_business_seconds Nullable(Int64)',
    'full_resolution_seconds Nullable(Int64)',
    'full_resolution_business_seconds Nullable(Int64)',
    'resolution_target_seconds Nullable(Int64)',
    `resolution_due_at Nullable(${TIME})`,
    'version UInt64',
    'state String',
  ].join(', '),
  engine: 'ReplacingMergeTree',
  engineArgs: 'version',
  orderBy: '(tenant_id, conversation_id)',
  shardKey: 'cityHash64(conversation_id)',
};

export const RESPONSE_FACTS: TableSpec = {
  name: 'response_facts',
  columns: [
    'tenant_id String',
    'conversation_id String',
    'episode UInt16',
    'kind LowCardinality(String)',
    `started_at ${TIME}`,
    `ended_at Nullable(${TIME})`,
    'responded UInt8',
    'agent_id Nullable(String)',
    'team_id Nullable(String)',
    'priority LowCardinality(String)',
    'wall_seconds Nullable(Int64)',
    'business_seconds Nullable(Int64)',
    'target_seconds Nullable(Int64)',
    `due_at Nullable(${TIME})`,
    'version UInt64',
  ].join(', '),
  engine: 'ReplacingMergeTree',
  engineArgs: 'version',
  orderBy: '(tenant_id, conversation_id, episode)',
  shardKey: 'cityHash64(conversation_id)',
};

export const SERVICE_LEVELS: TableSpec = {
  name: 'service_levels',
  columns: ['tenant_id String', 'team_id String', 'setting LowCardinality(String)', 'priority LowCardinality(String)', 'body String', 'version UInt64'].join(
    ', ',
  ),
  engine: 'ReplacingMergeTree',
  engineArgs: 'version',
  orderBy: '(tenant_id, team_id, setting, priority)',
  shardKey: 'cityHash64(tenant_id)',
};

export const PROJECTOR_CHECKPOINTS: TableSpec = {
  name: 'projector_checkpoints',
  columns: ['projector String', 'position String', 'seq UInt64', `updated_at ${TIME}`].join(', '),
  engine: 'ReplacingMergeTree',
  engineArgs: 'seq',
  orderBy: 'projector',
  shardKey: 'cityHash64(projector)',
};

/** The columns of a message-volume rollup after its tenant, team and agent dimensions. */
const MESSAGE_VOLUME_COLUMNS = [
  "bucket DateTime('UTC')",
  'direction LowCardinality(String)',
  'message_type LowCardinality(String)',
  'sender_type LowCardinality(String)',
  'event_type LowCardinality(String)',
  'messages UInt64',
];

/** The columns of a response-time rollup after its tenant, team and agent dimensions. */
const RESPONSE_TIME_COLUMNS = [
  'kind LowCardinality(String)',
  "hour DateTime('UTC')",
  'responses AggregateFunction(count)',
  `wall_quantiles AggregateFunction(${quantilesSql('quantilesTDigest')}, Int64)`,
  `business_quantiles AggregateFunction(${quantilesSql('quantilesTDigest')}, Int64)`,
];
/** What the response-time rollups' views write into those columns, from answered waits. */
const RESPONSE_TIME_STATES = [
  'countState() AS responses',
  `${quantilesSql('quantilesTDigestState')}(assumeNotNull(wall_seconds)) AS wall_quantiles`,
  `${quantilesSql('quantilesTDigestState')}(assumeNotNull(business_seconds)) AS business_quantiles`,
].join(', ');

export const MESSAGE_VOLUME_15M: TableSpec = {
  name: 'message_volume_15m',
  columns: ['tenant_id String', ...MESSAGE_VOLUME_COLUMNS].join(', '),
  engine: 'SummingMergeTree',
  engineArgs: 'messages',
  orderBy: '(tenant_id, bucket, direction, message_type, sender_type, event_type)',
  shardKey: 'cityHash64(tenant_id)',
};

export const RESPONSE_TIMES_HOURLY: TableSpec = {
  name: 'response_times_hourly',
  columns: ['tenant_id String', 'team_id String', ...RESPONSE_TIME_COLUMNS].join(', '),
  engine: 'AggregatingMergeTree',
  orderBy: '(tenant_id, team_id, kind, hour)',
  shardKey: 'cityHash64(tenant_id)',
};

/**
 * Migration 3: the team and agent dimensions of message volumes and response times.
 * Message facts get the conversation's team and assignee at the time of the message
 * (columns added, so rows projected before it keep NULL); two new rollups carry team
 * and agent so filtered dashboards never read raw facts.
 */
const MESSAGE_FACT_DIMENSIONS = ['team_id Nullable(String)', 'assignee_id Nullable(String)'];
/** Handle time (open and held by an agent): finished holds, and the start of the running one. */
const CONVERSATION_HANDLE_COLUMNS = ['handle_ms Nullable(Int64)', `handling_since Nullable(${TIME})`];

export const MESSAGE_VOLUME_TEAM_15M: TableSpec = {
  name: 'message_volume_team_15m',
  columns: ['tenant_id String', 'team_id String', 'agent_id String', ...MESSAGE_VOLUME_COLUMNS].join(', '),
  engine: 'SummingMergeTree',
  engineArgs: 'messages',
  // Team first: the usual filter; an agent-only filter still prunes by the agent column.
  orderBy: '(tenant_id, team_id, agent_id, bucket, direction, message_type, sender_type, event_type)',
  shardKey: 'cityHash64(tenant_id)',
};

export const RESPONSE_TIMES_AGENT_HOURLY: TableSpec = {
  name: 'response_times_agent_hourly',
  columns: ['tenant_id String', 'team_id String', 'agent_id String', ...RESPONSE_TIME_COLUMNS].join(', '),
  engine: 'AggregatingMergeTree',
  orderBy: '(tenant_id, agent_id, team_id, kind, hour)',
  shardKey: 'cityHash64(tenant_id)',
};

/** Migration 4: the CSAT's comment and when it was recorded (the comments list). */
const CONVERSATION_CSAT_COLUMNS = ['csat_comment Nullable(String)', `csat_at Nullable(${TIME})`];

/** ADD COLUMN IF NOT EXISTS on the table (on a cluster: the local tables, then the Distributed one). */
function addColumns(ctx: SchemaContext, table: string, columns: string[]): string[] {
  const adds = columns.map((c) => `ADD COLUMN IF NOT EXISTS ${c}`).join(', ');
  if (!ctx.cluster) return [`ALTER TABLE ${ctx.database}.${table} ${adds}`];
  return [
    `ALTER TABLE ${ctx.database}.${table}_local ON CLUSTER ${ctx.cluster} ${adds}`,
    `ALTER TABLE ${ctx.database}.${table} ON CLUSTER ${ctx.cluster} ${adds}`,
  ];
}

/** Every table the projector writes and the HWM it resumes from, in insert order. */
export const FACT_TABLES = ['message_facts', 'agent_activity', 'response_facts', 'conversation_facts', 'service_levels'] as const;
export type FactTable = (typeof FACT_TABLES)[number];

/**
 * What an analyst's SQL reads, each as a view of the same name limited to their scope
 * (analyst/analyst-scopes.ts). ReplacingMergeTree tables are read FINAL there, so an
 * analyst sees the latest version of a row without knowing the engine.
 */
export const ANALYST_TABLES: readonly { name: string; final: boolean }[] = [
  MESSAGE_FACTS,
  AGENT_ACTIVITY,
  CONVERSATION_FACTS,
  RESPONSE_FACTS,
  SERVICE_LEVELS,
  MESSAGE_VOLUME_15M,
  RESPONSE_TIMES_HOURLY,
  MESSAGE_VOLUME_TEAM_15M,
  RESPONSE_TIMES_AGENT_HOURLY,
].map((t) => ({ name: t.name, final: t.engine === 'ReplacingMergeTree' }));

interface Migration {
  version: number;
  name: string;
  statements(ctx: SchemaContext): string[];
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'facts, service levels and checkpoints',
    statements: (ctx) =>
      [MESSAGE_FACTS, AGENT_ACTIVITY, CONVERSATION_FACTS, RESPONSE_FACTS, SERVICE_LEVELS, PROJECTOR_CHECKPOINTS].flatMap((t) => createTable(ctx, t)),
  },
  {
    version: 2,
    name: 'dashboard rollups',
    statements: (ctx) => [
      ...createTable(ctx, MESSAGE_VOLUME_15M),
      createRollupView(
        ctx,
        'message_volume_15m_mv',
        'message_volume_15m',
        (src) =>
          `SELECT tenant_id, toStartOfFifteenMinutes(occurred_at) AS bucket, direction, message_type, sender_type, event_type, count() AS messages FROM ${src} GROUP BY tenant_id, bucket, direction, message_type, sender_type, event_type`,
        'message_facts',
      ),
      ...createTable(ctx, RESPONSE_TIMES_HOURLY),
      // Only finished waits: a responded episode row is written exactly once (see the projector).
      createRollupView(
        ctx,
        'response_times_hourly_mv',
        'response_times_hourly',
        (src) =>
          `SELECT tenant_id, ifNull(team_id, '') AS team_id, kind, toStartOfHour(started_at) AS hour, ${RESPONSE_TIME_STATES} FROM ${src} WHERE responded = 1 GROUP BY tenant_id, team_id, kind, hour`,
        'response_facts',
      ),
    ],
  },
  {
    version: 3,
    name: 'team and agent dimensions of volumes and response times; handle time',
    // No backfill: an INSERT … SELECT re-run after an interruption would count twice.
    // The new rollups hold what is projected from here on (docs/analytics.md says how
    // to fill the past).
    statements: (ctx) => [
      ...addColumns(ctx, 'message_facts', MESSAGE_FACT_DIMENSIONS),
      ...addColumns(ctx, 'conversation_facts', CONVERSATION_HANDLE_COLUMNS),
      ...createTable(ctx, MESSAGE_VOLUME_TEAM_15M),
      createRollupView(
        ctx,
        'message_volume_team_15m_mv',
        'message_volume_team_15m',
        // The agent of a message: the agent who sent it, else the conversation's assignee then.
        (src) =>
          `SELECT tenant_id, ifNull(team_id, '') AS team_id, ifNull(agent_id, ifNull(assignee_id, '')) AS agent_id, toStartOfFifteenMinutes(occurred_at) AS bucket, direction, message_type, sender_type, event_type, count() AS messages FROM ${src} GROUP BY tenant_id, team_id, agent_id, bucket, direction, message_type, sender_type, event_type`,
        'message_facts',
      ),
      ...createTable(ctx, RESPONSE_TIMES_AGENT_HOURLY),
      createRollupView(
        ctx,
        'response_times_agent_hourly_mv',
        'response_times_agent_hourly',
        // Answered waits only, so agent_id (who replied) is always set; written once (see v2).
        (src) =>
          `SELECT tenant_id, ifNull(team_id, '') AS team_id, ifNull(agent_id, '') AS agent_id, kind, toStartOfHour(started_at) AS hour, ${RESPONSE_TIME_STATES} FROM ${src} WHERE responded = 1 GROUP BY tenant_id, team_id, agent_id, kind, hour`,
        'response_facts',
      ),
    ],
  },
  {
    version: 4,
    name: 'CSAT comment and time',
    // No backfill (as 3): rows folded before it keep NULL until the log is replayed.
    statements: (ctx) => addColumns(ctx, 'conversation_facts', CONVERSATION_CSAT_COLUMNS),
  },
  {
    version: 5,
    name: 'usage meters: usage rows, their 15-minute rollup, seat holders',
    // New tables only: the usage projector has its own checkpoint and replays the log into them.
    statements: USAGE_TABLE_STATEMENTS,
  },
  {
    version: 6,
    name: 'usage unique keys in small granules',
    // A new table filled from usage_events, then the old one dropped: see the statements.
    statements: USAGE_UNIQUE_KEYS_STATEMENTS,
  },
  {
    version: 7,
    name: 'usage rollups by grain: quarter hour, hour, day',
    // Two new tables filled from usage_events, then the three rollups they replace dropped: see the statements.
    statements: USAGE_ROLLUP_STATEMENTS,
  },
];

/** Applies the migrations not applied yet, in order. Safe to run from several starts. */
export async function migrate(client: ClickHouseClient, ctx: SchemaContext, now: () => Date = () => new Date()): Promise<number[]> {
  const on = ctx.cluster ? ` ON CLUSTER ${ctx.cluster}` : '';
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${ctx.database}${on}` });
  for (const statement of createTable(ctx, {
    name: 'schema_migrations',
    columns: `version UInt32, name String, applied_at ${TIME}`,
    engine: 'ReplacingMergeTree',
    orderBy: 'version',
    shardKey: 'version',
  })) {
    await client.command({ query: statement });
  }
  const applied = new Set(
    (await queryRows(client, `SELECT version FROM ${ctx.database}.schema_migrations`, {}, z.object({ version: ch.number }))).map((r) => r.version),
  );
  const done: number[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    for (const statement of m.statements(ctx)) await client.command({ query: statement });
    await client.insert({
      table: `${ctx.database}.schema_migrations`,
      values: [{ version: m.version, name: m.name, applied_at: chTime(now().getTime()) }],
      format: 'JSONEachRow',
    });
    done.push(m.version);
  }
  return done;
}

/** The DDL a migration runs, for review and tests of the cluster layout. */
export const migrationStatements = (ctx: SchemaContext) => migrations.flatMap((m) => m.statements(ctx));
