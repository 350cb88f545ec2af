// `npm start`: the whole platform in one process (command API, projectors, query API with
// the analytics endpoints) and a demo seeded through the APIs on first start.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { commandPlatformOptions, createCommandPlatform } from '@parley/command';
import { closeOnSignals, loadConfig } from '@parley/kit';
import { startReadSide } from '@parley/query';
import { type DemoTenant, seedDemo } from './demo/seed-demo.ts';

const config = loadConfig(process.env);
mkdirSync(config.dataDir, { recursive: true });
const command = await createCommandPlatform(commandPlatformOptions(config));
const readSide = await startReadSide(config, command.store);
const commandUrl = await command.app.listen({ host: config.host, port: config.ports.command });
const queryUrl = await readSide.query.app.listen({ host: config.host, port: config.ports.query });

if (config.demoFile) {
  let demo: DemoTenant[];
  if (existsSync(config.demoFile)) {
    demo = JSON.parse(readFileSync(config.demoFile, 'utf8')) as DemoTenant[];
  } else {
    demo = await seedDemo(commandUrl, config.platformAdminKey);
    writeFileSync(config.demoFile, JSON.stringify(demo, null, 2), { mode: 0o600 });
  }
  console.log('\nDemo tenants (keys also in %s):', config.demoFile);
  for (const t of demo) {
    console.log(`  ${t.name}  tenant ${t.tenantId}  WhatsApp phone_number_id ${t.phoneNumberId}`);
    for (const [who, key] of Object.entries(t.keys)) console.log(`    ${who.padEnd(18)} ${key}`);
  }
  const someKey = demo[0]?.keys['supervisor:Sofia'];
  if (someKey) console.log(`\n  try: curl -H 'Authorization: Bearer ${someKey}' ${queryUrl}/v1/conversations`);
  const analystKey = demo[0]?.keys['analyst:Rosa'];
  if (analystKey && config.analytics) {
    const body = JSON.stringify({ sql: 'SELECT direction, count() AS messages FROM message_facts GROUP BY direction' });
    console.log(
      `  analyst SQL (their tenant's rows): curl -H 'Authorization: Bearer ${analystKey}' -H 'content-type: application/json' -d '${body}' ${queryUrl}/v1/analytics/sql`,
    );
  }
}

console.log(`\ncommand API   ${commandUrl}   (OpenAPI: ${commandUrl}/openapi.json, webhook: ${commandUrl}/webhooks/whatsapp)`);
console.log(`query API     ${queryUrl}   (OpenAPI: ${queryUrl}/openapi.json, projector lag: ${queryUrl}/health)`);
console.log(`event store   ${config.eventStoreUrl ? `EventStoreDB ${config.eventStoreUrl}` : `PostgreSQL ${config.databaseUrl}`}`);
console.log(
  `analytics     ${!config.analytics ? 'off (PARLEY_ANALYTICS=off)' : config.clickhouse.url ? `ClickHouse ${config.clickhouse.url}` : `chDB (embedded) in ${config.dataDir}/chdb`}`,
);
if (config.demoFile) {
  console.log(`platform admin key (demo): ${config.platformAdminKey}`);
  if (config.platformAnalystKey) console.log(`platform analyst key (demo): ${config.platformAnalystKey}`);
}

closeOnSignals(
  () => readSide.close(),
  () => command.close(),
);
