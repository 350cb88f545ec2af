// The workers process as infra/workers/src/main.ts starts it, with its clock moved by
// argv[2] milliseconds (the crash tests run it at a period's end and after its grace
// without waiting days) and, with argv[3], usage reads one at a time argv[3] ms apart, so
// that a SIGKILL lands in the middle of a run. Test-only: production has neither.
import { closeOnSignals, createEventStore, loadConfig } from '@parley/kit';
import { createWorkers, QueryApiUsageSource, type UsageSource, workersOptionsFrom } from '@parley/workers';

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
const options = workersOptionsFrom(config, store);
const workers = await createWorkers({
  ...options,
  whatsapp: { apiUrl: 'http://127.0.0.1:9' },
  clock: () => new Date(Date.now() + offsetMs),
  billing: { ...options.billing, usage: spaced },
});
closeOnSignals(
  () => workers.close(),
  () => store.close(),
);
