// The workers process as infra/workers/src/main.ts starts it, with its clock moved by
// argv[2] milliseconds (the crash tests run it at a period's end and after its grace
// without waiting days) and, with argv[3], usage reads one at a time argv[3] ms apart, so
// that a SIGKILL lands in the middle of a run. Test-only: production has neither.
import { consoleLogger } from '@parley/events';
import { closeOnSignals, createEventStore, loadConfig } from '@parley/kit';
import { createWorkers, QueryApiUsageSource, type UsageSource } from '@parley/workers';

const offsetMs = Number(process.argv[2] ?? 0);
const spacingMs = Number(process.argv[3] ?? 0);
const config = loadConfig(process.env);
const source = new QueryApiUsageSource(config.billing.usageUrl, config.platformAdminKey);
let queue: Promise<unknown> = Promise.resolve();
const spaced: UsageSource = {
  usage(...args) {
    const read = queue.then(() => new Promise((r) => setTimeout(r, spacingMs))).then(() => source.usage(...args));
    queue = read.catch(() => undefined);
    return read;
  },
};
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
    usage: spaced,
  },
});
closeOnSignals(
  () => workers.close(),
  () => store.close(),
);
