import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../src/store/event-store.ts';
import { createPostgresEventStore } from '../src/store/postgres-event-store.ts';
import { createTestDatabase } from '../src/testing/database.ts';
import { eventStoreContract } from './event-store.contract.ts';

eventStoreContract('PostgreSQL', async () => {
  const db = await createTestDatabase('event_store');
  const store = await createPostgresEventStore({ connectionString: db.connectionString });
  return { store, dispose: () => db.drop() };
});

describe('PostgreSQL store: several processes appending at once', () => {
  it('gives a live subscriber every event once, in log order, while four store instances append concurrently', async () => {
    // Each instance has its own pool and group committer, as separate processes would:
    // only the advisory lock orders their commits.
    const db = await createTestDatabase('event_store_multi');
    const stores = await Promise.all(Array.from({ length: 4 }, () => createPostgresEventStore({ connectionString: db.connectionString })));
    const reader = await createPostgresEventStore({ connectionString: db.connectionString });
    try {
      const total = 4 * 8 * 150;
      const seen: RecordedEvent[] = [];
      const subscription = reader.subscribeToAll({ batchSize: 100 });
      const consuming = (async () => {
        for await (const e of subscription) {
          seen.push(e);
          if (seen.length === total) break;
        }
      })();
      await Promise.all(
        stores.flatMap((store, s) =>
          Array.from({ length: 8 }, async (_, w) => {
            for (let i = 0; i < 150; i++) {
              await store.appendToStream(`multi-${s}-${w % 3}`, [{ eventId: randomUUID(), type: 'Load', data: { s, w, i }, metadata: {} }]);
            }
          }),
        ),
      );
      await consuming;
      await subscription.close();
      expect(new Set(seen.map((e) => e.eventId)).size).toBe(total);
      expect(seen.map((e) => Number(e.position))).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      const { events } = await reader.readAll({ maxCount: total + 1 });
      expect(events.map((e) => e.eventId)).toEqual(seen.map((e) => e.eventId));
    } finally {
      await Promise.all([...stores, reader].map((s) => s.close()));
      await db.drop();
    }
  }, 120_000);
});

describe('PostgreSQL store: the LISTEN connection', () => {
  it('keeps waking subscribers after its LISTEN connection is killed', async () => {
    const db = await createTestDatabase('event_store_listen');
    // A long safety re-check: only NOTIFY can wake the subscriber within the test's time.
    const store = await createPostgresEventStore({ connectionString: db.connectionString, idleRecheckMs: 60_000 });
    try {
      const subscription = store.subscribeToAll();
      const iterator = subscription[Symbol.asyncIterator]();
      await store.appendToStream('listen-1', [{ eventId: randomUUID(), type: 'A', data: {}, metadata: {} }]);
      expect((await iterator.next()).value?.streamId).toBe('listen-1');
      const next = iterator.next(); // caught up: now waiting on LISTEN
      await new Promise((resolve) => setTimeout(resolve, 500));

      const killed = await store.pool.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND query ILIKE 'LISTEN%'`,
      );
      expect(killed.rows[0]?.n).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // the watcher reconnects
      await store.appendToStream('listen-2', [{ eventId: randomUUID(), type: 'A', data: {}, metadata: {} }]);
      const woken = await Promise.race([next, new Promise((resolve) => setTimeout(() => resolve('timeout'), 10_000))]);
      expect(woken).toMatchObject({ value: { streamId: 'listen-2' } });
      await subscription.close();
    } finally {
      await store.close();
      await db.drop();
    }
  }, 30_000);
});
