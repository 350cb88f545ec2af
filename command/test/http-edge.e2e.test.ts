import { connect } from 'node:net';
import { textMessage, webhookEnvelope } from '@parley/command/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN_KEY, RunningCommandApi } from './support/running-command-api.ts';

/**
 * The HTTP edge of the command API (shared with the query API): odd input is a 400 in
 * the documented error shape, whoever answers (Node, Fastify or a route), and a 5xx
 * leaves a log line with its request id and cause.
 */
let api: RunningCommandApi;
let adminKey: string;

beforeAll(async () => {
  api = await RunningCommandApi.start('http_edge');
  const tenant = await api.post<{ apiKey: string }>('/v1/tenants', { name: 'Edge', admin: { name: 'Eve', email: 'eve@edge.test' } }, ADMIN_KEY);
  adminKey = tenant.body.apiKey;
});
afterAll(async () => {
  await api?.stop();
});

/** Sends raw bytes over a socket and reads the whole answer (Node answers malformed HTTP itself). */
async function rawHttp(request: string | Buffer): Promise<{ status: number; body: unknown }> {
  const { hostname, port } = new URL(api.baseUrl);
  const socket = connect(Number(port), hostname);
  socket.write(request);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body: JSON.parse(body) };
}

const errorShape = { error: expect.any(String), message: expect.any(String) };

describe('input no store can hold', () => {
  it('is a 400 naming where it is, in the body, the query string and the path', async () => {
    const nul = await api.post('/v1/teams', { name: 'a\u0000b' }, adminKey);
    expect(nul).toMatchObject({ status: 400, body: { error: 'bad_request', message: 'body.name: must not contain U+0000 (NUL)' } });
    const surrogate = await api.post('/v1/teams', { name: 'a\ud800b' }, adminKey);
    expect(surrogate).toMatchObject({ status: 400, body: { error: 'bad_request', message: 'body.name: must not contain a lone UTF-16 surrogate' } });
    const nested = await api.post('/v1/users', { name: 'Nia', email: 'nia@edge.test', role: 'agent', extra: { deep: ['\udc00'] } }, adminKey);
    expect(nested.body).toEqual({ error: 'bad_request', message: 'body.extra.deep.0: must not contain a lone UTF-16 surrogate' });
    const query = await api.request('GET', '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=x%00y&hub.challenge=1');
    expect(query.body).toEqual({ error: 'bad_request', message: 'querystring.hub.verify_token: must not contain U+0000 (NUL)' });
    const params = await api.request('POST', '/v1/conversations/a%00b/notes', { key: adminKey, body: { body: 'hi' } });
    expect(params.body).toEqual({ error: 'bad_request', message: 'params.id: must not contain U+0000 (NUL)' });
    const deep = await api.request('POST', '/v1/teams', {
      key: adminKey,
      raw: `{"name":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(deep).toMatchObject({ status: 400, body: { error: 'bad_request', message: expect.stringMatching(/nested deeper than 32 levels$/) } });
  });

  it('still reaches the WhatsApp webhook, whose customers’ words are kept, not refused', async () => {
    const payload = webhookEnvelope({
      phoneNumberId: '5550001',
      contacts: [{ waId: '15550001', name: 'N\u0000l' }],
      messages: [textMessage({ from: '15550001', body: 'a\u0000b \ud800' })],
    });
    const res = await api.request('POST', '/webhooks/whatsapp', { raw: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
    // An unknown number: kept as a dead letter, answered 200 so WhatsApp stops redelivering.
    expect(res).toMatchObject({ status: 200, body: { ok: true, deadLetters: 1 } });
  });

  it('refuses an unsigned webhook nested 10,000 levels deep before anything walks it', async () => {
    // A valid delivery for a number nobody connected, so it would be dead-lettered, with
    // the nesting spliced in as text: JSON.stringify itself recurses and would overflow.
    const valid = JSON.stringify(
      webhookEnvelope({ phoneNumberId: '5550002', contacts: [{ waId: '15550002', name: 'D' }], messages: [textMessage({ from: '15550002', body: 'hi' })] }),
    );
    const raw = valid.replace('"messaging_product":"whatsapp"', `"messaging_product":"whatsapp","nest":${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    expect(raw).not.toBe(valid);
    const res = await api.request('POST', '/webhooks/whatsapp', { raw, headers: { 'content-type': 'application/json' } });
    expect(res).toMatchObject({ status: 400, body: { error: 'bad_request', message: 'payload nests deeper than 32 levels' } });
  });
});

describe('signed webhook values longer than the catalog holds', () => {
  it('are an invalid payload kept as a dead letter, not a 500 WhatsApp would redeliver for days', async () => {
    const appSecret = 'edge-app-secret-0123456789';
    const connected = await api.post(
      '/v1/whatsapp-numbers',
      { phoneNumberId: '5550003', displayPhoneNumber: '+1 555 0003', appSecret, verifyToken: 'verify-token-edge' },
      adminKey,
    );
    expect(connected.status).toBe(201);
    for (const [field, payload] of [
      [
        'profile.name',
        webhookEnvelope({
          phoneNumberId: '5550003',
          contacts: [{ waId: '15550003', name: 'n'.repeat(201) }],
          messages: [textMessage({ from: '15550003', body: 'hi' })],
        }),
      ],
      [
        'from',
        webhookEnvelope({ phoneNumberId: '5550003', contacts: [{ waId: '1', name: 'N' }], messages: [textMessage({ from: '1'.repeat(33), body: 'hi' })] }),
      ],
      [
        'text.body',
        webhookEnvelope({
          phoneNumberId: '5550003',
          contacts: [{ waId: '15550004', name: 'N' }],
          messages: [textMessage({ from: '15550004', body: 'x'.repeat(65_537) })],
        }),
      ],
    ] as const) {
      const res = await api.webhook(payload, appSecret);
      expect({ field, status: res.status, message: res.body.message }).toEqual({ field, status: 400, message: expect.stringContaining(`${field}: Too big`) });
    }
    const letters = await api.request<{ items: { reason: string; detail: string | null }[] }>('GET', '/v1/admin/webhook-dead-letters', { key: ADMIN_KEY });
    expect(letters.body.items.filter((l) => l.reason === 'invalid_payload')).toHaveLength(3);
  });
});

describe('answers Node and Fastify give themselves', () => {
  it('have the documented shape and keep their status', async () => {
    const host = `Host: ${new URL(api.baseUrl).host}\r\n`;
    const malformed = await rawHttp(`GET /health HTTP/1.1\r\n${host}Bad Header Line\r\n\r\n`);
    expect(malformed).toEqual({ status: 400, body: { error: 'bad_request', message: 'malformed HTTP request' } });
    const oversize = await rawHttp(`GET /health HTTP/1.1\r\n${host}X-Big: ${'x'.repeat(20_000)}\r\n\r\n`);
    expect(oversize).toEqual({ status: 431, body: { error: 'bad_request', message: 'request headers are too large' } });
    const badUrl = await api.request('GET', '/v1/conversations/%E0%A4%A/messages', { key: adminKey });
    expect(badUrl).toMatchObject({ status: 400, body: { error: 'bad_request', message: expect.any(String) } });
    expect(Object.keys(badUrl.body)).toEqual(['error', 'message']);

    const json = { 'content-type': 'application/json' };
    const answers = {
      badJson: await api.request('POST', '/v1/teams', { key: adminKey, raw: '{"name":', headers: json }),
      tooLarge: await api.request('POST', '/v1/teams', { key: adminKey, raw: JSON.stringify({ name: 'x'.repeat(1_100_000) }), headers: json }),
      mediaType: await api.request('POST', '/v1/teams', { key: adminKey, raw: '<name/>', headers: { 'content-type': 'application/xml' } }),
      emptyJson: await api.request('POST', '/v1/teams', { key: adminKey, raw: '', headers: json }),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([k, a]) => [k, [a.status, Object.keys(a.body)]]))).toEqual({
      badJson: [400, ['error', 'message']],
      tooLarge: [413, ['error', 'message']],
      mediaType: [415, ['error', 'message']],
      emptyJson: [400, ['error', 'message']],
    });
    for (const a of Object.values(answers)) expect(a.body).toEqual({ ...errorShape, error: 'bad_request' });
  });
});

describe('request ids', () => {
  it('take a sane X-Request-Id or X-Correlation-Id, echo it as X-Request-Id, and stamp it on the events', async () => {
    const answer = async (headers: Record<string, string>) => {
      const res = await fetch(`${api.baseUrl}/v1/teams`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name: `Team ${Math.random()}` }),
      });
      return { status: res.status, id: res.headers.get('x-request-id') };
    };
    expect(await answer({ 'x-request-id': 'lb-7f3a-0001' })).toEqual({ status: 201, id: 'lb-7f3a-0001' });
    expect(await answer({ 'x-correlation-id': 'flow-42', 'x-request-id': 'lb-7f3a-0002' })).toEqual({ status: 201, id: 'flow-42' });
    const events = await api.allEvents();
    const correlations = events.map((e) => (e.metadata as { correlationId?: string }).correlationId);
    expect(correlations).toEqual(expect.arrayContaining(['lb-7f3a-0001', 'flow-42']));
    // Not printable, or too long: a fresh id instead, never echoed as sent.
    for (const insane of ['has space', 'x'.repeat(201), 'tab\there']) {
      const { id } = await answer({ 'x-request-id': insane });
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
    const notFound = await fetch(`${api.baseUrl}/nowhere`, { headers: { 'x-request-id': 'lost-1' } });
    expect(notFound.headers.get('x-request-id')).toBe('lost-1');
  });
});

