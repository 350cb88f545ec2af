// The command API as its own process (`npm start` runs the whole platform instead: infra/src/run-platform.ts).
import { closeOnSignals, loadConfig } from '@parley/kit';
import { commandPlatformOptions, createCommandPlatform } from './command-platform.ts';

const config = loadConfig(process.env);
const platform = await createCommandPlatform(commandPlatformOptions(config));
const base = await platform.app.listen({ host: config.host, port: config.ports.command });

console.log(`command API   ${base}   (OpenAPI: ${base}/openapi.json, webhook: ${base}/webhooks/whatsapp)`);
console.log(`event store   ${config.eventStoreUrl ? `EventStoreDB ${config.eventStoreUrl}` : `PostgreSQL ${config.databaseUrl}`}`);

closeOnSignals(() => platform.close());
