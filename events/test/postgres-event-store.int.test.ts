import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../src/store/event-store.ts';
import { createPostgresEventStore, type PostgresEventStore } from '../src/store/postgres-event-store.ts';
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

  it('listens again after an outage in which reconnecting failed, and wakes subscribers on NOTIFY again', async () => {
    const db = await createTestDatabase('event_store_relisten');
    // A long safety re-check: only NOTIFY can wake a caught-up subscriber within the test's time.
    const store = await createPostgresEventStore({ connectionString: db.connectionString, idleRecheckMs: 60_000 });
    const append = (streamId: string) => store.appendToStream(streamId, [{ eventId: randomUUID(), type: 'A', data: {}, metadata: {} }]);
    const listeners = async () =>
      (await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`))
        .rows[0]?.n;
    try {
      let subscription = store.subscribeToAll();
      let iterator = subscription[Symbol.asyncIterator]();
      const first = await append('relisten-1');
      expect((await iterator.next()).value?.streamId).toBe('relisten-1');
      const next = iterator.next().catch(() => 'failed' as const); // caught up: waiting on LISTEN
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Every session ended and new ones refused for longer than the first reconnect waits:
      // that reconnect fails.
      await db.outage(1_500);
      // A subscription that could not read the log meanwhile ends with the error; consumers
      // resubscribe from their checkpoint, as the projectors do.
      await append('relisten-2');
      let woken = await Promise.race([next, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000))]);
      if (woken === 'failed') {
        subscription = store.subscribeToAll({ after: first.position });
        iterator = subscription[Symbol.asyncIterator]();
        woken = await iterator.next();
      }
      expect(woken).toMatchObject({ value: { streamId: 'relisten-2' } });

      const deadline = Date.now() + 5_000;
      while ((await listeners()) !== 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await listeners()).toBe(1);
      const third = iterator.next();
      await new Promise((resolve) => setTimeout(resolve, 300)); // caught up, waiting again
      await append('relisten-3');
      expect(await Promise.race([third, new Promise((resolve) => setTimeout(() => resolve('timeout'), 2_000))])).toMatchObject({
        value: { streamId: 'relisten-3' },
      });
      await subscription.close();
    } finally {
      await store.close();
      await db.drop();
    }
  }, 30_000);
});

describe('PostgreSQL store: a request the database refuses, in a group commit', () => {
  const event = (data: unknown) => ({ eventId: randomUUID(), type: 'Member', data, metadata: {} });

  /** Appends all at once, so that all but the first share a batch; settles each on its own. */
  const appendTogether = (store: PostgresEventStore, datas: unknown[]) =>
    Promise.allSettled(datas.map((data, i) => store.appendToStream(`member-${i}`, [event(data)])));

  it('fails only that request: every other request of the batch commits, as if alone', async () => {
    const db = await createTestDatabase('event_store_isolation');
    const store = await createPostgresEventStore({ connectionString: db.connectionString });
    try {
      // Any failure inside the database will do: a trigger refuses marked events.
      await store.pool.query(`
        CREATE FUNCTION refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.data ? 'refuse' THEN RAISE EXCEPTION 'refused by the test trigger'; END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_marked BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_marked();`);
      const bad = new Set([7, 20, 21, 38]);
      const datas = Array.from({ length: 40 }, (_, i) => (bad.has(i) ? { i, refuse: true } : { i }));
      const before = store.stats.batches;
      const settled = await appendTogether(store, datas);

      expect(store.stats.batches - before).toBeLessThan(datas.length); // they did share commits
      settled.forEach((s, i) => {
        if (bad.has(i)) expect(s).toMatchObject({ status: 'rejected', reason: { message: 'refused by the test trigger', code: 'P0001' } });
        else expect(s).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 0, idempotent: false } });
      });
      const { events } = await store.readAll({ maxCount: 100 });
      expect(events.map((e) => (e.data as { i: number }).i)).toEqual(datas.flatMap((_, i) => (bad.has(i) ? [] : [i])));
      // Positions stay gap-free, and each caller got the position of its own event.
      expect(events.map((e) => Number(e.position))).toEqual(events.map((_, i) => i + 1));
      for (const e of events) {
        const s = settled[(e.data as { i: number }).i];
        expect(s?.status === 'fulfilled' && s.value.position).toBe(e.position);
      }
    } finally {
      await store.close();
      await db.drop();
    }
  });

  it('fails only requests jsonb cannot hold (U+0000, lone surrogates) or JSON cannot carry', async () => {
    const db = await createTestDatabase('event_store_poison');
    const store = await createPostgresEventStore({ connectionString: db.connectionString });
    try {
      const poison = new Map<number, unknown>([
        [3, { body: 'poison\u0000' }],
        [11, { body: 'lone \ud800 surrogate' }],
        [17, { n: 1n }],
      ]);
      const datas = Array.from({ length: 30 }, (_, i) => poison.get(i) ?? { i });
      const settled = await appendTogether(store, datas);
      settled.forEach((s, i) => {
        expect(s.status, `append ${i}`).toBe(poison.has(i) ? 'rejected' : 'fulfilled');
      });
      const { events } = await store.readAll({ maxCount: 100 });
      expect(events).toHaveLength(datas.length - poison.size);
      // A lone good writer after the poison is unaffected too.
      await expect(store.appendToStream('after', [event({ ok: true })])).resolves.toMatchObject({ nextExpectedRevision: 0 });
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
