import { describe, expect, it } from 'vitest';
import { identifier } from '../../src/analytics/clickhouse.ts';
import { migrationStatements } from '../../src/analytics/schema.ts';

describe('ClickHouse DDL', () => {
  it('one node: MergeTree-family tables under their own names, no ON CLUSTER', () => {
    const ddl = migrationStatements({ database: 'parley', cluster: null });
    expect(ddl.some((s) => s.includes('ON CLUSTER') || s.includes('Replicated') || s.includes('Distributed'))).toBe(false);
    expect(ddl).toContainEqual(
      expect.stringMatching(/^CREATE TABLE IF NOT EXISTS parley\.conversation_facts \(.*\) ENGINE = ReplacingMergeTree\(version\) ORDER BY/),
    );
    expect(ddl).toContainEqual(
      expect.stringMatching(
        /^CREATE MATERIALIZED VIEW IF NOT EXISTS parley\.message_volume_15m_mv TO parley\.message_volume_15m AS .* FROM parley\.message_facts /,
      ),
    );
  });

  it('cluster: ON CLUSTER, Replicated local tables, Distributed tables under the plain names, views local to local', () => {
    const ddl = migrationStatements({ database: 'parley', cluster: 'analytics' });
    // Every statement but the fills of migrations 6 and 7, which write through the Distributed tables from one node.
    const fills = ddl.filter((s) => s.startsWith('INSERT INTO'));
    expect(fills.map((s) => s.split(' ')[2])).toEqual(['parley.usage_unique_keys_15m', 'parley.usage_rollup']);
    for (const fill of fills)
      expect(fill).toMatch(/^INSERT INTO parley\.\w+ SELECT .* FROM parley\.usage_events .* SETTINGS distributed_foreground_insert = 1$/);
    expect(ddl.filter((s) => !fills.includes(s)).every((s) => / ON CLUSTER analytics( |$)/.test(s))).toBe(true);
    expect(ddl).toContainEqual(expect.stringContaining('CREATE TABLE IF NOT EXISTS parley.conversation_facts_local ON CLUSTER analytics (tenant_id String'));
    expect(ddl).toContainEqual(
      expect.stringContaining("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/parley/conversation_facts', '{replica}', version)"),
    );
    expect(ddl).toContainEqual(
      'CREATE TABLE IF NOT EXISTS parley.conversation_facts ON CLUSTER analytics AS parley.conversation_facts_local ENGINE = Distributed(analytics, parley, conversation_facts_local, cityHash64(conversation_id))',
    );
    expect(ddl).toContainEqual(
      expect.stringMatching(/message_volume_15m_mv ON CLUSTER analytics TO parley\.message_volume_15m_local AS .* FROM parley\.message_facts_local /),
    );
  });

  it('migration 3 adds the dimension columns to the local and the Distributed tables, and team/agent rollups', () => {
    const one = migrationStatements({ database: 'parley', cluster: null });
    expect(one).toContain(
      'ALTER TABLE parley.message_facts ADD COLUMN IF NOT EXISTS team_id Nullable(String), ADD COLUMN IF NOT EXISTS assignee_id Nullable(String)',
    );
    expect(one).toContainEqual(
      expect.stringMatching(
        /^CREATE MATERIALIZED VIEW IF NOT EXISTS parley\.message_volume_team_15m_mv TO parley\.message_volume_team_15m AS .* FROM parley\.message_facts /,
      ),
    );
    expect(one).toContainEqual(
      expect.stringMatching(
        /^CREATE MATERIALIZED VIEW IF NOT EXISTS parley\.response_times_agent_hourly_mv TO parley\.response_times_agent_hourly AS .* FROM parley\.response_facts WHERE responded = 1/,
      ),
    );
    const cluster = migrationStatements({ database: 'parley', cluster: 'analytics' });
    for (const table of ['message_facts_local', 'message_facts', 'conversation_facts_local', 'conversation_facts']) {
      expect(cluster).toContainEqual(expect.stringMatching(new RegExp(`^ALTER TABLE parley\\.${table} ON CLUSTER analytics ADD COLUMN IF NOT EXISTS`)));
    }
  });

  it('takes only plain identifiers from configuration', () => {
    expect(() => identifier('parley; DROP DATABASE x', 'database')).toThrow(/plain identifier/);
    expect(identifier('parley_2', 'database')).toBe('parley_2');
  });
});
