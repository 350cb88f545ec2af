// The workers as their own process: sends to the WhatsApp Cloud API from per-number
// BullMQ queues, with their projector's and queues' health on WORKERS_PORT at /health.
import { closeOnSignals, createApi, createEventStore, loadConfig } from '@parley/kit';
import { createWorkers } from './workers.ts';
import { workersOptionsFrom } from './workers-config.ts';
import { registerWorkersHealth } from './workers-health.ts';

const config = loadConfig(process.env);
const store = await createEventStore(config);
const workers = await createWorkers(workersOptionsFrom(config, store));
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
