/**
 * Runs the usage projector in a child process and SIGKILLs itself right after the
 * inserts of batch N, before that batch's checkpoint is written.
 * Usage: crashing-usage-projector.ts <pg url> <chdb dir> <N> <batch size>
 */
import { createPostgresEventStore } from '@parley/events';
import { createClickHouseClient } from '../../../src/analytics/clickhouse.ts';
import { migrate } from '../../../src/analytics/schema.ts';
import { UsageProjector } from '../../../src/usage/usage-projector.ts';

const [connectionString, dataDir, killAt, batchSize] = process.argv.slice(2);
if (!connectionString || !dataDir || !killAt || !batchSize) throw new Error('usage: <pg url> <chdb dir> <N> <batch size>');
const store = await createPostgresEventStore({ connectionString });
const client = createClickHouseClient({ url: null, dataDir, database: 'parley', cluster: null });
await migrate(client, { database: 'parley', cluster: null });
let batches = 0;
const projector = new UsageProjector({
  store,
  client,
  database: 'parley',
  batchSize: Number(batchSize),
  afterInsertBeforeCheckpoint: () => {
    batches += 1;
    if (batches === Number(killAt)) process.kill(process.pid, 'SIGKILL');
  },
});
await projector.start();
await projector.waitFor(undefined, 120_000);
process.exit(3); // never reached when the kill works: the test checks the signal
