// The projectors as their own process (run the query process with
// PARLEY_RUN_PROJECTORS=false). Serves their lag on PROJECTIONS_PORT at /health.
// The ClickHouse projector runs here only with a ClickHouse server (CLICKHOUSE_URL):
// embedded chDB binds its data directory to one process, the query process.
import { join } from 'node:path';
import { consoleLogger, createPgPool } from '@parley/events';
import { closeOnSignals, createApi, createEventStore, loadConfig } from '@parley/kit';
import { type Analytics, createAnalytics } from './analytics/index.ts';
import { billingProjection } from './billing/index.ts';
import { inboxProjection } from './inbox/index.ts';
import { invoiceProjection } from './invoices/index.ts';
import { planProjection } from './plans/index.ts';
import { registerHealthRoute } from './runtime/health-route.ts';
import { PgProjector } from './runtime/pg-projector.ts';
import type { MonitoredProjector } from './runtime/projector-status.ts';

const config = loadConfig(process.env);
const store = await createEventStore(config);
const pool = createPgPool({ connectionString: config.databaseUrl, max: 4 });
const projectors = [
  new PgProjector({ pool, store, projection: inboxProjection, logger: consoleLogger('projector') }),
  new PgProjector({ pool, store, projection: planProjection, logger: consoleLogger('plan-projector') }),
  new PgProjector({ pool, store, projection: billingProjection, logger: consoleLogger('billing-projector') }),
  new PgProjector({ pool, store, projection: invoiceProjection, logger: consoleLogger('invoice-projector') }),
];
for (const p of projectors) await p.start();
let analytics: Analytics | null = null;
if (config.analytics && config.clickhouse.url) {
  analytics = await createAnalytics({
    store,
    clickhouse: { url: config.clickhouse.url, dataDir: join(config.dataDir, 'chdb'), database: config.clickhouse.database, cluster: config.clickhouse.cluster },
    logger: consoleLogger('analytics'),
  });
  await analytics.start();
}

const monitored: MonitoredProjector[] = [...projectors, ...(analytics ? [analytics.projector, analytics.usage] : [])];
const api = await createApi({
  title: 'Parley projectors',
  description: 'Health of the projectors this process runs.',
  platformAdminKey: config.platformAdminKeys,
  requestLog: config.log,
});
registerHealthRoute(api, monitored, { stallAfterSeconds: config.projectorStallSeconds });
const base = await api.listen({ host: config.host, port: config.ports.projections });
console.log(`projectors    ${base}/health`);

closeOnSignals(
  () => api.close(),
  () => Promise.all(projectors.map((p) => p.stop())),
  () => analytics?.close(),
  () => pool.end(),
  () => store.close(),
);
