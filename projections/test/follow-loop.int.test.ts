import { randomUUID } from 'node:crypto';
import { createPostgresEventStore, type Position, type PostgresEventStore, type RecordedEvent, START } from '@parley/events';
import { createTestDatabase, type TestDatabase } from '@parley/events/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FollowLoop, Resubscribe } from '../src/runtime/follow-loop.ts';

let db: TestDatabase;
let store: PostgresEventStore;

beforeAll(async () => {
  db = await createTestDatabase('follow_loop');
  store = await createPostgresEventStore({ connectionString: db.connectionString, idleRecheckMs: 200 });
});
afterAll(async () => {
  await store?.close();
  await db?.drop();
});

const append = async (n: number): Promise<Position> => {
  let last: Position = START;
  for (let i = 0; i < n; i++)
    last = (await store.appendToStream(`follow-${randomUUID()}`, [{ eventId: randomUUID(), type: 'Tick', data: { i }, metadata: {} }])).position;
  return last;
};

/** A handler with a checkpoint in memory, as a projector keeps one in its database. */
function follower(options: { fail?: (batch: readonly RecordedEvent[]) => Error | null; flushMs?: number } = {}) {
  let checkpoint: Position = START;
  const applied: Position[] = [];
  const errors: string[] = [];
  const resumes: boolean[] = [];
  const loop = new FollowLoop({
    name: 'test loop',
    store,
    batchSize: 4,
    flushMs: options.flushMs,
    logger: { info: () => undefined, warn: () => undefined, error: (message: string) => errors.push(message) },
    resume: async ({ afterFailure }) => {
      resumes.push(afterFailure);
      return checkpoint;
    },
    apply: async (batch) => {
      const error = options.fail?.(batch);
      if (error) throw error;
      applied.push(...batch.map((e) => e.position));
      checkpoint = batch.at(-1)!.position;
    },
  });
  return { loop, applied, errors, resumes };
}

describe('FollowLoop', () => {
  it('applies every event once, in order and in batches, and wakes waiters at their position', async () => {
    const { loop, applied } = follower({ flushMs: 20 });
    loop.start();
    const head = await append(10);
    expect(await loop.waitFor(head, 10_000)).toBe(true);
    const all = (await store.readAll({ after: START, maxCount: 1000 })).events.map((e) => e.position);
    expect(applied).toEqual(all);
    expect(loop.health.snapshot()).toEqual({ failingSince: null, lastError: null });
    await loop.stop();
    expect(loop.running).toBe(false);
  });

  it('backs off after a failure, resumes from the checkpoint, and says so; a Resubscribe is no failure', async () => {
    let failures = 1;
    let moves = 1;
    const { loop, applied, errors, resumes } = follower({
      fail: () => {
        if (moves-- > 0) return new Resubscribe();
        return failures-- > 0 ? new Error('handler down') : null;
      },
    });
    loop.start();
    const head = await append(3);
    expect(await loop.waitFor(head, 10_000)).toBe(true);
    expect(new Set(applied).size).toBe(applied.length);
    expect(errors).toEqual([expect.stringMatching(/^test loop: applying events \S+ failed, retrying from the checkpoint in \d+ ms$/)]);
    expect(resumes).toEqual([false, false, true]);
    expect(loop.health.snapshot().failingSince).toBeNull();
    expect(loop.health.snapshot().lastError?.message).toMatch(/applying events .*: Error: handler down/);
    await loop.stop();
  });

  it('stops at once, even in a back-off, and answers waiters false', async () => {
    const { loop } = follower({ fail: () => new Error('always') });
    loop.start();
    const head = await append(1);
    const waiting = loop.waitFor(head, 60_000);
    while (loop.health.failing < 3) await new Promise((r) => setTimeout(r, 10));
    const before = Date.now();
    await loop.stop();
    expect(Date.now() - before).toBeLessThan(1_000);
    expect(await waiting).toBe(false);
    expect(loop.running).toBe(false);
  });
});
