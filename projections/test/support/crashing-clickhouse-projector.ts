/**
 * Runs a ClickHouse projector (analytics or usage) in a child process and SIGKILLs itself
 * right after the inserts of batch N, before that batch's checkpoint is written: the crash
 * the exactly-once design must survive.
 * Usage: crashing-clickhouse-projector.ts <analytics|usage> <pg url> <chdb dir> <N> <batch size>
 */
import { createPostgresEventStore } from '@parley/events';
import { AnalyticsProjector } from '../../src/analytics/analytics-projector.ts';
import { createClickHouseClient } from '../../src/analytics/clickhouse.ts';
import { migrate } from '../../src/analytics/schema.ts';
import type { ClickHouseProjectorOptions } from '../../src/runtime/clickhouse-projector.ts';
import { UsageProjector } from '../../src/usage/usage-projector.ts';

const [kind, connectionString, dataDir, killAt, batchSize] = process.argv.slice(2);
if ((kind !== 'analytics' && kind !== 'usage') || !connectionString || !dataDir || !killAt || !batchSize) {
  throw new Error('usage: <analytics|usage> <pg url> <chdb dir> <N> <batch size>');
}
const store = await createPostgresEventStore({ connectionString });
const client = createClickHouseClient({ url: null, dataDir, database: 'parley', cluster: null });
await migrate(client, { database: 'parley', cluster: null });
let batches = 0;
const options: ClickHouseProjectorOptions = {
  store,
  client,
  database: 'parley',
  batchSize: Number(batchSize),
  afterInsertBeforeCheckpoint: () => {
    batches += 1;
    if (batches === Number(killAt)) process.kill(process.pid, 'SIGKILL');
  },
};
const projector = kind === 'analytics' ? new AnalyticsProjector(options) : new UsageProjector(options);
await projector.start();
await projector.waitFor(undefined, 120_000);
process.exit(3); // never reached when the kill works: the test checks the signal
