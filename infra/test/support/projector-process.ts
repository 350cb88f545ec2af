// A projector as its own process, for tests that kill it: `node --import tsx projector-process.ts`.
import { createPgPool, createPostgresEventStore } from '@parley/events';
import { PgProjector } from '@parley/projections';
import { inboxProjection } from '@parley/projections/inbox';

const url = process.env.PARLEY_DATABASE_URL;
if (!url) throw new Error('PARLEY_DATABASE_URL is required');
const store = await createPostgresEventStore({ connectionString: url });
const pool = createPgPool({ connectionString: url, max: 2 });
const projector = new PgProjector({
  pool,
  store,
  projection: inboxProjection,
  batchSize: Number(process.env.BATCH_SIZE ?? 25),
  // Widens the window between the read-model writes and the checkpoint, where a kill hurts most.
  beforeCheckpoint: () => new Promise((resolve) => setTimeout(resolve, 3)),
});
await projector.start();
process.stdout.write('started\n');
process.once('SIGTERM', () => {
  void projector.stop().then(async () => {
    await pool.end();
    await store.close();
    process.exit(0);
  });
});
