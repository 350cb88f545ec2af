import { identifier } from '../clickhouse.ts';
import { ANALYST_TABLES } from '../schema.ts';

/** Whose rows an analyst query may read: one tenant's (a tenant's analyst), or all (the platform analyst key). */
export type AnalystScope = { kind: 'tenant'; tenantId: string } | { kind: 'platform' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The database an analyst's query runs in: it holds one view per analytics table and
 * nothing else. The limit to a tenant's rows is the view's own WHERE clause, which the
 * engine applies to every read of the view, whatever the query around it does (joins,
 * subqueries, UNION, arrayJoin): the analyst's SQL text is never rewritten.
 */
export function scopeDatabase(database: string, scope: AnalystScope): string {
  if (scope.kind === 'platform') return identifier(`${database}_analyst_platform`, 'analyst database');
  if (!UUID.test(scope.tenantId)) throw new Error(`tenant id is not a UUID: ${JSON.stringify(scope.tenantId)}`);
  return identifier(`${database}_analyst_${scope.tenantId.replace(/-/g, '')}`, 'analyst database');
}

/**
 * DDL for a scope's views. Re-run on every process's first query of a scope (OR
 * REPLACE), so a migration's new columns reach the views. The tenant id is a checked
 * UUID from the caller's principal, never request text.
 */
export function scopeStatements(database: string, cluster: string | null, scope: AnalystScope): string[] {
  const target = scopeDatabase(database, scope);
  const on = cluster ? ` ON CLUSTER ${identifier(cluster, 'ClickHouse cluster')}` : '';
  const where = scope.kind === 'tenant' ? ` WHERE tenant_id = '${scope.tenantId}'` : '';
  return [
    `CREATE DATABASE IF NOT EXISTS ${target}${on}`,
    ...ANALYST_TABLES.map(
      (t) =>
        `CREATE OR REPLACE VIEW ${target}.${t.name}${on} AS SELECT * FROM ${identifier(database, 'ClickHouse database')}.${t.name}${t.final ? ' FINAL' : ''}${where}`,
    ),
  ];
}
