import { join } from 'node:path';
import { consoleLogger, type EventStore } from '@parley/events';
import type { Config } from '@parley/kit';
import { type Analytics, createAnalytics } from '@parley/projections/analytics';
import { registerAnalyticsRoutes } from './analytics/analytics-routes.ts';
import { createQueryPlatform, type QueryPlatform } from './query-platform.ts';
import { registerUsageRoutes } from './usage/usage-routes.ts';

export interface ReadSide {
  query: QueryPlatform;
  /** null with PARLEY_ANALYTICS=off. */
  analytics: Analytics | null;
  close(): Promise<void>;
}

/**
 * The query process: the query API, the analytics endpoints, and the projectors that run
 * here. chDB binds one data directory per process, so with embedded ClickHouse the
 * ClickHouse projector always runs in this process, next to the endpoints that read it;
 * with a ClickHouse server it runs here when `runProjectors`, else in the projections
 * process (projections/src/main.ts).
 */
export async function startReadSide(config: Config, store: EventStore, clock: () => Date = () => new Date()): Promise<ReadSide> {
  const analytics = config.analytics
    ? await createAnalytics({
        store,
        clickhouse: {
          url: config.clickhouse.url,
          dataDir: join(config.dataDir, 'chdb'),
          database: config.clickhouse.database,
          cluster: config.clickhouse.cluster,
        },
        clock,
        logger: config.log ? consoleLogger('analytics') : undefined,
      })
    : null;
  const runAnalytics = config.runProjectors || config.clickhouse.url === null;
  if (analytics && runAnalytics) await analytics.start();
  const query = await createQueryPlatform({
    databaseUrl: config.databaseUrl,
    store,
    platformAdminKey: config.platformAdminKeys,
    platformAnalystKey: config.platformAnalystKeys,
    runProjectors: config.runProjectors,
    stallAfterSeconds: config.projectorStallSeconds,
    clock,
    ...(analytics && {
      moreProjectors: [analytics.projector, analytics.usage],
      extend: (app) => {
        registerAnalyticsRoutes(app, { analytics, clock });
        registerUsageRoutes(app, { analytics });
      },
    }),
    logger: config.log,
  });
  return {
    query,
    analytics,
    async close() {
      await query.close();
      await analytics?.close();
    },
  };
}
