import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseClient, queryRows } from '../../src/analytics/clickhouse.ts';
import { migrate, migrationStatements, migrations } from '../../src/analytics/schema.ts';

/**
 * Migrations against a real embedded chDB: versioned (each applied once), idempotent
 * (every statement can run again), and migration 3 upgrades a database that already
 * holds version-2 facts without touching them.
 */
let dataDir: string;
let client: ClickHouseClient;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'parley-chdb-migrations-'));
  client = createClickHouseClient({ url: null, dataDir, database: 'fresh', cluster: null });
});

afterAll(async () => {
  await client?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const message = (id: string, extra: Record<string, unknown> = {}) => ({
  event_id: id,
  position: Number(id),
  tenant_id: 't1',
  occurred_at: '2026-03-02 10:07:00.000',
  event_type: 'received',
  wamid: '',
  direction: 'inbound',
  message_type: 'text',
  sender_type: 'customer',
  status: 'received',
  status_at: '2026-03-02 10:07:00.000',
  ...extra,
});

describe('ClickHouse migrations', () => {
  it('apply each version once, and every statement can run again', async () => {
    const ctx = { database: 'fresh', cluster: null };
    expect(await migrate(client, ctx)).toEqual(migrations.map((m) => m.version));
    expect(await migrate(client, ctx)).toEqual([]);
    // An interrupted migration is run again from its first statement.
    for (const statement of migrationStatements(ctx)) await client.command({ query: statement });
    const versions = await queryRows(client, 'SELECT version FROM fresh.schema_migrations FINAL ORDER BY version');
    expect(versions.map((r) => Number(r.version))).toEqual(migrations.map((m) => m.version));
  });

  it('migration 3 upgrades a version-2 database: old facts keep NULL dimensions, new ones feed the team/agent rollup', async () => {
    const ctx = { database: 'upgraded', cluster: null };
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS upgraded' });
    await client.command({
      query:
        "CREATE TABLE IF NOT EXISTS upgraded.schema_migrations (version UInt32, name String, applied_at DateTime64(3, 'UTC')) ENGINE = ReplacingMergeTree() ORDER BY version",
    });
    for (const m of migrations.filter((x) => x.version <= 2)) {
      for (const statement of m.statements(ctx)) await client.command({ query: statement });
      await client.insert({
        table: 'upgraded.schema_migrations',
        values: [{ version: m.version, name: m.name, applied_at: '2026-03-01 00:00:00.000' }],
        format: 'JSONEachRow',
      });
    }
    await client.insert({ table: 'upgraded.message_facts', values: [message('1')], format: 'JSONEachRow' });

    // 3, then 4 (CSAT comment and time on conversation facts), then 5 (usage tables), 6 (their unique keys), 7 (their rollups by grain).
    expect(await migrate(client, ctx)).toEqual([3, 4, 5, 6, 7]);
    await client.insert({ table: 'upgraded.message_facts', values: [message('2', { team_id: 'team-a', assignee_id: 'agent-a' })], format: 'JSONEachRow' });

    const facts = await queryRows(client, 'SELECT event_id, team_id, assignee_id FROM upgraded.message_facts ORDER BY event_id');
    expect(facts).toEqual([
      { event_id: '1', team_id: null, assignee_id: null },
      { event_id: '2', team_id: 'team-a', assignee_id: 'agent-a' },
    ]);
    const old = await queryRows(client, 'SELECT sum(messages) AS n FROM upgraded.message_volume_15m');
    const byTeam = await queryRows(client, 'SELECT team_id, agent_id, sum(messages) AS n FROM upgraded.message_volume_team_15m GROUP BY team_id, agent_id');
    expect(Number(old[0]?.n)).toBe(2);
    // No backfill (not idempotent): the rollup starts with migration 3.
    expect(byTeam.map((r) => ({ ...r, n: Number(r.n) }))).toEqual([{ team_id: 'team-a', agent_id: 'agent-a', n: 1 }]);
  });

  it('migration 4 adds the CSAT comment and time to conversation facts, NULL on rows written before it', async () => {
    const ctx = { database: 'csat', cluster: null };
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS csat' });
    await client.command({
      query:
        "CREATE TABLE IF NOT EXISTS csat.schema_migrations (version UInt32, name String, applied_at DateTime64(3, 'UTC')) ENGINE = ReplacingMergeTree() ORDER BY version",
    });
    for (const m of migrations.filter((x) => x.version <= 3)) {
      for (const statement of m.statements(ctx)) await client.command({ query: statement });
      await client.insert({
        table: 'csat.schema_migrations',
        values: [{ version: m.version, name: m.name, applied_at: '2026-03-01 00:00:00.000' }],
        format: 'JSONEachRow',
      });
    }
    const conversation = {
      tenant_id: 't1',
      conversation_id: 'c1',
      contact_id: 'x',
      number_id: 'n',
      origin: 'inbound',
      priority: 'normal',
      status: 'closed',
      opened_at: '2026-03-02 10:00:00.000',
      csat: 4,
      version: 1,
      state: '{}',
    };
    await client.insert({ table: 'csat.conversation_facts', values: [conversation], format: 'JSONEachRow' });
    expect(await migrate(client, ctx)).toEqual([4, 5, 6, 7]);
    await client.insert({
      table: 'csat.conversation_facts',
      values: [{ ...conversation, conversation_id: 'c2', csat_comment: 'Great', csat_at: '2026-03-02 11:00:00.000' }],
      format: 'JSONEachRow',
    });
    const rows = await queryRows(client, 'SELECT conversation_id, csat, csat_comment, csat_at FROM csat.conversation_facts FINAL ORDER BY conversation_id');
    expect(rows).toEqual([
      { conversation_id: 'c1', csat: 4, csat_comment: null, csat_at: null },
      { conversation_id: 'c2', csat: 4, csat_comment: 'Great', csat_at: '2026-03-02 11:00:00.000' },
    ]);
  });

  /** A database at `version`: the migrations up to it applied and recorded, as an older release left it. */
  async function databaseAt(database: string, version: number) {
    const ctx = { database, cluster: null };
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
    await client.command({
      query: `CREATE TABLE IF NOT EXISTS ${database}.schema_migrations (version UInt32, name String, applied_at DateTime64(3, 'UTC')) ENGINE = ReplacingMergeTree() ORDER BY version`,
    });
    for (const m of migrations.filter((x) => x.version <= version)) await applyMigration(ctx, m.version);
    return ctx;
  }
  async function applyMigration(ctx: { database: string; cluster: null }, version: number) {
    const m = migrations.find((x) => x.version === version)!;
    for (const statement of m.statements(ctx)) await client.command({ query: statement });
    await client.insert({
      table: `${ctx.database}.schema_migrations`,
      values: [{ version: m.version, name: m.name, applied_at: '2026-03-01 00:00:00.000' }],
      format: 'JSONEachRow',
    });
  }
  const usage = (n: number, subject: string, tenant = 't1', meter = subject ? 'active_contacts' : 'messages_sent', day = '02') => ({
    tenant_id: tenant,
    meter,
    occurred_at: `2026-03-${day} 10:${String(n % 60).padStart(2, '0')}:00.000`,
    event_id: `e${n}`,
    position: n,
    group_key: '{}',
    value: meter === 'agent_seats' ? n : 1,
    subject,
  });

  it('migration 6 moves the unique keys to their small-granule table: same counts, the old table gone, new rows counted once', async () => {
    const ctx = await databaseAt('keys', 5);
    // Two inserts: two parts, so the backfill merges states across parts as the queries do.
    await client.insert({ table: 'keys.usage_events', values: [usage(1, 'a'), usage(2, 'b'), usage(3, ''), usage(4, 'a', 't2')], format: 'JSONEachRow' });
    await client.insert({ table: 'keys.usage_events', values: [usage(5, 'a'), usage(6, 'c')], format: 'JSONEachRow' });
    const counts = (table: string) =>
      queryRows(client, `SELECT tenant_id, uniqExactMerge(subjects) AS n FROM keys.${table} GROUP BY tenant_id ORDER BY tenant_id`).then((rows) =>
        rows.map((r) => [r.tenant_id, Number(r.n)]),
      );
    const before = await counts('usage_uniques_15m');
    expect(before).toEqual([
      ['t1', 3],
      ['t2', 1],
    ]);

    await applyMigration(ctx, 6);
    expect(await counts('usage_unique_keys_15m')).toEqual(before);
    const tables = await queryRows(client, "SELECT name FROM system.tables WHERE database = 'keys' AND name LIKE 'usage_uniques%'");
    expect(tables).toEqual([]);
    const ddl = await queryRows(client, "SELECT create_table_query AS q FROM system.tables WHERE database = 'keys' AND name = 'usage_unique_keys_15m'");
    expect(String(ddl[0]?.q)).toContain('index_granularity = 256');

    // Run again from its first statement (a start interrupted before it was recorded): the same counts, not twice the states.
    for (const statement of migrations.find((m) => m.version === 6)!.statements(ctx)) await client.command({ query: statement });
    expect(await counts('usage_unique_keys_15m')).toEqual(before);
    // The view feeds the new table from here on.
    await client.insert({ table: 'keys.usage_events', values: [usage(7, 'd'), usage(8, 'a')], format: 'JSONEachRow' });
    expect(await counts('usage_unique_keys_15m')).toEqual([
      ['t1', 4],
      ['t2', 1],
    ]);
  });

  it('migration 7 moves the usage rollups to one table with three grains: the same figures at every grain, the old rollups gone', async () => {
    const ctx = await databaseAt('grains', 6);
    await client.insert({
      table: 'grains.usage_events',
      values: [usage(1, 'a'), usage(2, 'b'), usage(3, ''), usage(4, 'a', 't2'), usage(5, '', 't1', 'agent_seats'), usage(6, '', 't1', 'agent_seats', '01')],
      format: 'JSONEachRow',
    });
    await client.insert({
      table: 'grains.usage_events',
      values: [usage(7, 'a', 't1', 'active_contacts', '03'), usage(8, '', 't1', 'messages_sent', '03')],
      format: 'JSONEachRow',
    });
    // Per tenant and meter: events, the sum, the maximum, the latest value, the unique keys.
    const figures = async (counted: string, uniques: string, where = '1') => {
      const rows = await queryRows(
        client,
        `SELECT tenant_id, meter, sum(events) AS events, sum(total) AS total, max(maximum) AS maximum, argMaxMerge(latest) AS latest FROM grains.${counted} WHERE ${where} GROUP BY tenant_id, meter ORDER BY tenant_id, meter`,
      );
      const keys = await queryRows(
        client,
        `SELECT tenant_id, meter, uniqExactMerge(subjects) AS n FROM grains.${uniques} WHERE ${where} GROUP BY tenant_id, meter HAVING n > 0 ORDER BY tenant_id, meter`,
      );
      return { counted: rows.map((r) => Object.values(r).map(String)), uniques: keys.map((r) => Object.values(r).map(String)) };
    };
    const before = await figures('usage_15m', 'usage_unique_keys_15m');
    expect(before.counted).toContainEqual(['t1', 'agent_seats', '2', '11', '6', '5']);
    expect(before.uniques).toEqual([
      ['t1', 'active_contacts', '2'],
      ['t2', 'active_contacts', '1'],
    ]);

    await applyMigration(ctx, 7);
    for (const grain of [0, 1, 2]) expect(await figures('usage_rollup', 'usage_rollup', `grain = ${grain}`)).toEqual(before);
    const tables = await queryRows(client, "SELECT name FROM system.tables WHERE database = 'grains' AND name LIKE 'usage_%' ORDER BY name");
    expect(tables.map((t) => t.name)).toEqual(['usage_events', 'usage_rollup', 'usage_rollup_mv', 'usage_seats']);
    const ddl = await queryRows(client, "SELECT create_table_query AS q FROM system.tables WHERE database = 'grains' AND name = 'usage_rollup'");
    expect(String(ddl[0]?.q)).toContain('min_age_to_force_merge_seconds = 60');

    // Run again from its first statement: the same figures, not twice the rows.
    for (const statement of migrations.find((m) => m.version === 7)!.statements(ctx)) await client.command({ query: statement });
    for (const grain of [0, 1, 2]) expect(await figures('usage_rollup', 'usage_rollup', `grain = ${grain}`)).toEqual(before);
    // The views feed every grain from here on.
    await client.insert({ table: 'grains.usage_events', values: [usage(9, 'c'), usage(10, '')], format: 'JSONEachRow' });
    for (const grain of [0, 1, 2]) {
      const after = await figures('usage_rollup', 'usage_rollup', `grain = ${grain}`);
      expect(after.counted).toContainEqual(['t1', 'messages_sent', '3', '3', '1', '1']);
      expect(after.uniques).toContainEqual(['t1', 'active_contacts', '3']);
    }
  });
});
