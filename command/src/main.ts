import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from './config.ts';
import { createCommandPlatform } from './command-platform.ts';
import { type DemoTenant, seedDemo } from './demo/seed-demo.ts';

const config = loadConfig(process.env);
const platform = await createCommandPlatform({
  databaseUrl: config.databaseUrl,
  eventStoreUrl: config.eventStoreUrl,
  platformAdminKey: config.platformAdminKey,
  secretKey: config.secretKey,
  logger: config.log,
});
const base = await platform.app.listen({ host: config.host, port: config.ports.command });

if (config.demoFile) {
  let demo: DemoTenant[];
  if (existsSync(config.demoFile)) {
    demo = JSON.parse(readFileSync(config.demoFile, 'utf8')) as DemoTenant[];
  } else {
    demo = await seedDemo(base, config.platformAdminKey);
    writeFileSync(config.demoFile, JSON.stringify(demo, null, 2), { mode: 0o600 });
  }
  console.log('\nDemo tenants (keys also in %s):', config.demoFile);
  for (const t of demo) {
    console.log(`  ${t.name}  tenant ${t.tenantId}  WhatsApp phone_number_id ${t.phoneNumberId}`);
    for (const [who, key] of Object.entries(t.keys)) console.log(`    ${who.padEnd(18)} ${key}`);
  }
}

console.log(`\ncommand API   ${base}   (OpenAPI: ${base}/openapi.json, webhook: ${base}/webhooks/whatsapp)`);
console.log(`event store   ${config.eventStoreUrl ? `EventStoreDB ${config.eventStoreUrl}` : `PostgreSQL ${config.databaseUrl}`}`);
if (config.demoFile) console.log(`platform admin key (demo): ${config.platformAdminKey}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void platform.close().then(() => process.exit(0));
  });
}
