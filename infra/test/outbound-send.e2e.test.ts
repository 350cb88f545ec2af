import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorkers, type Workers } from '@parley/workers';
import { FakeCloudApi } from '@parley/workers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunningPlatform, type TestTenant } from './support/running-platform.ts';

/**
 * The send path end to end: a customer writes (signed webhook), an agent replies through
 * the command API, the workers send it to a fake Cloud API from their number's BullMQ
 * queue, `MessageSent` records the wamid, the fake's signed status webhooks come back,
 * and the query API shows the message's statuses in lifecycle order with pricing.
 */

const TOKEN = 'EAAG-test-access-token-0001';

let platform: RunningPlatform;
let fake: FakeCloudApi;
let workers: Workers;
let tenant: TestTenant;

beforeAll(async () => {
  platform = await RunningPlatform.start('outbound_send');
  fake = await FakeCloudApi.start({ webhookUrl: `${platform.commandUrl}/webhooks/whatsapp`, statusDelayMs: 5 });
  tenant = await platform.tenant('sender', 1, { accessToken: TOKEN });
  fake.addNumber(tenant.phoneNumberId, { accessToken: TOKEN, appSecret: tenant.appSecret });
  workers = await createWorkers({
    databaseUrl: platform.db.connectionString,
    store: platform.command.store,
    secretKey: platform.secretKey,
    redisUrl: 'redis://127.0.0.1:6379',
    whatsapp: { apiUrl: fake.url, timeoutMs: 2_000 },
    // A queue namespace of this run's own: Redis is shared by every test file.
    queuePrefix: `test-${randomUUID()}`,
    reofferEveryMs: 500,
  });
});

afterAll(async () => {
  await workers?.close();
  await fake?.settled();
  await fake?.close();
  await platform?.stop();
});

interface StatusView {
  status: string;
  at: string;
  error: { code: number; title: string } | null;
  pricing: { billable: boolean | null; category: string | null } | null;
}
interface MessageView {
  id: string;
  direction: string;
  wamid: string | null;
  status: string | null;
  statuses: StatusView[];
}

async function reply(conversationId: string, body: string): Promise<string> {
  const res = await platform.cmd<{ messageId: string }>(`/v1/conversations/${conversationId}/messages`, { type: 'text', body }, tenant.supervisor.key);
  return res.messageId;
}

async function until(done: () => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(25);
  }
}

/** The message as the query API shows it, once `done` holds (polled: statuses arrive by webhook). */
async function messageWhen(conversationId: string, messageId: string, done: (m: MessageView) => boolean, timeoutMs = 15_000): Promise<MessageView> {
  const deadline = Date.now() + timeoutMs;
  let last: MessageView | undefined;
  while (Date.now() < deadline) {
    const res = await platform.get<{ items: MessageView[] }>(`/v1/conversations/${conversationId}/messages?limit=100`, tenant.supervisor.key);
    last = res.body.items.find((m) => m.id === messageId);
    if (last && done(last)) return last;
    await sleep(50);
  }
  throw new Error(`message ${messageId} never got there: ${JSON.stringify(last)}`);
}

