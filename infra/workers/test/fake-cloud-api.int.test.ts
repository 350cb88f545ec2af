import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeCloudApi, type FakeError } from '../testing/index.ts';

const PHONE_ID = '106540352242922';
const TOKEN = 'EAAtoken-one';
const SECRET = 'app-secret-one';

interface Received {
  raw: string;
  signature: string | undefined;
  json: any;
}

/** Stands in for Parley's webhook endpoint: keeps what arrives and answers 200. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ raw, signature: req.headers['x-hub-signature-256'] as string | undefined, json: JSON.parse(raw) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`, received };
}

function signatureValid(raw: string, header: string | undefined, secret: string): boolean {
  if (header === undefined || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

let fake: FakeCloudApi;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

async function send(body: Record<string, unknown>, options: { token?: string; phoneId?: string; signal?: AbortSignal } = {}) {
  const response = await fetch(`${fake.url}/v21.0/${options.phoneId ?? PHONE_ID}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.token ?? TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(options.signal !== undefined && { signal: options.signal }),
  });
  return { status: response.status, json: (await response.json()) as any };
}

const text = (to: string, body: string, callbackData?: string) => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to,
  type: 'text',
  text: { body },
  ...(callbackData !== undefined && { biz_opaque_callback_data: callbackData }),
});

const statusesOf = (received: Received[]) => received.map((r) => r.json.entry[0].changes[0].value.statuses[0]);

beforeEach(async () => {
  receiver = await startReceiver();
  fake = await FakeCloudApi.start({ webhookUrl: receiver.url, statusDelayMs: 5 });
  fake.addNumber(PHONE_ID, { accessToken: TOKEN, appSecret: SECRET, displayPhoneNumber: '15550001111' });
});

afterEach(async () => {
  await fake.close();
  receiver.server.closeAllConnections();
  await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
});

describe('FakeCloudApi', () => {
  it('accepts a text send and posts sent, delivered, read, signed with the app secret', async () => {
    const { status, json } = await send(text('+1 555 010 2030', 'hello', 'msg-1'));
    expect(status).toBe(200);
    expect(json.messaging_product).toBe('whatsapp');
    expect(json.contacts).toEqual([{ input: '+1 555 010 2030', wa_id: '15550102030' }]);
    const wamid: string = json.messages[0].id;
    expect(wamid).toMatch(/^wamid\./);
    expect(json.messages[0].message_status).toBeUndefined();
    expect(fake.sends).toHaveLength(1);
    expect(fake.sends[0]).toMatchObject({ wamid, phoneNumberId: PHONE_ID, to: '+1 555 010 2030', type: 'text', callbackData: 'msg-1' });

    await fake.settled();
    expect(receiver.received).toHaveLength(3);
    for (const r of receiver.received) {
      expect(signatureValid(r.raw, r.signature, SECRET)).toBe(true);
      expect(signatureValid(r.raw, r.signature, 'another-secret')).toBe(false);
      expect(r.json.object).toBe('whatsapp_business_account');
      expect(r.json.entry[0].changes[0].value.metadata).toEqual({ display_phone_number: '15550001111', phone_number_id: PHONE_ID });
    }
    const statuses = statusesOf(receiver.received);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    for (const s of statuses) {
      expect(s.id).toBe(wamid);
      expect(s.recipient_id).toBe('15550102030');
      expect(s.biz_opaque_callback_data).toBe('msg-1');
    }
    expect(statuses[0].pricing).toEqual({ billable: true, pricing_model: 'PMP', type: 'regular', category: 'service' });
    expect(statuses[1].pricing).toEqual(statuses[0].pricing);
    expect(statuses[0].conversation.id).toBe(statuses[1].conversation.id);
    expect(statuses[2].pricing).toBeUndefined();
    expect(fake.webhooksPosted).toBe(3);
  });

  it('answers a template send with message_status accepted and prices it as utility', async () => {
    const { status, json } = await send({
      messaging_product: 'whatsapp',
      to: '15550102030',
      type: 'template',
      template: { name: 'order_update', language: { code: 'en_US' }, components: [] },
    });
    expect(status).toBe(200);
    expect(json.messages[0].message_status).toBe('accepted');
    await fake.settled();
    const statuses = statusesOf(receiver.received);
    expect(statuses[0].pricing.category).toBe('utility');
    expect(statuses[0].biz_opaque_callback_data).toBeUndefined();
  });

  it('posts read before delivered when out of order, switchable at run time', async () => {
    fake.outOfOrder = true;
    await send(text('15550102030', 'one'));
    await fake.settled();
    expect(statusesOf(receiver.received).map((s) => s.status)).toEqual(['sent', 'read', 'delivered']);

    fake.outOfOrder = false;
    receiver.received.length = 0;
    await send(text('15550102030', 'two'));
    await fake.settled();
    expect(statusesOf(receiver.received).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });

  it.each([
    { code: 131047, http: 400 },
    { code: 131026, http: 400 },
    { code: 130429, http: 400 },
    { code: 131056, http: 400 },
    { code: 190, http: 401 },
    { code: 500, http: 500 },
    { code: 503, http: 503 },
  ] as const)('answers an injected $code with HTTP $http in Meta’s shape', async ({ code, http }) => {
    fake.failNext(PHONE_ID, { code });
    const { status, json } = await send(text('15550102030', 'x', 'msg-err'));
    expect(status).toBe(http);
    expect(typeof json.error.message).toBe('string');
    expect(typeof json.error.fbtrace_id).toBe('string');
    if (code < 1000 && code !== 190) {
      expect(json.error.is_transient).toBe(true);
    } else {
      expect(json.error.code).toBe(code);
      expect(json.error.type).toBe('OAuthException');
    }
    if (code > 1000) expect(json.error.error_data).toEqual({ messaging_product: 'whatsapp', details: expect.any(String) });
    if (code === 190) expect(json.error.error_subcode).toBe(463);
    expect(fake.refused.get(code)).toBe(1);
    expect(fake.sends).toHaveLength(0);

    // Consumed: the next request goes through.
    expect((await send(text('15550102030', 'x', 'msg-err'))).status).toBe(200);
    expect(fake.duplicates()).toBe(0);
  });

  it('consumes failures in order, `times` over, and only for the given recipient', async () => {
    const errors: FakeError[] = [
      { code: 131047, to: '15550000002' },
      { code: 503, times: 2 },
    ];
    for (const e of errors) fake.failNext(PHONE_ID, e);
    expect((await send(text('15550000001', 'a'))).status).toBe(503);
    expect((await send(text('15550000001', 'a'))).status).toBe(503);
    expect((await send(text('15550000001', 'a'))).status).toBe(200);
    expect((await send(text('15550000002', 'b'))).json.error.code).toBe(131047);
    expect((await send(text('15550000002', 'b'))).status).toBe(200);
    expect(fake.refused).toEqual(
      new Map([
        [503, 2],
        [131047, 1],
      ]),
    );
  });

  it('refuses a rotated-away token with 190 and accepts the new one', async () => {
    fake.setAccessToken(PHONE_ID, 'EAAtoken-two');
    const old = await send(text('15550102030', 'x'));
    expect(old.status).toBe(401);
    expect(old.json.error).toMatchObject({ code: 190, type: 'OAuthException', error_subcode: 463 });
    expect(old.json.error.message).toMatch(/^Error validating access token/);

    const garbage = await send(text('15550102030', 'x'), { token: 'nonsense' });
    expect(garbage.status).toBe(401);
    expect(garbage.json.error.code).toBe(190);

    expect((await send(text('15550102030', 'x'), { token: 'EAAtoken-two' })).status).toBe(200);
    expect(fake.refused.get(190)).toBe(2);
  });

  it('refuses an unknown number and a malformed body with code 100', async () => {
    const unknown = await send(text('15550102030', 'x'), { phoneId: '999' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe(100);

    const noProduct = await send({ to: '15550102030', type: 'text', text: { body: 'x' } });
    expect(noProduct.status).toBe(400);
    expect(noProduct.json.error.code).toBe(100);

    const noBody = await send({ messaging_product: 'whatsapp', to: '15550102030', type: 'text', text: {} });
    expect(noBody.json.error).toMatchObject({ code: 100, message: '(#100) Invalid parameter' });

    const notJson = await fetch(`${fake.url}/v19.0/${PHONE_ID}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"messaging_product":',
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error.code).toBe(100);
    expect(fake.refused.get(100)).toBe(4);
    expect(fake.sends).toHaveLength(0);
  });

  it('answers 130429 beyond the number’s throughput in a one-second window', async () => {
    fake.addNumber('200', { accessToken: 'tok-200', appSecret: 's', throughputPerSecond: 3 });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await send(text('15550102030', `m${i}`), { phoneId: '200', token: 'tok-200' }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 400, 400]);
    expect(answers[3]!.json.error).toMatchObject({ code: 130429, error_data: { messaging_product: 'whatsapp' } });
    expect(fake.refused.get(130429)).toBe(2);
    // Other numbers have their own window.
    expect((await send(text('15550102030', 'other'))).status).toBe(200);
  });

  it('counts a callback data accepted twice as a duplicate', async () => {
    await send(text('15550102030', 'a', 'msg-dup'));
    await send(text('15550102030', 'b', 'msg-other'));
    expect(fake.duplicates()).toBe(0);
    await send(text('15550102030', 'a', 'msg-dup'));
    expect(fake.duplicates()).toBe(1);
  });

  it('records a send whose answer timed out, so the client’s retry is a duplicate', async () => {
    fake.failNext(PHONE_ID, { timeoutMs: 2_000 });
    await expect(send(text('15550102030', 'slow', 'msg-slow'), { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(fake.sends).toHaveLength(1);
    expect((await send(text('15550102030', 'slow', 'msg-slow'))).status).toBe(200);
    expect(fake.sends).toHaveLength(2);
    expect(fake.duplicates()).toBe(1);
  });

  it('gives up on a webhook endpoint that keeps failing, and close() cancels pending posts', async () => {
    const broken = await FakeCloudApi.start({ webhookUrl: 'http://127.0.0.1:1/nowhere', statusDelayMs: 1 });
    broken.addNumber(PHONE_ID, { accessToken: TOKEN, appSecret: SECRET });
    const response = await fetch(`${broken.url}/v21.0/${PHONE_ID}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(text('15550102030', 'x')),
    });
    expect(response.status).toBe(200);
    await broken.settled();
    expect(broken.webhooksFailed).toBe(3);
    expect(broken.webhooksPosted).toBe(0);

    const slow = await FakeCloudApi.start({ webhookUrl: receiver.url, statusDelayMs: 60_000 });
    slow.addNumber(PHONE_ID, { accessToken: TOKEN, appSecret: SECRET });
    await fetch(`${slow.url}/v21.0/${PHONE_ID}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(text('15550102030', 'x')),
    });
    const started = Date.now();
    await Promise.all([slow.close(), slow.settled(), broken.close()]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
