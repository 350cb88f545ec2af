import { randomUUID } from 'node:crypto';
import { type PostgresEventStore, START } from '@parley/events';
import type { TestDatabase } from '@parley/events/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActivityEntry, InboxQueries, inboxProjection, inboxReadPool } from '../src/inbox/index.ts';
import { PgProjector, toProjected } from '../src/index.ts';
import { appendInboxHistory, envelope } from './support/events.ts';
import { closePgStore, openPgStore } from './support/pg-store.ts';

/** A conversation's timeline (conversation_activity): order, paging, idempotence, tenants. */

let db: TestDatabase;
let store: PostgresEventStore;
let pool: pg.Pool;
let readPool: pg.Pool;
let queries: InboxQueries;
let history: Awaited<ReturnType<typeof appendInboxHistory>>;
let other: Awaited<ReturnType<typeof appendInboxHistory>>;
const supervisorId = randomUUID();
const secondAgentId = randomUUID();

async function project() {
  const p = new PgProjector({ pool, store, projection: inboxProjection, batchSize: 7 });
  await p.start();
  const deadline = Date.now() + 20_000;
  while ((await p.status()).eventsBehind !== 0) {
    if (Date.now() > deadline) throw new Error('inbox projector did not catch up');
    await new Promise((r) => setTimeout(r, 20));
  }
  await p.stop();
}

async function everything(tenantId: string, conversationId: string, limit: number): Promise<ActivityEntry[]> {
  const items: ActivityEntry[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await queries.activity(tenantId, conversationId, { limit, ...(cursor && { cursor }) });
    if (!page) throw new Error('conversation not found');
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = page.nextCursor;
  }
}

beforeAll(async () => {
  ({ db, store, pool } = await openPgStore('conversation_activity'));
  readPool = inboxReadPool(db.connectionString, 2);
  queries = new InboxQueries(readPool);
  // Conversation 1 of 2 stays open (closes: 0 and 2): a supervisor transfers it, notes, unassigns, closes; the customer rates it.
  history = await appendInboxHistory(store, { conversations: 2 });
  other = await appendInboxHistory(store, { conversations: 1 });
  const conversationId = history.conversationIds[0]!;
  const { tenantId, agentId, teamId } = history;
  let t = Date.parse('2026-11-03T09:00:00Z');
  const at = () => new Date((t += 60_000));
  const supervisor = { type: 'supervisor' as const, id: supervisorId };
  await store.appendToStream(`thread-${conversationId}`, [
    envelope({ type: 'ConversationReopened', data: { conversationId, to: 'assigned' } }, tenantId, at(), supervisor),
    envelope(
      {
        type: 'ConversationTransferred',
        data: { conversationId, fromAgentId: agentId, fromTeamId: teamId, toAgentId: secondAgentId, toTeamId: null, note: 'billing question' },
      },
      tenantId,
      at(),
      supervisor,
    ),
    envelope({ type: 'NoteAdded', data: { conversationId, noteId: randomUUID(), body: 'asked for the invoice' } }, tenantId, at(), supervisor),
    envelope({ type: 'ConversationPriorityChanged', data: { conversationId, from: 'high', to: 'urgent' } }, tenantId, at(), supervisor),
    envelope({ type: 'ConversationUnassigned', data: { conversationId, agentId: secondAgentId } }, tenantId, at(), supervisor),
    envelope({ type: 'ConversationClosed', data: { conversationId, reason: 'resolved', outcome: 'refund' } }, tenantId, at(), supervisor),
    envelope({ type: 'CsatRecorded', data: { conversationId, score: 4, comment: null } }, tenantId, at()),
  ]);
  await project();
});
afterAll(async () => {
  await readPool?.end();
  await closePgStore({ db, store, pool });
});

describe('a conversation’s activity', () => {
  it('lists every activity event in time order, messages with their delivery statuses, by whom to whom', async () => {
    const items = await everything(history.tenantId, history.conversationIds[0]!, 100);
    expect(items.map((i) => i.type)).toEqual([
      'ConversationOpened',
      'MessageReceived',
      'ConversationQueued',
      'ConversationAssigned',
      'ConversationTagged',
      'MessageQueued',
      'ConversationClosed',
      'ConversationReopened',
      'ConversationTransferred',
      'NoteAdded',
      'ConversationPriorityChanged',
      'ConversationUnassigned',
      'ConversationClosed',
      'CsatRecorded',
    ]);
    expect(items.map((i) => i.at)).toEqual(items.map((i) => i.at).sort());
    const received = items[1]!;
    expect(received.message).toMatchObject({ direction: 'inbound', text: 'parcel 0 never arrived', status: 'read' });
    expect(received.data).toEqual({});
    expect(items[5]!.message).toMatchObject({ direction: 'outbound', text: 'on it', status: 'queued', sender: { type: 'agent', id: history.agentId } });
    expect(items[3]).toMatchObject({ data: { agentId: history.agentId }, message: null });
    expect(items[8]).toMatchObject({
      actor: { type: 'supervisor', id: supervisorId },
      data: { fromAgentId: history.agentId, toAgentId: secondAgentId, note: 'billing question' },
    });
    expect(items[9]!.data).toMatchObject({ body: 'asked for the invoice' });
    expect(items[13]!.data).toMatchObject({ score: 4 });
    // Statuses are not entries of their own: they are the message's.
    expect(items.some((i) => (i.type as string).startsWith('MessageRead'))).toBe(false);
  });

  it('pages by cursor without repeating or skipping an entry', async () => {
    const all = await everything(history.tenantId, history.conversationIds[0]!, 100);
    const paged = await everything(history.tenantId, history.conversationIds[0]!, 3);
    expect(paged).toEqual(all);
    await expect(queries.activity(history.tenantId, history.conversationIds[0]!, { limit: 3, cursor: 'bm9wZQ' })).rejects.toThrow(/cursor/);
  });

  it('is unchanged when every event is applied again', async () => {
    const before = await everything(history.tenantId, history.conversationIds[0]!, 100);
    const count = async () => Number((await pool.query('SELECT count(*) AS n FROM inbox.conversation_activity')).rows[0].n);
    const rows = await count();
    const all = await store.readAll({ after: START, maxCount: 10_000 });
    const events = all.events.map(toProjected).filter((e) => e !== null);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL search_path TO inbox');
      await inboxProjection.applyBatch!(client, events);
      for (const e of events.slice(0, 20)) await inboxProjection.apply(client, e);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await count()).toBe(rows);
    expect(await everything(history.tenantId, history.conversationIds[0]!, 100)).toEqual(before);
  });

  it('answers null for another tenant’s conversation and for an unknown one', async () => {
    expect(await queries.activity(other.tenantId, history.conversationIds[0]!, { limit: 10 })).toBeNull();
    expect(await queries.activity(history.tenantId, other.conversationIds[0]!, { limit: 10 })).toBeNull();
    expect(await queries.activity(history.tenantId, randomUUID(), { limit: 10 })).toBeNull();
    expect((await queries.activity(other.tenantId, other.conversationIds[0]!, { limit: 100 }))!.items).toHaveLength(7);
  });
});
