import { randomUUID } from 'node:crypto';
import { type Position, type PostgresEventStore, START, silentLogger } from '@parley/events';
import type { TestDatabase } from '@parley/events/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboxQueries, inboxProjection, inboxReadPool } from '../src/inbox/index.ts';
import { CheckpointWatcher, type PgProjection, PgProjector, toProjected } from '../src/index.ts';
import { appendInboxHistory, envelope } from './support/events.ts';
import { closePgStore, openPgStore } from './support/pg-store.ts';

let db: TestDatabase;
let store: PostgresEventStore;
let pool: pg.Pool;

beforeAll(async () => {
  ({ db, store, pool } = await openPgStore('pg_projector'));
});
afterAll(async () => {
  await closePgStore({ db, store, pool });
});

async function dump(schema: string): Promise<Record<string, string[]>> {
  const tables = await pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
    [schema],
  );
  const out: Record<string, string[]> = {};
  for (const { table_name } of tables.rows) {
    out[table_name] = (await pool.query<{ r: string }>(`SELECT to_jsonb(t)::text AS r FROM "${schema}"."${table_name}" t`)).rows.map((x) => x.r).sort();
  }
  return out;
}

async function caughtUp(projector: PgProjector) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const s = await projector.status();
    if (s.eventsBehind === 0) return s;
    if (Date.now() > deadline) throw new Error(`projector ${projector.name} did not catch up: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('PostgreSQL projector runtime', () => {
  it('applies every inbox event idempotently: applied twice = applied once', async () => {
    await appendInboxHistory(store, { conversations: 4 });
    const once = { ...inboxProjection, name: 'inbox_once', schema: 'inbox_once' };
    const twice: PgProjection = {
      ...inboxProjection,
      name: 'inbox_twice',
      schema: 'inbox_twice',
      async apply(sql, event) {
        await inboxProjection.apply(sql, event);
        await inboxProjection.apply(sql, event);
      },
      // A whole batch twice in a row: every event meets rows already past it.
      async applyBatch(sql, events) {
        await inboxProjection.applyBatch!(sql, events);
        await inboxProjection.applyBatch!(sql, events);
      },
    };
    for (const projection of [once, twice]) {
      const p = new PgProjector({ pool, store, projection, batchSize: 5 });
      await p.start();
      await caughtUp(p);
      await p.stop();
    }
    const a = await dump('inbox_once');
    expect(a.conversations).toHaveLength(4);
    expect(a.team_members!.map((r) => JSON.parse(r).member).sort()).toEqual([false, true]);
    expect(a.sla_policies!.map((r) => JSON.parse(r).first_response_seconds)).toEqual([300]);
    expect(a).toEqual(await dump('inbox_twice'));

    // And a whole batch applied again after the fact (a replay from an older checkpoint).
    const all = await store.readAll({ after: START, maxCount: 10_000 });
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL search_path TO inbox_once');
      for (const recorded of all.events) {
        const e = toProjected(recorded);
        if (e) await inboxProjection.apply(client, e);
      }
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await dump('inbox_once')).toEqual(a);
  });

  it('serves the delivery status timeline in order, with the furthest status, whatever order statuses arrived in', async () => {
    const { tenantId, conversationIds } = await appendInboxHistory(store, { conversations: 1 });
    const p = new PgProjector({ pool, store, projection: inboxProjection });
    await p.start();
    await caughtUp(p);
    await p.stop();
    const readPool = inboxReadPool(db.connectionString, 2);
    try {
      const page = await new InboxQueries(readPool).messages(tenantId, conversationIds[0]!, { limit: 10, order: 'asc' });
      const inbound = page!.items[0]!;
      expect(inbound.statuses.map((s) => s.status)).toEqual(['read', 'delivered']);
      expect(inbound.status).toBe('read');
      expect(page!.items[1]).toMatchObject({ direction: 'outbound', status: 'queued', statuses: [] });
    } finally {
      await readPool.end();
    }
  });

  it('parks a poison event after retries, goes on, and replays it once fixed', async () => {
    const { conversationIds } = await appendInboxHistory(store, { conversations: 2 });
    const poisoned = conversationIds[0]!;
    let fixed = false;
    let attempts = 0;
    const projection: PgProjection = {
      ...inboxProjection,
      name: 'inbox_poison',
      schema: 'inbox_poison',
      applyBatch: undefined,
      async apply(sql, event) {
        if (!fixed && event.event.type === 'ConversationTagged' && event.event.data.conversationId === poisoned) {
          attempts += 1;
          throw new Error('handler bug');
        }
        await inboxProjection.apply(sql, event);
      },
    };
    const p = new PgProjector({ pool, store, projection, batchSize: 50, attempts: 3, retryDelayMs: 1 });
    await p.start();
    const status = await caughtUp(p);
    expect(attempts).toBe(3);
    expect(status.parked).toBe(1);
    const [parked] = await p.parked();
    expect(parked).toMatchObject({ eventType: 'ConversationTagged', attempts: 3, error: 'Error: handler bug', replayedAt: null });

    // Everything else went on: the other conversation is tagged, the poisoned one is not.
    const tags = async (id: string) =>
      (await pool.query<{ tags: string[] }>('SELECT tags FROM inbox_poison.conversations WHERE conversation_id = $1', [id])).rows[0]?.tags;
    expect(await tags(conversationIds[1]!)).toEqual(['delivery']);
    expect(await tags(poisoned)).toEqual([]);

    await expect(p.replay(parked!.id)).rejects.toThrow('handler bug');
    fixed = true;
    expect(await p.replay(parked!.id)).toBe(true);
    expect(await p.replay(parked!.id)).toBe(false); // once
    expect(await tags(poisoned)).toEqual(['delivery']);
    expect((await p.status()).parked).toBe(0);
    await p.stop();
  });

  it('replays several parked events of one conversation, and a rebuild forgets what it applied', async () => {
    const { conversationIds } = await appendInboxHistory(store, { conversations: 1 });
    const poisoned = conversationIds[0]!;
    let fixed = false;
    const projection: PgProjection = {
      ...inboxProjection,
      name: 'inbox_replays',
      schema: 'inbox_replays',
      applyBatch: undefined,
      async apply(sql, event) {
        const e = event.event;
        if (
          !fixed &&
          'conversationId' in e.data &&
          e.data.conversationId === poisoned &&
          (e.type === 'ConversationTagged' || e.type === 'ConversationClosed')
        ) {
          throw new Error('handler bug');
        }
        await inboxProjection.apply(sql, event);
      },
    };
    const p = new PgProjector({ pool, store, projection, attempts: 1 });
    await p.start();
    await caughtUp(p);
    await p.stop();
    const parked = await p.parked();
    expect(parked.map((x) => x.eventType)).toEqual(['ConversationTagged', 'ConversationClosed']);
    fixed = true;
    // Replayed in reverse, at the same checkpoint: each must still land.
    expect(await p.replay(parked[1]!.id)).toBe(true);
    expect(await p.replay(parked[0]!.id)).toBe(true);
    const row = await pool.query<{ tags: string[]; status: string }>('SELECT tags, status FROM inbox_replays.conversations WHERE conversation_id = $1', [
      poisoned,
    ]);
    expect(row.rows[0]).toEqual({ tags: ['delivery'], status: 'closed' });

    // Parked again (the bug is back), then a rebuild with the fix: the list is empty after it.
    fixed = false;
    await p.rebuild();
    expect((await p.parked()).length).toBe(2);
    fixed = true;
    await p.rebuild();
    expect(await p.parked()).toEqual([]);
  });

  it('runs one rebuild at a time across instances; a start-up rebuild finds the version current', async () => {
    await appendInboxHistory(store, { conversations: 2 });
    const projection = { ...inboxProjection, name: 'inbox_twins', schema: 'inbox_twins' };
    const a = new PgProjector({ pool, store, projection });
    const b = new PgProjector({ pool, store, projection });
    await a.prepare();
    await Promise.all([a.rebuild(), b.rebuild()]);
    const once = await dump('inbox_twins');
    expect(once.conversations!.length).toBeGreaterThan(0);
    // A version bump seen by two processes at start: both prepare, one rebuilds.
    const bumped = { ...projection, version: projection.version + 1 };
    let rebuilds = 0;
    const logger = {
      ...silentLogger,
      info: (message: string) => {
        if (message.includes('rebuilt')) rebuilds += 1;
      },
    };
    await Promise.all([
      new PgProjector({ pool, store, projection: bumped, logger }).prepare(),
      new PgProjector({ pool, store, projection: bumped, logger }).prepare(),
    ]);
    expect(rebuilds).toBe(1);
    expect(await dump('inbox_twins')).toEqual(once);
  });

  it('rebuilds into fresh tables while readers keep the old ones, then swaps them in', async () => {
    const { tenantId } = await appendInboxHistory(store, { conversations: 3 });
    const live = new PgProjector({ pool, store, projection: inboxProjection, batchSize: 20 });
    await live.start();
    await caughtUp(live);
    const before = await dump('inbox');
    const readPool = inboxReadPool(db.connectionString, 2);
    const queries = new InboxQueries(readPool);
    let reading = true;
    let reads = 0;
    const readers = (async () => {
      while (reading) {
        const page = await queries.listConversations(tenantId, {}, { sort: 'last_activity', limit: 50 });
        expect(page.items).toHaveLength(3); // never an empty or half-built inbox
        reads += 1;
      }
    })();
    try {
      // Events keep coming during the rebuild; the live runner resubscribes after the swap.
      const more = appendInboxHistory(store, { conversations: 2 });
      await live.rebuild();
      await more;
      await caughtUp(live);
    } finally {
      reading = false;
      await readers;
      await readPool.end();
    }
    expect(reads).toBeGreaterThan(0);
    const after = await dump('inbox');
    expect(after.conversations!.length).toBe(before.conversations!.length + 2);
    const schemas = await pool.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'inbox\\_\\_%'`);
    expect(schemas.rows).toEqual([]); // the rebuild's and the retired schemas are gone

    // A second, idle copy rebuilt from zero agrees with the live one.
    const copy = new PgProjector({ pool, store, projection: { ...inboxProjection, name: 'inbox_copy', schema: 'inbox_copy' } });
    await copy.prepare();
    await copy.rebuild();
    await caughtUp(live);
    await live.stop();
    expect(await dump('inbox_copy')).toEqual(await dump('inbox'));
  });

  it("wakes a read-your-writes waiter by the projector's notification, not by polling", async () => {
    const projection = { ...inboxProjection, name: 'inbox_notify', schema: 'inbox_notify' };
    const p = new PgProjector({ pool, store, projection });
    await p.start();
    await caughtUp(p);
    // A poll this slow never fires within the wait below: only the NOTIFY can answer it.
    const watcher = new CheckpointWatcher(pool, store, projection.name, { pollMs: 600_000 });
    try {
      await watcher.waitFor(await store.headPosition(), 0); // listening from here on
      await appendInboxHistory(store, { conversations: 1 });
      expect(await watcher.waitFor(await store.headPosition(), 10_000)).toBe(true);
      // And a position nobody will reach times out with false.
      expect(await watcher.waitFor(String(BigInt(await store.headPosition()) + 1000n) as never, 50)).toBe(false);
    } finally {
      await watcher.close();
      await p.stop();
    }
  });

  it('reports lag in events and seconds', async () => {
    const lagging = new PgProjector({
      pool,
      store,
      projection: { ...inboxProjection, name: 'inbox_lag', schema: 'inbox_lag' },
      clock: () => new Date(Date.now() + 60_000),
    });
    await lagging.prepare();
    const head = Number(await store.headPosition());
    const s = await lagging.status();
    expect(s).toMatchObject({ name: 'inbox_lag', position: '', eventsBehind: head, parked: 0, running: false });
    expect(s.secondsBehind).toBeGreaterThan(59);
    await lagging.start();
    const done = await caughtUp(lagging);
    await lagging.stop();
    expect(done).toMatchObject({ eventsBehind: 0, secondsBehind: 0 });
  });

  it('looks a conversation up by its primary key once the table has grown, in a session whose plans were made while it was tiny', async () => {
    // Last in this file: it adds a tenant of 300 conversations to the shared log.
    const { tenantId, conversationIds } = await appendInboxHistory(store, { conversations: 300 });
    const client = await pool.connect();
    try {
      await client.query('DROP SCHEMA IF EXISTS inbox_plans CASCADE; CREATE SCHEMA inbox_plans; SET search_path TO inbox_plans, public');
      await inboxProjection.createTables(client);
      // One session, small batches: PL/pgSQL caches its plans in the first ones, on empty tables.
      const apply = async (after: Position) => {
        for (;;) {
          const page = await store.readAll({ after, maxCount: 50 });
          if (page.events.length === 0) return after;
          await inboxProjection.applyBatch!(
            client,
            page.events.map(toProjected).filter((p) => p !== null),
          );
          after = page.next;
        }
      };
      const position = await apply(START);
      const contactId = (await client.query<{ contact_id: string }>('SELECT contact_id FROM conversations WHERE conversation_id = $1', [conversationIds[0]]))
        .rows[0]!.contact_id;
      await store.appendToStream(`thread-${conversationIds[0]}`, [
        envelope(
          {
            type: 'MessageReceived',
            data: {
              conversationId: conversationIds[0]!,
              messageId: randomUUID(),
              wamid: `wamid.again.${conversationIds[0]}`,
              contactId,
              profileName: null,
              sentAt: new Date('2026-11-03T09:00:00Z').toISOString(),
              content: { type: 'text', body: 'any news?' },
              replyTo: null,
              referral: null,
            },
          },
          tenantId,
          new Date('2026-11-03T09:00:00Z'),
        ),
      ]);
      const plans: string[] = [];
      client.on('notice', (n) => plans.push(n.message ?? ''));
      await client.query(
        `LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = notice`,
      );
      await apply(position);
      const update = plans.find((p) => p.includes('UPDATE conversations SET unread_count'));
      expect(update).toContain('Index Scan using conversations_pkey');
      expect((await client.query('SELECT unread_count FROM conversations WHERE conversation_id = $1', [conversationIds[0]])).rows[0]).toEqual({
        unread_count: 1,
      });
    } finally {
      await client.query('RESET search_path').catch(() => undefined);
      client.release(true);
    }
  });
});
