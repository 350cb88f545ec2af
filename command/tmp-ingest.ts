import { randomBytes } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { createTestDatabase } from '@parley/events/testing';
import { createCommandPlatform } from './src/command-platform.ts';
import { signBody, textMessage, webhookEnvelope } from './src/whatsapp/webhook-fixtures.ts';
const db = await createTestDatabase('ingest');
const p = await createCommandPlatform({ databaseUrl: db.connectionString, eventStoreUrl: null, platformAdminKey: 'x'.repeat(20), secretKey: randomBytes(32).toString('base64') });
const inj = (method: string, url: string, payload: unknown, headers: Record<string, string>) => p.app.inject({ method: method as 'POST', url, payload: payload as string, headers });
const t = JSON.parse((await inj('POST', '/v1/tenants', JSON.stringify({ name: 'P', admin: { name: 'P', email: 'p@p.test' } }), { authorization: `Bearer ${'x'.repeat(20)}`, 'content-type': 'application/json' })).body);
const appSecret = randomBytes(24).toString('hex');
await inj('POST', '/v1/whatsapp-numbers', JSON.stringify({ phoneNumberId: '5550001', displayPhoneNumber: '+1 555', appSecret, verifyToken: 'verifyverify' }), { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' });
const bodies = Array.from({ length: 30000 }, (_, n) => { const from = String(5215500000000 + (n % 2000)); const raw = JSON.stringify(webhookEnvelope({ phoneNumberId: '5550001', contacts: [{ waId: from, name: 'C' }], messages: [textMessage({ from, body: `m ${n}` })] })); return { raw, sig: signBody(raw, appSecret) }; });
let i = 0;
async function phase(count: number) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  await Promise.all(Array.from({ length: 64 }, async () => { while (i < count) { const b = bodies[i++]!; const r = await inj('POST', '/webhooks/whatsapp', b.raw, { 'content-type': 'application/json', 'x-hub-signature-256': b.sig }); if (r.statusCode !== 200) throw new Error(r.body); } }));
  const c = process.cpuUsage(c0); const el = performance.now() - t0;
  return { usPerReq: ((c.user + c.system) / (count - (count === 4000 ? 0 : 4000))).toFixed(0), rps: Math.round((count - (count === 4000 ? 0 : 4000)) / (el / 1000)) };
}
console.log('warm', await phase(4000));
const session = new Session(); session.connect(); await session.post('Profiler.enable'); await session.post('Profiler.start');
console.log('measured', await phase(24000));
const { profile } = await session.post('Profiler.stop'); writeFileSync('/tmp/phase.cpuprofile', JSON.stringify(profile));
await p.close(); await db.drop();
