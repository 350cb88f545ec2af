/**
 * The DDL the ClickHouse migrations are written with: a table on one node or on a
 * cluster (see schema.ts), and a materialized view feeding a rollup. Its own module so
 * that the usage schema and the migration list import it without importing each other.
 */

export interface SchemaContext {
  database: string;
  cluster: string | null;
}

export interface TableSpec {
  name: string;
  columns: string;
  /** Engine name without the Replicated prefix, and its arguments. */
  engine: 'MergeTree' | 'ReplacingMergeTree' | 'SummingMergeTree' | 'AggregatingMergeTree';
  engineArgs?: string;
  orderBy: string;
  partitionBy?: string;
  shardKey: string;
  /** MergeTree settings of the (local) table, e.g. `index_granularity = 256`. */
  settings?: string;
}

export function createTable(ctx: SchemaContext, t: TableSpec): string[] {
  const on = ctx.cluster ? ` ON CLUSTER ${ctx.cluster}` : '';
  const partition = t.partitionBy ? ` PARTITION BY ${t.partitionBy}` : '';
  const args = t.engineArgs ?? '';
  const settings = t.settings ? ` SETTINGS ${t.settings}` : '';
  if (!ctx.cluster) {
    return [
      `CREATE TABLE IF NOT EXISTS ${ctx.database}.${t.name}${on} (${t.columns}) ENGINE = ${t.engine}(${args})${partition} ORDER BY ${t.orderBy}${settings}`,
    ];
  }
  const zkPath = `'/clickhouse/tables/{shard}/${ctx.database}/${t.name}', '{replica}'`;
  return [
    `CREATE TABLE IF NOT EXISTS ${ctx.database}.${t.name}_local${on} (${t.columns}) ENGINE = Replicated${t.engine}(${zkPath}${args ? `, ${args}` : ''})${partition} ORDER BY ${t.orderBy}${settings}`,
    `CREATE TABLE IF NOT EXISTS ${ctx.database}.${t.name}${on} AS ${ctx.database}.${t.name}_local ENGINE = Distributed(${ctx.cluster}, ${ctx.database}, ${t.name}_local, ${t.shardKey})`,
  ];
}

/** A materialized view feeds the local rollup from the local facts on each node. */
export function createRollupView(ctx: SchemaContext, name: string, target: string, select: (source: string) => string, source: string): string {
  const on = ctx.cluster ? ` ON CLUSTER ${ctx.cluster}` : '';
  const local = ctx.cluster ? '_local' : '';
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${ctx.database}.${name}${on} TO ${ctx.database}.${target}${local} AS ${select(`${ctx.database}.${source}${local}`)}`;
}
