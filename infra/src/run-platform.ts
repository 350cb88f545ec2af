// `npm start`: the whole platform in one process (command API, projectors, query API with
// the analytics endpoints, workers) and a demo seeded through the APIs on first start.
// Without WHATSAPP_API_URL the workers send to a local fake of the WhatsApp Cloud API,
// which posts signed status webhooks back as Meta does.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { commandPlatformOptions, createCommandPlatform } from '@parley/command';
import { closeOnSignals, createApi, loadConfig } from '@parley/kit';
import { startReadSide } from '@parley/query';
import { createWorkers, registerWorkersHealth, type Workers, workersOptionsFrom } from '@parley/workers';
import { FakeCloudApi } from '@parley/workers/testing';
import { buildDashboard, type RunningDashboard, startDashboard } from './dashboard.ts';
import { seedBilling } from './demo/seed-billing.ts';
import { type DemoNumber, type DemoTenant, seedDemo } from './demo/seed-demo.ts';

const config = loadConfig(process.env);
mkdirSync(config.dataDir, { recursive: true });
const command = await createCommandPlatform(commandPlatformOptions(config));
const commandUrl = await command.app.listen({ host: config.host, port: config.ports.command });

// Without WHATSAPP_API_URL a local fake plays WhatsApp for the demo's numbers.
const fake =
  config.workers && !config.whatsapp.apiUrl
    ? await FakeCloudApi.start({ webhookUrl: `${commandUrl}/webhooks/whatsapp`, host: config.host, statusDelayMs: 300 })
    : null;
const playWhatsApp = (n: DemoNumber) => fake?.addNumber(n.phoneNumberId, { accessToken: n.accessToken, appSecret: n.appSecret });

// The demo is seeded before the read side and the workers start. The projectors then
// catch up with its history in large batches (much faster than event by event while it
// is written), and its replies are in the log with their outcomes (WhatsApp's statuses),
// so the workers have none of them to send.
let demo: DemoTenant[] | null = null;
if (config.demoFile) {
  if (existsSync(config.demoFile)) {
    demo = JSON.parse(readFileSync(config.demoFile, 'utf8')) as DemoTenant[];
    for (const t of demo) if (t.whatsapp) playWhatsApp(t.whatsapp);
  } else {
    const { clock: _real, logger: _quiet, ...platform } = commandPlatformOptions(config);
    const started = performance.now();
    demo = await seedDemo(commandUrl, config.platformAdminKey, playWhatsApp, {
      history: config.demoHistory ? { platform } : null,
      onHistory: (h) =>
        console.log(
          `[demo] history ${h.from.toISOString().slice(0, 10)} to ${h.to.toISOString().slice(0, 10)}: ${Object.entries(h.conversations)
            .map(([slug, n]) => `${n} conversations (${slug})`)
            .join(', ')}, ${h.requests} requests in ${(h.ms / 1000).toFixed(1)} s`,
        ),
    });
    console.log(`[demo] seeded in ${((performance.now() - started) / 1000).toFixed(1)} s${config.demoHistory ? '' : ' (no history: PARLEY_DEMO_HISTORY=off)'}`);
    // Subscriptions through the Stripe webhook, signed by a local fake Stripe, when a signing secret is configured.
    const [stripeSecret] = config.stripe.webhookSecrets;
    if (stripeSecret) console.log(`[demo] Stripe subscriptions: ${(await seedBilling(commandUrl, stripeSecret, demo)).join('; ')}`);
    writeFileSync(config.demoFile, JSON.stringify(demo, null, 2), { mode: 0o600 });
  }
}

const readSide = await startReadSide(config, command.store);
const queryUrl = await readSide.query.app.listen({ host: config.host, port: config.ports.query });

let workers: Workers | null = null;
let workersUrl: string | null = null;
const workersApi = await createApi({
  title: 'Parley workers',
  description: 'Health of the workers.',
  platformAdminKey: config.platformAdminKeys,
  requestLog: config.log,
});
if (config.workers) {
  const options = workersOptionsFrom(config, command.store);
  workers = await createWorkers({
    ...options,
    // Usage comes from the query API of this same process (chDB is bound to it).
    billing: { ...options.billing, usageUrl: queryUrl.replace('0.0.0.0', '127.0.0.1') },
    whatsapp: { ...options.whatsapp, apiUrl: config.whatsapp.apiUrl ?? fake!.url },
  });

  registerWorkersHealth(workersApi, workers, { stallAfterSeconds: config.projectorStallSeconds });
  workersUrl = await workersApi.listen({ host: config.host, port: config.ports.workers });
}

if (config.demoFile && demo) {
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

let dashboard: RunningDashboard | null = null;
if (config.dashboard) {
  // Built before it starts when its build is missing or older than its sources; a failed build stops npm start.
  await buildDashboard();
  dashboard = await startDashboard({
    host: config.host,
    port: config.ports.dashboard,
    queryUrl,
    commandUrl,
    sessionSecret: process.env.DASHBOARD_SESSION_SECRET,
  });
}

const stripeHook = config.stripe.webhookSecrets.length > 0 ? `, Stripe: ${commandUrl}/webhooks/stripe` : '';
console.log(`\ncommand API   ${commandUrl}   (OpenAPI: ${commandUrl}/openapi.json, webhook: ${commandUrl}/webhooks/whatsapp${stripeHook})`);
console.log(`query API     ${queryUrl}   (OpenAPI: ${queryUrl}/openapi.json, projector lag: ${queryUrl}/health)`);
console.log(
  `workers       ${workersUrl ? `${workersUrl}/health   (sending to ${config.whatsapp.apiUrl ?? 'the local fake'}, Redis ${config.redisUrl})` : 'off (PARLEY_WORKERS=off)'}`,
);
if (fake) console.log(`WhatsApp      ${fake.url}   (a local fake of the Cloud API: it accepts the demo numbers' sends and posts their statuses back)`);
console.log(`dashboard     ${dashboard ? `${dashboard.url}   (sign in with one of the API keys above)` : 'off (PARLEY_DASHBOARD=off)'}`);
console.log(`event store   ${config.eventStoreUrl ? `EventStoreDB ${config.eventStoreUrl}` : `PostgreSQL ${config.databaseUrl}`}`);
console.log(
  `analytics     ${!config.analytics ? 'off (PARLEY_ANALYTICS=off)' : config.clickhouse.url ? `ClickHouse ${config.clickhouse.url}` : `chDB (embedded) in ${config.dataDir}/chdb`}`,
);
if (config.demoFile) {
  console.log(`platform admin key (demo): ${config.platformAdminKey}`);
  if (config.platformAnalystKey) console.log(`platform analyst key (demo): ${config.platformAnalystKey}`);
}

closeOnSignals(
  () => dashboard?.stop(),
  () => readSide.close(),
  () => command.close(),
);
