import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EventStore,
  type NewEvent,
  PartialDuplicateAppendError,
  type Position,
  type RecordedEvent,
  START,
  WrongExpectedRevisionError,
} from '../src/store/event-store.ts';

/**
 * The behaviour every event-store adapter must show. Each test works in streams of its
 * own prefix, so the suite also runs against a shared server (EventStoreDB) whose log
 * already holds other events.
 */
export function eventStoreContract(name: string, open: () => Promise<{ store: EventStore; dispose(): Promise<void> }>) {
  describe(`event store contract: ${name}`, () => {
    let store: EventStore;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      ({ store, dispose } = await open());
    });
    afterAll(async () => {
      await store.close();
      await dispose();
    });

    const prefix = () => `t${randomUUID().slice(0, 8)}-`;
    const ev = (type = 'Something', data: unknown = { n: 1 }): NewEvent => ({
      eventId: randomUUID(),
      type,
      data,
      metadata: { test: true },
    });

    it('appends to a new stream and reads it back in order', async () => {
      const s = `${prefix()}a`;
      const events = [ev('A', { i: 0 }), ev('B', { i: 1 }), ev('C', { i: 2 })];
      const res = await store.appendToStream(s, events, { expectedRevision: 'no_stream' });
      expect(res.nextExpectedRevision).toBe(2);
      expect(res.idempotent).toBe(false);
      const read = await store.readStream(s);
      expect(read.map((e) => [e.eventId, e.type, e.revision, e.data])).toEqual(events.map((e, i) => [e.eventId, e.type, i, e.data]));
      expect(read.at(-1)?.position).toBe(res.position);
      expect(read[0]?.metadata).toEqual({ test: true });
      expect(await store.readStream(s, { fromRevision: 1, maxCount: 1 })).toHaveLength(1);
      expect(await store.readStream(`${prefix()}missing`)).toEqual([]);
    });

    it('enforces every kind of expected revision', async () => {
      const s = `${prefix()}rev`;
      await expect(store.appendToStream(s, [ev()], { expectedRevision: 'stream_exists' })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.appendToStream(s, [ev()], { expectedRevision: 0 })).rejects.toMatchObject({ actual: -1 });
      await store.appendToStream(s, [ev()], { expectedRevision: 'no_stream' });
      await expect(store.appendToStream(s, [ev()], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
        name: 'WrongExpectedRevisionError',
        actual: 0,
      });
      await store.appendToStream(s, [ev()], { expectedRevision: 0 });
      // A stale revision is a concurrency conflict and nothing is appended.
      await expect(store.appendToStream(s, [ev()], { expectedRevision: 0 })).rejects.toMatchObject({ actual: 1 });
      await store.appendToStream(s, [ev()], { expectedRevision: 'stream_exists' });
      const res = await store.appendToStream(s, [ev(), ev()], { expectedRevision: 'any' });
      expect(res.nextExpectedRevision).toBe(4);
      expect(await store.readStream(s)).toHaveLength(5);
    });

    it('lets exactly one of several writers with the same expected revision win', async () => {
      const s = `${prefix()}race`;
      await store.appendToStream(s, [ev()], { expectedRevision: 'no_stream' });
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => store.appendToStream(s, [ev()], { expectedRevision: 0 })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('treats a re-append of stored event ids as an idempotent success', async () => {
      const s = `${prefix()}idem`;
      const batch = [ev(), ev()];
      const first = await store.appendToStream(s, batch, { expectedRevision: 'no_stream' });
      await store.appendToStream(s, [ev()], { expectedRevision: 1 });
      // The client retried after a lost answer: same ids, now-stale expected revision.
      const retry = await store.appendToStream(s, batch, { expectedRevision: 'no_stream' });
      expect(retry).toMatchObject({ idempotent: true, nextExpectedRevision: first.nextExpectedRevision });
      expect(store.comparePositions(retry.position, first.position)).toBe(0);
      expect(await store.readStream(s)).toHaveLength(3);
      // Mixing stored and new ids is not a retry.
      await expect(store.appendToStream(s, [batch[0]!, ev()], { expectedRevision: 2 })).rejects.toBeInstanceOf(PartialDuplicateAppendError);
      expect(await store.readStream(s)).toHaveLength(3);
    });

    it('stores concurrent duplicate appends once', async () => {
      const s = `${prefix()}dup`;
      const batch = [ev(), ev(), ev()];
      const results = await Promise.all(Array.from({ length: 6 }, () => store.appendToStream(s, batch, { expectedRevision: 'any' })));
      expect(results.filter((r) => !r.idempotent)).toHaveLength(1);
      expect(await store.readStream(s)).toHaveLength(3);
    });

    it('reads the log forward with server-side filters', async () => {
      const p = prefix();
      await store.appendToStream(`${p}x-1`, [ev('Wanted'), ev('Other')]);
      await store.appendToStream(`${p}y-1`, [ev('Wanted')]);
      await store.appendToStream(`${p}x-2`, [ev('Other')]);
      const byPrefix = await readEverything(store, { streamPrefixes: [`${p}x-`] });
      expect(byPrefix.map((e) => e.streamId)).toEqual([`${p}x-1`, `${p}x-1`, `${p}x-2`]);
      const both = await readEverything(store, { streamPrefixes: [p], eventTypes: ['Wanted'] });
      expect(both.map((e) => e.streamId)).toEqual([`${p}x-1`, `${p}y-1`]);
    });

    it('delivers every event of 16 concurrent writers exactly once, in log order, to a live subscriber', async () => {
      const p = prefix();
      const writers = 16;
      const perWriter = 500;
      const total = writers * perWriter;
      const subscription = store.subscribeToAll({ filter: { streamPrefixes: [p] }, batchSize: 256 });
      const seen: RecordedEvent[] = [];
      const consuming = (async () => {
        for await (const e of subscription) {
          seen.push(e);
          if (seen.length === total) break;
        }
      })();

      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          let written = 0;
          let own = -1;
          while (written < perWriter) {
            const size = Math.min(perWriter - written, 1 + ((written * 7 + w) % 4));
            const events = Array.from({ length: size }, () => ev('Load', { w, i: written }));
            if (written % 3 === 0) {
              // Shared streams: writers interleave with 'any'.
              await store.appendToStream(`${p}shared-${written % 2}`, events, { expectedRevision: 'any' });
            } else {
              const r = await store.appendToStream(`${p}own-${w}`, events, {
                expectedRevision: own < 0 ? 'no_stream' : own,
              });
              own = r.nextExpectedRevision;
            }
            written += size;
          }
        }),
      );
      await withTimeout(consuming, 60_000, () => `subscriber saw ${seen.length} of ${total}`);
      await subscription.close();

      const ids = seen.map((e) => e.eventId);
      expect(new Set(ids).size).toBe(total);
      const full = await readEverything(store, { streamPrefixes: [p] });
      expect(full.map((e) => e.eventId)).toEqual(ids);
      for (let i = 1; i < seen.length; i++) {
        expect(store.comparePositions(seen[i - 1]!.position, seen[i]!.position)).toBe(-1);
      }
    }, 120_000);

    it('resumes a subscription from a checkpoint', async () => {
      const p = prefix();
      const s = `${p}resume`;
      const events = Array.from({ length: 25 }, (_, i) => ev('R', { i }));
      await store.appendToStream(s, events.slice(0, 10));
      const first = await take(store.subscribeToAll({ filter: { streamPrefixes: [p] } }), 10);
      expect(first.map((e) => e.eventId)).toEqual(events.slice(0, 10).map((e) => e.eventId));

      const checkpoint: Position = JSON.parse(JSON.stringify(first[6]!.position)); // survives serialization
      const resumed = store.subscribeToAll({ after: checkpoint, filter: { streamPrefixes: [p] } });
      const later = take(resumed, 18);
      await store.appendToStream(s, events.slice(10)); // arrives while the subscriber waits
      expect((await withTimeout(later, 30_000, () => 'resumed subscriber stalled')).map((e) => e.eventId)).toEqual(events.slice(7).map((e) => e.eventId));
    });

    it('reports the head position of the log', async () => {
      const res = await store.appendToStream(`${prefix()}head`, [ev()]);
      expect(store.comparePositions(await store.headPosition(), res.position)).toBeGreaterThanOrEqual(0);
      expect(store.comparePositions(START, res.position)).toBe(-1);
    });

    it('tells its own positions from other strings, which a client may send as one', async () => {
      const res = await store.appendToStream(`${prefix()}pos`, [ev(), ev()]);
      for (const own of [res.position, await store.headPosition(), START]) expect(store.isPosition(own)).toBe(true);
      // Shapes of both backends, so each refuses the other's as well as garbage.
      const other = res.position.includes('/') ? '1287' : '00000000000000001287/00000000000000001287';
      for (const garbage of [other, '1/2/3', '////', '-1', ' 1', '1e3', '0x10', '99999999999999999999999', 'abc']) {
        expect({ garbage, ok: store.isPosition(garbage) }).toEqual({ garbage, ok: false });
      }
      expect(store.comparePositions(START, res.position)).toBe(-1);
    });

    it('counts the events after a position, up to a cap', async () => {
      const first = await store.appendToStream(`${prefix()}count`, [ev()]);
      await store.appendToStream(`${prefix()}count`, [ev(), ev(), ev()]);
      // Other tests' events may follow on a shared server: count from our own append.
      expect(await store.countEventsAfter(first.position, 1_000_000)).toBeGreaterThanOrEqual(3);
      expect(await store.countEventsAfter(first.position, 2)).toBe(2);
      expect(await store.countEventsAfter(await store.headPosition(), 10)).toBe(0);
    });
  });
}

async function readEverything(store: EventStore, filter: { streamPrefixes?: string[]; eventTypes?: string[] }) {
  const out: RecordedEvent[] = [];
  let after = START;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 1000, filter });
    out.push(...page.events);
    if (page.events.length < 1000) return out;
    after = page.next;
  }
}

async function take(subscription: AsyncIterable<RecordedEvent> & { close(): Promise<void> }, n: number) {
  const out: RecordedEvent[] = [];
  for await (const e of subscription) {
    out.push(e);
    if (out.length === n) break;
  }
  await subscription.close();
  return out;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out: ${what()}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
