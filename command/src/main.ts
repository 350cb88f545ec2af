// The command API as its own process (`npm start` runs the whole platform instead: infra/src/run-platform.ts).
import { loadConfig } from '@parley/kit';
import { createCommandPlatform } from './command-platform.ts';

const config = loadConfig(process.env);
const platform = await createCommandPlatform({
  databaseUrl: config.databaseUrl,
  eventStoreUrl: config.eventStoreUrl,
  platformAdminKey: config.platformAdminKeys,
  secretKey: config.secretKey,
  deadLetterLimits: config.deadLetterLimits,
  logger: config.log,
});
const base = await platform.app.listen({ host: config.host, port: config.ports.command });

console.log(`command API   ${base}   (OpenAPI: ${base}/openapi.json, webhook: ${base}/webhooks/whatsapp)`);
console.log(`event store   ${config.eventStoreUrl ? `EventStoreDB ${config.eventStoreUrl}` : `PostgreSQL ${config.databaseUrl}`}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void platform.close().then(() => process.exit(0));
  });
}
