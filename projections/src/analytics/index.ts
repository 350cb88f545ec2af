import type { ClickHouseClient } from '@clickhouse/client';
import type { EventStore, Logger } from '@parley/events';
import type { ClickHouseProjectorOptions } from '../runtime/clickhouse-projector.ts';
import type { ProjectorStatus } from '../runtime/projector-status.ts';
import { UsageProjector } from '../usage/usage-projector.ts';
import { type AnalystLimits, AnalystSql } from './analyst/analyst-sql.ts';
import { AnalyticsProjector } from './analytics-projector.ts';
import { createClickHouseClient } from './clickhouse.ts';
import { migrate } from './schema.ts';

export { positionSeq } from '../runtime/clickhouse-projector.ts';
export type { ProjectorStatus } from '../runtime/projector-status.ts';
export type { AnalystScope } from './analyst/analyst-scopes.ts';
export { AnalystBusy, type AnalystLimits, AnalystQueryFailed, AnalystSql, AnalystSqlRefused, DEFAULT_ANALYST_LIMITS } from './analyst/analyst-sql.ts';
export { ANALYTICS_PROJECTOR, AnalyticsProjector } from './analytics-projector.ts';
export { addBusinessMs, businessMsBetween, type Calendar } from './business-hours.ts';
export { type ClickHouseOptions, createClickHouseClient, identifier } from './clickhouse.ts';
export type { SchemaContext } from './ddl.ts';
export { DurationPercentiles, Percentiles, QUANTILES } from './quantiles.ts';
export * from './reports.ts';
export { FACT_TABLES, migrate, migrationStatements } from './schema.ts';
export * from './time-types.ts';

export interface AnalyticsOptions {
  store: EventStore;
  clickhouse: {
    /** null: embedded chDB. */
    url: string | null;
    /** chDB data directory (e.g. `.data/chdb`), used when url is null. */
    dataDir: string;
    database: string;
    cluster: string | null;
  };
  clock?: () => Date;
  logger?: Logger;
  /** Events per ClickHouse batch (default 5,000). */
  batchSize?: number;
  analystLimits?: Partial<AnalystLimits>;
  /** Run the usage projector with the analytics one (default true; the analytics benchmark turns it off to measure alone). */
  meterUsage?: boolean;
}

export interface Analytics {
  /** The one ClickHouse client of this process (chDB binds one data directory per process). */
  client: ClickHouseClient;
  database: string;
  projector: AnalyticsProjector;
  /** Meters usage into the same ClickHouse database, on its own checkpoint. */
  usage: UsageProjector;
  /** Analysts' SQL, on engine sessions of its own. */
  analyst: AnalystSql;
  /** Migrates, then runs the ClickHouse projectors in the background. */
  start(): Promise<void>;
  status(): Promise<ProjectorStatus[]>;
  close(): Promise<void>;
}

/** The analytics side of a process: its ClickHouse client, schema and projector. */
export async function createAnalytics(options: AnalyticsOptions): Promise<Analytics> {
  const { clickhouse } = options;
  const client = createClickHouseClient(clickhouse);
  const projectorOptions: ClickHouseProjectorOptions = {
    store: options.store,
    client,
    database: clickhouse.database,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  };
  const projector = new AnalyticsProjector(projectorOptions);
  const usage = new UsageProjector(projectorOptions);
  const analyst = new AnalystSql({ clickhouse, ...(options.analystLimits ? { limits: options.analystLimits } : {}) });
  let started = false;
  return {
    client,
    database: clickhouse.database,
    projector,
    usage,
    analyst,
    async start() {
      await migrate(client, { database: clickhouse.database, cluster: clickhouse.cluster }, options.clock);
      await projector.start();
      if (options.meterUsage !== false) await usage.start();
      started = true;
    },
    async status() {
      return options.meterUsage === false ? [await projector.status()] : [await projector.status(), await usage.status()];
    },
    async close() {
      if (started) {
        await projector.stop();
        await usage.stop();
      }
      await analyst.close();
      await client.close();
    },
  };
}
