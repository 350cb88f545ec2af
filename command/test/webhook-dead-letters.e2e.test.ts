import { textMessage, webhookEnvelope } from '@parley/command/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_KEY, RunningCommandApi } from './support/running-command-api.ts';

/** Small bounds, so that a test can reach each of them. */
const limits = { unsignedMaxPayloadBytes: 1024, unsignedPerMinute: 5, unsignedPerNumberPerMinute: 3, unsignedMaxRows: 8 };
const CONNECTED = { phoneNumberId: '30000000001', secret: 'app-secret-dead-letters-0123456789' };

let api: RunningCommandApi;
beforeAll(async () => {
  api = await RunningCommandApi.start('webhook_dead_letters', { deadLetterLimits: limits });
  const tenant = await api.post<{ apiKey: string }>('/v1/tenants', { name: 'Acme', admin: { name: 'A', email: 'a@acme.test' } }, ADMIN_KEY);
  const number = { phoneNumberId: CONNECTED.phoneNumberId, displayPhoneNumber: '+1 555 3000', appSecret: CONNECTED.secret, verifyToken: 'verify-dead-letters' };
  expect((await api.post('/v1/whatsapp-numbers', number, tenant.body.apiKey)).status).toBe(201);
});
afterAll(async () => {
  await api?.stop();
});

interface Listing {
  items: Array<{ reason: string; phoneNumberId: string; signatureVerified: boolean; payload: unknown; payloadBytes: number; payloadTruncated: boolean }>;
  counted: Array<{ reason: string; phoneNumberId: string; letters: number; bytes: number }>;
}
const listing = async () => (await api.request<Listing>('GET', '/v1/admin/webhook-dead-letters?limit=1000', { key: ADMIN_KEY })).body;

let sent = 0;
/** An unsigned delivery for a number nobody connected: anyone can send these. */
const unsigned = (phoneNumberId: string, body = `hello ${++sent}`) =>
  api.webhook(webhookEnvelope({ phoneNumberId, messages: [textMessage({ from: '15550001', body })] }), 'anyone-can-sign-this');
const advance = (ms: number) => {
  api.now = new Date(api.now.getTime() + ms);
};

it('keeps a bounded sample of unsigned dead letters, counts the rest, and keeps signed ones whole', async () => {
  const big = 'x'.repeat(20_000);
  expect((await unsigned('900001', big)).status).toBe(200);
  let { items } = await listing();
  expect(items[0]).toMatchObject({ phoneNumberId: '900001', signatureVerified: false, payloadTruncated: true, payloadBytes: expect.any(Number) });
  expect(items[0]!.payloadBytes).toBeGreaterThan(20_000);
  expect(typeof items[0]!.payload === 'string' && Buffer.byteLength(items[0]!.payload)).toBeLessThanOrEqual(1024);

  // Per number: 3 a minute. 900001 has 1, so 2 more are kept and 2 counted.
  for (let i = 0; i < 4; i++) expect((await unsigned('900001')).status).toBe(200);
  // All numbers: 5 a minute. 3 are kept, so 2 of 900002's are kept and 1 counted.
  for (let i = 0; i < 3; i++) expect((await unsigned('900002')).status).toBe(200);
  advance(61_000);
  // A new minute: 3 more kept, which fills the 8 rows of the sample; the rest are counted.
  for (let i = 0; i < 3; i++) expect((await unsigned('900003')).status).toBe(200);
  advance(61_000);
  for (let i = 0; i < 2; i++) expect((await unsigned('900004')).status).toBe(200);

  // Signed content is not bounded: kept whole, however much unsigned content came.
  const signed = webhookEnvelope({ phoneNumberId: CONNECTED.phoneNumberId });
  signed.entry[0]!.changes[0] = { field: 'message_template_status_update', value: { metadata: { phone_number_id: CONNECTED.phoneNumberId }, note: big } };
  expect((await api.webhook(signed, CONNECTED.secret)).status).toBe(200);

  const result = await listing();
  items = result.items;
  const unsignedKept = items.filter((l) => !l.signatureVerified);
  const perNumber = (list: Array<{ phoneNumberId: string }>, n: string) => list.filter((l) => l.phoneNumberId === n).length;
  expect(unsignedKept).toHaveLength(8);
  expect(['900001', '900002', '900003', '900004'].map((n) => perNumber(unsignedKept, n))).toEqual([3, 2, 3, 0]);
  const counted = (n: string) => result.counted.filter((c) => c.phoneNumberId === n).reduce((sum, c) => sum + c.letters, 0);
  expect(['900001', '900002', '900003', '900004'].map(counted)).toEqual([2, 1, 0, 2]);
  expect(result.counted.every((c) => c.reason === 'unknown_phone_number_id' && c.bytes > 0)).toBe(true);
  expect(items.find((l) => l.signatureVerified)).toMatchObject({ reason: 'unhandled_field', payloadTruncated: false, payload: { value: { note: big } } });
});