describe('sending to the WhatsApp Cloud API', () => {
  it('sends an agent reply, records its wamid, and shows the statuses WhatsApp reports, with pricing', async () => {
    const { conversationId } = await platform.customerWrites(tenant, '5215550000001', 'Hola, ¿tienen envío?');
    const messageId = await reply(conversationId, 'Sí, enviamos a todo el país.');

    const read = await messageWhen(conversationId, messageId, (m) => m.status === 'read');
    const sent = fake.sends.filter((s) => s.callbackData === messageId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ phoneNumberId: tenant.phoneNumberId, to: '5215550000001', type: 'text' });
    expect(sent[0]!.body).toMatchObject({ messaging_product: 'whatsapp', text: { body: 'Sí, enviamos a todo el país.' }, biz_opaque_callback_data: messageId });
    expect(read.wamid).toBe(sent[0]!.wamid);
    expect(read.statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(read.statuses.find((s) => s.status === 'delivered')?.pricing).toEqual({ billable: true, category: 'service' });
  });

  it('keeps the lifecycle order when WhatsApp reports read before delivered', async () => {
    fake.outOfOrder = true;
    try {
      const { conversationId } = await platform.customerWrites(tenant, '5215550000002', 'Hello');
      const messageId = await reply(conversationId, 'Hi there');
      const done = await messageWhen(conversationId, messageId, (m) => m.statuses.length === 3);
      expect(done.status).toBe('read');
      expect(done.statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    } finally {
      fake.outOfOrder = false;
    }
  });

  it('records a message WhatsApp will not deliver outside the 24-hour window as failed, without retrying it', async () => {
    const { conversationId } = await platform.customerWrites(tenant, '5215550000003', 'Hi');
    fake.failNext(tenant.phoneNumberId, { code: 131047 });
    const messageId = await reply(conversationId, 'Late answer');
    const failed = await messageWhen(conversationId, messageId, (m) => m.status === 'failed');
    expect(failed.statuses).toEqual([expect.objectContaining({ status: 'failed', error: expect.objectContaining({ code: 131047 }) })]);
    // Give a retry the time it would take: none comes.
    await sleep(500);
    expect(fake.sends.filter((s) => s.callbackData === messageId)).toHaveLength(0);
    expect(fake.refused.get(131047)).toBe(1);
  });

  it('retries after a server error and sends once', async () => {
    const { conversationId } = await platform.customerWrites(tenant, '5215550000004', 'Hi');
    fake.failNext(tenant.phoneNumberId, { code: 503, times: 2 });
    const messageId = await reply(conversationId, 'After two 503s');
    await messageWhen(conversationId, messageId, (m) => m.wamid !== null);
    expect(fake.sends.filter((s) => s.callbackData === messageId)).toHaveLength(1);
  });

  it('pauses a number whose token is refused, and sends everything once a new token is set', async () => {
    const { conversationId } = await platform.customerWrites(tenant, '5215550000005', 'Hi');
    const fresh = 'EAAG-test-access-token-0002';
    fake.setAccessToken(tenant.phoneNumberId, fresh);
    const messageId = await reply(conversationId, 'Sent once the token is replaced');
    // Refused with 190: the number waits; nothing is sent, nothing is failed.
    await sleep(1_000);
    expect(fake.refused.get(190)).toBeGreaterThanOrEqual(1);
    const waiting = await messageWhen(conversationId, messageId, () => true);
    expect(waiting.status).toBe('queued');

    await platform.put(`/v1/whatsapp-numbers/${tenant.phoneNumberId}/access-token`, { accessToken: fresh }, tenant.adminKey);
    const sent = await messageWhen(conversationId, messageId, (m) => m.wamid !== null);
    expect(sent.status).not.toBe('failed');
    expect(fake.sends.filter((s) => s.callbackData === messageId)).toHaveLength(1);
    expect(fake.duplicates()).toBe(0);
  });

  it('a send whose answer timed out but that Meta accepted is reconciled by its status webhook, not sent again', async () => {
    const { conversationId } = await platform.customerWrites(tenant, '5215550000012', 'Hi');
    // The fake takes the send (and reports its statuses) but answers after the client gave up (2 s).
    fake.failNext(tenant.phoneNumberId, { timeoutMs: 3_000 });
    const messageId = await reply(conversationId, 'Answer lost on the way back');
    const read = await messageWhen(conversationId, messageId, (m) => m.status === 'read');
    await sleep(3_000); // the retry the timeout caused has run by now
    const sends = fake.sends.filter((s) => s.callbackData === messageId);
    expect(sends).toHaveLength(1);
    expect(read.wamid).toBe(sends[0]!.wamid);
  }, 30_000);

  it('records an undeliverable message (131026) as failed, without retrying it', async () => {
    const { conversationId } = await platform.customerWrites(tenant, '5215550000006', 'Hi');
    fake.failNext(tenant.phoneNumberId, { code: 131026 });
    const messageId = await reply(conversationId, 'To a phone WhatsApp cannot reach');
    const failed = await messageWhen(conversationId, messageId, (m) => m.status === 'failed');
    expect(failed.statuses).toEqual([expect.objectContaining({ status: 'failed', error: expect.objectContaining({ code: 131026 }) })]);
    await sleep(500);
    expect(fake.sends.filter((s) => s.callbackData === messageId)).toHaveLength(0);
  });

  it('backs off the number that exceeded its throughput (130429), then sends', async () => {
    const { conversationId } = await platform.customerWrites(tenant, '5215550000007', 'Hi');
    const refusedBefore = fake.refused.get(130429) ?? 0;
    fake.failNext(tenant.phoneNumberId, { code: 130429 });
    const messageId = await reply(conversationId, 'After a throughput refusal');
    const sent = await messageWhen(conversationId, messageId, (m) => m.wamid !== null);
    expect(sent.status).not.toBe('failed');
    expect(fake.refused.get(130429)).toBe(refusedBefore + 1);
    expect(fake.sends.filter((s) => s.callbackData === messageId)).toHaveLength(1);
  });

  it('delays only the recipient of a pair rate limit (131056): another customer of the same number is not held', async () => {
    const held = await platform.customerWrites(tenant, '5215550000008', 'Hi');
    const other = await platform.customerWrites(tenant, '5215550000009', 'Hi');
    fake.failNext(tenant.phoneNumberId, { code: 131056, to: '5215550000008' });
    const heldId = await reply(held.conversationId, 'To the rate-limited pair');
    const otherId = await reply(other.conversationId, 'To someone else');
    await messageWhen(other.conversationId, otherId, (m) => m.wamid !== null);
    // The pair's message waits its delay (6 s): the other one went out meanwhile.
    expect(fake.sends.some((s) => s.callbackData === heldId)).toBe(false);
    const sent = await messageWhen(held.conversationId, heldId, (m) => m.wamid !== null, 20_000);
    expect(sent.status).not.toBe('failed');
    expect(fake.sends.filter((s) => s.callbackData === heldId)).toHaveLength(1);
  }, 30_000);

  it('sends a template the number has approved, with its parameters, and refuses one that is missing, paused or given the wrong parameters', async () => {
    const { conversationId } = await platform.customerWrites(tenant, '5215550000010', 'Hi');
    const register = (status: string) =>
      platform.put(
        `/v1/whatsapp-numbers/${tenant.phoneNumberId}/templates/order_shipped/es_MX`,
        {
          category: 'utility',
          status,
          components: [
            { type: 'body', parameters: 2 },
            { type: 'button', index: 0, parameters: 1 },
          ],
        },
        tenant.adminKey,
      );
    const send = (name: string, components: unknown[]) =>
      platform.call<{ message?: string; messageId?: string }>(
        platform.commandUrl,
        'POST',
        `/v1/conversations/${conversationId}/messages`,
        tenant.supervisor.key,
        {
          type: 'template',
          name,
          languageCode: 'es_MX',
          components,
        },
      );
    const body = (...texts: string[]) => ({ type: 'body', parameters: texts.map((text) => ({ type: 'text', text })) });
    const button = { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1042' }] };

    const missing = await send('order_shipped', [body('Ana', 'A-1042'), button]);
    expect(missing.status).toBe(422);
    expect(missing.body.message).toMatch(/not registered/);

    await register('paused');
    const paused = await send('order_shipped', [body('Ana', 'A-1042'), button]);
    expect(paused.status).toBe(422);
    expect(paused.body.message).toMatch(/paused/);

    await register('approved');
    const short = await send('order_shipped', [body('Ana'), button]);
    expect(short.status).toBe(422);
    expect(short.body.message).toMatch(/body takes 2 parameters, the message gives 1/);

    const ok = await send('order_shipped', [body('Ana', 'A-1042'), button]);
    expect(ok.status).toBe(200);
    const messageId = String(ok.body.messageId);
    await messageWhen(conversationId, messageId, (m) => m.wamid !== null);
    const sent = fake.sends.find((s) => s.callbackData === messageId);
    expect(sent?.body).toMatchObject({
      type: 'template',
      template: { name: 'order_shipped', language: { code: 'es_MX' }, components: [body('Ana', 'A-1042'), button] },
    });
  });

  it('holds a number to the rate set for it: no more sends in any second than it allows', async () => {
    const { conversationId } = await platform.customerWrites(tenant, '5215550000011', 'Hi');
    await platform.put(`/v1/whatsapp-numbers/${tenant.phoneNumberId}/rate`, { messagesPerSecond: 4 }, tenant.adminKey);
    await sleep(300); // the workers' read model takes the new rate
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await reply(conversationId, `paced ${i}`));
    await until(() => ids.every((id) => fake.sends.some((s) => s.callbackData === id)));
    const at = ids.map((id) => fake.sends.find((s) => s.callbackData === id)!.at).sort((a, b) => a - b);
    // Ten sends at 4 a second take at least two seconds; no one-second span holds more than 4.
    expect(at.at(-1)! - at[0]!).toBeGreaterThanOrEqual(1_900);
    for (const t of at) expect(at.filter((u) => u >= t && u < t + 1_000).length).toBeLessThanOrEqual(4);
    await platform.put(`/v1/whatsapp-numbers/${tenant.phoneNumberId}/rate`, { messagesPerSecond: 80 }, tenant.adminKey);
  }, 30_000);
});
