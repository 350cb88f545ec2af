// The workers as their own process: sends to the WhatsApp Cloud API from per-number
// BullMQ queues, with their projector's and queues' health on WORKERS_PORT at /health.
import { consoleLogger } from '@parley/events';
import { closeOnSignals, createApi, createEventStore, loadConfig } from '@parley/kit';
import { createWorkers } from './workers.ts';
import { registerWorkersHealth } from './workers-health.ts';

const config = loadConfig(process.env);
const store = await createEventStore(config);
const workers = await createWorkers({
  databaseUrl: config.databaseUrl,
  store,
  secretKey: config.secretKey,
  redisUrl: config.redisUrl,
  queuePrefix: config.redisPrefix,
  jobLockMs: config.jobLockMs,
  webhooks: config.webhooks,
  billing: {
    everyMs: config.billing.everyMs,
    graceMs: config.billing.invoices.graceDays * 86_400_000,
    taxRatePercent: config.billing.invoices.taxRatePercent,
    usageUrl: config.billing.usageUrl,
    adminKey: config.platformAdminKey,
  },
  whatsapp: { apiUrl: config.whatsapp.apiUrl ?? 'https://graph.facebook.com', apiVersion: config.whatsapp.apiVersion, numberRate: config.whatsapp.numberRate },
  logger: consoleLogger('workers'),
});
const api = await createApi({
  title: 'Parley workers',
  description: 'Health of the workers.',
  platformAdminKey: config.platformAdminKeys,
  requestLog: config.log,
});
registerWorkersHealth(api, workers, { stallAfterSeconds: config.projectorStallSeconds });
const base = await api.listen({ host: config.host, port: config.ports.workers });
console.log(`workers       ${base}/health   (Cloud API ${config.whatsapp.apiUrl ?? 'https://graph.facebook.com'}, Redis ${config.redisUrl})`);

closeOnSignals(
  () => api.close(),
  () => workers.close(),
  () => store.close(),
);
