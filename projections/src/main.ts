// The projectors as their own process (run the query process with
// PARLEY_RUN_PROJECTORS=false). Serves their lag on PROJECTIONS_PORT at /health.
// The ClickHouse projector runs here only with a ClickHouse server (CLICKHOUSE_URL):
// embedded chDB binds its data directory to one process, the query process.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { loadConfig } from '@parley/command';
import { consoleLogger, createEventStoreDbEventStore, createPgPool, createPostgresEventStore } from '@parley/events';
import { type Analytics, createAnalytics } from './analytics/index.ts';
import { inboxProjection } from './inbox/index.ts';
import { PgProjector } from './runtime/pg-projector.ts';
import { healthReport, type MonitoredProjector } from './runtime/projector-status.ts';

const config = loadConfig(process.env);
const store = config.eventStoreUrl
  ? createEventStoreDbEventStore({ connectionString: config.eventStoreUrl })
  : await createPostgresEventStore({ connectionString: config.databaseUrl });
const pool = createPgPool({ connectionString: config.databaseUrl, max: 4 });
const projectors = [new PgProjector({ pool, store, projection: inboxProjection, logger: consoleLogger('projector') })];
for (const p of projectors) await p.start();
let analytics: Analytics | null = null;
if (config.analytics && config.clickhouse.url) {
  analytics = await createAnalytics({
    store,
    clickhouse: { url: config.clickhouse.url, dataDir: join(config.dataDir, 'chdb'), database: config.clickhouse.database, cluster: config.clickhouse.cluster },
  });
  await analytics.start();
}

const server = createServer((req, res) => {
  if (req.url !== '/health') {
    res.writeHead(404).end();
    return;
  }
  const monitored: MonitoredProjector[] = [...projectors, ...(analytics ? [analytics.projector] : [])];
  // healthReport does not throw: a status it cannot read is a problem in the report.
  void healthReport(monitored, { stallAfterSeconds: config.projectorStallSeconds }).then((report) => {
    if (!report.ok) console.error(JSON.stringify({ level: 'error', msg: 'projectors unhealthy', problems: report.problems }));
    res.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report));
  });
});
server.listen(config.ports.projections, config.host, () => console.log(`projectors    http://${config.host}:${config.ports.projections}/health`));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    void Promise.all(projectors.map((p) => p.stop()))
      .then(() => analytics?.close())
      .then(() => pool.end())
      .then(() => store.close())
      .then(() => process.exit(0));
  });
}