describe('a 5xx', () => {
  it('logs one JSON line with its request id and cause, without secrets, and answers without internals', async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(String(chunk));
      return write(chunk, ...(rest as []));
    });
    try {
      await api.db.drop(); // the database goes away under the running API
      const res = await api.request('POST', '/v1/tenants', {
        key: ADMIN_KEY,
        body: { name: 'Doomed', admin: { name: 'D', email: 'd@doomed.test' } },
        headers: { 'x-request-id': 'trace-500-abc' },
      });
      expect(res).toMatchObject({ status: 500, body: { error: 'internal', message: 'internal error (request trace-500-abc)' } });
      const logged = lines.filter((l) => l.includes('trace-500-abc'));
      expect(logged).toHaveLength(1);
      const entry = JSON.parse(logged[0]!) as Record<string, any>;
      expect(entry).toMatchObject({
        level: 50,
        reqId: 'trace-500-abc',
        status: 500,
        req: { method: 'POST', path: '/v1/tenants' },
        err: { message: expect.any(String) },
      });
      expect(entry.err.message.length).toBeGreaterThan(0);
      expect(logged[0]!.endsWith('\n') && !logged[0]!.slice(0, -1).includes('\n')).toBe(true);
      expect(logged[0]).not.toContain(ADMIN_KEY);
    } finally {
      spy.mockRestore();
    }
  });
});
