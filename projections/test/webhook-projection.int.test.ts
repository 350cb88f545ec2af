import { randomUUID } from 'node:crypto';
import type { ParleyEvent, PostgresEventStore } from '@parley/events';
import type { TestDatabase } from '@parley/events/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgProjector } from '../src/index.ts';
import { webhookProjection } from '../src/webhooks/index.ts';
import { envelope } from './support/events.ts';
import { closePgStore, openPgStore } from './support/pg-store.ts';

let db: TestDatabase;
let store: PostgresEventStore;
let pool: pg.Pool;

beforeAll(async () => {
  ({ db, store, pool } = await openPgStore('webhook_projection'));
});
afterAll(async () => {
  await closePgStore({ db, store, pool });
});

async function project(schema: string, batchSize: number) {
  const projector = new PgProjector({ pool, store, projection: { ...webhookProjection, name: schema, schema }, batchSize });
  await projector.start();
  const deadline = Date.now() + 20_000;
  while ((await projector.status()).eventsBehind !== 0) {
    if (Date.now() > deadline) throw new Error(`${schema} did not catch up`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await projector.stop();
  const rows = await pool.query<{ subscription_id: string; delivery_id: string; type: string; conversation: string | null }>(
    `SELECT subscription_id, delivery_id, type, payload->'data'->>'conversationId' AS conversation FROM "${schema}".deliveries ORDER BY order_key, subscription_id`,
  );
  return rows.rows;
}

describe('webhook projection', () => {
  it('owes a batch of events exactly what it owes them one at a time, with subscriptions created and disabled mid-batch', async () => {
    const tenantId = randomUUID();
    const other = randomUUID();
    let t = Date.parse('2026-12-01T09:00:00Z');
    const at = () => new Date((t += 1_000));
    const subscribed = (subscriptionId: string): ParleyEvent => ({
      type: 'WebhookSubscriptionCreated',
      data: { subscriptionId, url: 'https://crm.example/hooks', eventTypes: ['*'], secretSealed: 'sealed' },
    });
    const opened = (conversationId: string): ParleyEvent => ({
      type: 'ConversationOpened',
      data: { conversationId, contactId: randomUUID(), numberId: randomUUID(), phoneNumberId: '100200300', origin: 'inbound' },
    });
    const first = randomUUID();
    const second = randomUUID();
    const c: string[] = Array.from({ length: 4 }, () => randomUUID());
    await store.appendToStream(`webhooks-${tenantId}`, [
      envelope(opened(c[0]!), tenantId, at()), // owed to nobody yet
      envelope(subscribed(first), tenantId, at()),
      envelope(opened(c[1]!), tenantId, at()), // first
      envelope(subscribed(second), tenantId, at()),
      envelope(opened(c[2]!), tenantId, at()), // first and second
      envelope({ type: 'WebhookSubscriptionDisabled', data: { subscriptionId: first, reason: 'gone' } }, tenantId, at()), // second hears of it
      envelope(opened(c[3]!), tenantId, at()), // second
      envelope(opened(randomUUID()), other, at()), // another tenant's: nobody here
    ]);

    const oneAtATime = await project('webhooks_one', 1);
    const batched = await project('webhooks_batch', 100);
    expect(batched).toEqual(oneAtATime);
    const owed = oneAtATime.map((d) => [d.subscription_id === first ? 'first' : 'second', d.type, d.conversation ? c.indexOf(d.conversation) : null]);
    expect(owed.sort((a, b) => String(a).localeCompare(String(b)))).toEqual([
      ['first', 'conversation.opened', 1],
      ['first', 'conversation.opened', 2],
      ['second', 'conversation.opened', 2],
      ['second', 'conversation.opened', 3],
      ['second', 'webhook.subscription_disabled', null],
    ]);
  });
});
