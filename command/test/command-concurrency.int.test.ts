import { randomBytes } from 'node:crypto';
import { signBody, textMessage, webhookEnvelope } from '@parley/command/testing';
import { createTestDatabase, type TestDatabase } from '@parley/events/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CommandPlatform, createCommandPlatform } from '../src/command-platform.ts';

/**
 * Two command API instances on one database, as two processes would run: their caches
 * go stale behind each other's writes, and only the expected revision keeps them right.
 */
const ADMIN = 'concurrency-admin-key-0123456789';
let db: TestDatabase;
let a: CommandPlatform;
let b: CommandPlatform;

beforeAll(async () => {
  db = await createTestDatabase('command_concurrency');
  const secretKey = randomBytes(32).toString('base64');
  const options = { databaseUrl: db.connectionString, eventStoreUrl: null, platformAdminKey: ADMIN, secretKey };
  a = await createCommandPlatform(options);
  b = await createCommandPlatform(options);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await db?.drop();
});

const call = async (p: CommandPlatform, method: 'POST' | 'GET', url: string, body: unknown, headers: Record<string, string>) => {
  const res = await p.app.inject({
    method,
    url,
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: res.statusCode, body: res.json() as Record<string, string> };
};

it('keeps every concurrent change made through two instances, and stores a webhook delivered to both once', async () => {
  const tenant = await call(a, 'POST', '/v1/tenants', { name: 'T', admin: { name: 'A', email: 'a@t.test' } }, { authorization: `Bearer ${ADMIN}` });
  const admin = { authorization: `Bearer ${tenant.body.apiKey}` };
  const appSecret = 'concurrency-app-secret-0123';
  expect(
    (
      await call(
        b,
        'POST',
        '/v1/whatsapp-numbers',
        { phoneNumberId: '40000001', displayPhoneNumber: '+1 555 4000', appSecret, verifyToken: 'verify-token-1' },
        admin,
      )
    ).status,
  ).toBe(201);

  const raw = JSON.stringify(webhookEnvelope({ phoneNumberId: '40000001', messages: [textMessage({ from: '15550001', body: 'hi' })] }));
  const signed = { 'x-hub-signature-256': signBody(raw, appSecret) };
  const deliveries = await Promise.all([a, b, a, b].map((p) => call(p, 'POST', '/webhooks/whatsapp', raw, signed)));
  expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200, 200]);

  const all = async () => (await a.store.readAll({ maxCount: 10_000 })).events;
  const opened = (await all()).filter((e) => e.type === 'ConversationOpened');
  expect(opened).toHaveLength(1);
  expect((await all()).filter((e) => e.type === 'MessageReceived')).toHaveLength(1);
  const conversationId = (opened[0]!.data as { conversationId: string }).conversationId;

  // Both instances tag the same conversation at once: each stale cache meets a conflict and retries.
  const tags = Array.from({ length: 12 }, (_, i) => `t${i}`);
  const answers = await Promise.all(tags.map((tag, i) => call(i % 2 ? a : b, 'POST', `/v1/conversations/${conversationId}/tags`, { tag }, admin)));
  expect(answers.map((r) => r.status)).toEqual(tags.map(() => 200));
  const tagged = (await all()).filter((e) => e.type === 'ConversationTagged').map((e) => (e.data as { tag: string }).tag);
  expect(tagged.sort()).toEqual([...tags].sort());
  const thread = (await all()).filter((e) => e.streamId === opened[0]!.streamId);
  expect(thread.map((e) => e.revision)).toEqual(thread.map((_, i) => i));
});

it('decides on the stream as stored when a sender it has not cached turns out to exist: a new name is kept, the same conversation goes on', async () => {
  const tenant = await call(a, 'POST', '/v1/tenants', { name: 'T2', admin: { name: 'A', email: 'a2@t.test' } }, { authorization: `Bearer ${ADMIN}` });
  const admin = { authorization: `Bearer ${tenant.body.apiKey}` };
  const appSecret = 'concurrency-app-secret-4567';
  expect(
    (
      await call(
        a,
        'POST',
        '/v1/whatsapp-numbers',
        { phoneNumberId: '40000002', displayPhoneNumber: '+1 555 4001', appSecret, verifyToken: 'verify-token-2' },
        admin,
      )
    ).status,
  ).toBe(201);
  const deliver = async (p: CommandPlatform, name: string, body: string) => {
    const raw = JSON.stringify(
      webhookEnvelope({ phoneNumberId: '40000002', contacts: [{ waId: '15550002', name }], messages: [textMessage({ from: '15550002', body })] }),
    );
    return (await call(p, 'POST', '/webhooks/whatsapp', raw, { 'x-hub-signature-256': signBody(raw, appSecret) })).status;
  };
  // The first message through a; b has neither the contact nor the thread cached, and
  // takes them for new: the appends expecting no stream meet the stored ones.
  expect(await deliver(a, 'Old Name', 'first')).toBe(200);
  expect(await deliver(b, 'New Name', 'second')).toBe(200);

  const mine = (await a.store.readAll({ maxCount: 10_000 })).events.filter((e) => (e.metadata as { tenantId: string }).tenantId === tenant.body.tenantId);
  expect(mine.filter((e) => e.type === 'ContactCreated')).toHaveLength(1);
  expect(mine.filter((e) => e.type === 'ContactUpdated').map((e) => (e.data as { profileName: string }).profileName)).toEqual(['New Name']);
  expect(mine.filter((e) => e.type === 'ConversationOpened')).toHaveLength(1);
  const received = mine.filter((e) => e.type === 'MessageReceived');
  expect(received.map((e) => (e.data as { content: { body: string } }).content.body)).toEqual(['first', 'second']);
  expect(new Set(received.map((e) => (e.data as { conversationId: string }).conversationId)).size).toBe(1);
  const thread = mine.filter((e) => e.streamId === received[0]!.streamId);
  expect(thread.map((e) => e.revision)).toEqual(thread.map((_, i) => i));
});
