import { describe, expect, it } from 'vitest';
import { identifier } from '../../src/analytics/clickhouse.ts';
import { migrationStatements } from '../../src/analytics/schema.ts';

describe('ClickHouse DDL', () => {
  it('one node: MergeTree-family tables under their own names, no ON CLUSTER', () => {
    const ddl = migrationStatements({ database: 'parley', cluster: null });
    expect(ddl.some((s) => s.includes('ON CLUSTER') || s.includes('Replicated') || s.includes('Distributed'))).toBe(false);
    expect(ddl).toContainEqual(expect.stringMatching(/^CREATE TABLE IF NOT EXISTS parley\.conversation_facts \(.*\) ENGINE = ReplacingMergeTree\(version\) ORDER BY/));
    expect(ddl).toContainEqual(expect.stringMatching(/^CREATE MATERIALIZED VIEW IF NOT EXISTS parley\.message_volume_15m_mv TO parley\.message_volume_15m AS .* FROM parley\.message_facts /));
  });

  it('cluster: ON CLUSTER, Replicated local tables, Distributed tables under the plain names, views local to local', () => {
    const ddl = migrationStatements({ database: 'parley', cluster: 'analytics' });
    expect(ddl.every((s) => s.includes(' ON CLUSTER analytics '))).toBe(true);
    expect(ddl).toContainEqual(
      expect.stringContaining(
        "CREATE TABLE IF NOT EXISTS parley.conversation_facts_local ON CLUSTER analytics (tenant_id String",
      ),
    );
    expect(ddl).toContainEqual(expect.stringContaining("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/parley/conversation_facts', '{replica}', version)"));
    expect(ddl).toContainEqual(
      'CREATE TABLE IF NOT EXISTS parley.conversation_facts ON CLUSTER analytics AS parley.conversation_facts_local ENGINE = Distributed(analytics, parley, conversation_facts_local, cityHash64(conversation_id))',
    );
    expect(ddl).toContainEqual(expect.stringMatching(/message_volume_15m_mv ON CLUSTER analytics TO parley\.message_volume_15m_local AS .* FROM parley\.message_facts_local /));
  });

  it('takes only plain identifiers from configuration', () => {
    expect(() => identifier('parley; DROP DATABASE x', 'database')).toThrow(/plain identifier/);
    expect(identifier('parley_2', 'database')).toBe('parley_2');
  });
});
