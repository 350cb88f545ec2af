// The projectors as their own process (run the query process with
// PARLEY_RUN_PROJECTORS=false). Serves their lag on PROJECTIONS_PORT at /health.
// The ClickHouse projector runs here only with a ClickHouse server (CLICKHOUSE_URL):
// embedded chDB binds its data directory to one process, the query process.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { loadConfig } from '@parley/command';
import { createEventStoreDbEventStore, createPostgresEventStore } from '@parley/events';
import pg from 'pg';
import { type Analytics, createAnalytics } from './analytics/index.ts';
import { inboxProjection } from './inbox/index.ts';
import { PgProjector } from './runtime/pg-projector.ts';

const config = loadConfig(process.env);
const store = config.eventStoreUrl
  ? createEventStoreDbEventStore({ connectionString: config.eventStoreUrl })
  : await createPostgresEventStore({ connectionString: config.databaseUrl });
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 4 });
pool.on('error', () => undefined);
const projectors = [new PgProjector({ pool, store, projection: inboxProjection, log: (level, message) => console.log(`[${level}] ${message}`) })];
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
  Promise.all([...projectors.map((p) => p.status()), ...(analytics ? [analytics.status()] : [])]).then(
    (statuses) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, projectors: statuses.flat() })),
    () => res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false })),
  );
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
