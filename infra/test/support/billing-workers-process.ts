// The workers process as infra/workers/src/main.ts starts it, with its clock moved by
// argv[2] milliseconds: the crash tests run it at a period's end and after its grace
// without waiting days. Test-only: production has no way to move the clock.
import { consoleLogger } from '@parley/events';
import { closeOnSignals, createEventStore, loadConfig } from '@parley/kit';
import { createWorkers } from '@parley/workers';

const offsetMs = Number(process.argv[2] ?? 0);
const config = loadConfig(process.env);
const store = await createEventStore(config);
const workers = await createWorkers({
  databaseUrl: config.databaseUrl,
  store,
  secretKey: config.secretKey,
  redisUrl: config.redisUrl,
  queuePrefix: config.redisPrefix,
  jobLockMs: config.jobLockMs,
  whatsapp: { apiUrl: 'http://127.0.0.1:9' },
  clock: () => new Date(Date.now() + offsetMs),
  logger: consoleLogger('workers'),
  billing: {
    everyMs: config.billing.everyMs,
    graceMs: config.billing.invoices.graceDays * 86_400_000,
    taxRatePercent: config.billing.invoices.taxRatePercent,
    usageUrl: config.billing.usageUrl,
    adminKey: config.platformAdminKey,
  },
});
closeOnSignals(
  () => workers.close(),
  () => store.close(),
);
