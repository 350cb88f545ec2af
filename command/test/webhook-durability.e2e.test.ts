import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { newWamid, signBody, textMessage, webhookEnvelope } from '@parley/command/testing';
import { createPostgresEventStore, START } from '@parley/events';
import { createTestDatabase, type TestDatabase } from '@parley/events/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

/**
 * "200 only after the append is durable", tested the hard way: the command API runs as
 * its own process, takes a stream of webhooks, and is killed with SIGKILL in the middle.
 * Every delivery it answered 200 must be in the log after the kill, once.
 */
const ADMIN = 'durability-admin-key-0123456789';
const commandDir = fileURLToPath(new URL('..', import.meta.url));
let db: TestDatabase;
const secretKey = randomBytes(32).toString('base64');

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function startApi(port: number): Promise<ChildProcess> {
  const { PARLEY_DEMO_FILE: _noDemo, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: commandDir,
    env: { ...env, PARLEY_DATABASE_URL: db.connectionString, PARLEY_ADMIN_KEY: ADMIN, PARLEY_SECRET_KEY: secretKey, COMMAND_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 300 && !out.includes('command API'); i++) await new Promise((r) => setTimeout(r, 50));
  if (!out.includes('command API')) throw new Error(`command API did not start: ${out}`);
  return child;
}

beforeAll(async () => {
  db = await createTestDatabase('webhook_durability');
});
afterAll(async () => {
  await db?.drop();
});

it('keeps every webhook it answered 200, once, when the process is killed mid-stream', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let api = await startApi(port);
  const post = async (path: string, body: unknown, key: string) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
    return (await res.json()) as Record<string, string>;
  };
  const tenant = await post('/v1/tenants', { name: 'D', admin: { name: 'D', email: 'd@d.test' } }, ADMIN);
  const appSecret = randomBytes(20).toString('hex');
  await post(
    '/v1/whatsapp-numbers',
    { phoneNumberId: '77000001', displayPhoneNumber: '+1 555 7700', appSecret, verifyToken: 'durability-token' },
    tenant.apiKey!,
  );

  const acknowledged: Array<{ wamid: string; sender: number }> = [];
  const send = async (wamid: string, sender: number) => {
    const raw = JSON.stringify(
      webhookEnvelope({ phoneNumberId: '77000001', messages: [textMessage({ from: String(15550000000 + sender), id: wamid, body: wamid })] }),
    );
    try {
      const res = await fetch(`${base}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, appSecret) },
        body: raw,
      });
      if (res.status === 200) acknowledged.push({ wamid, sender });
      return res.status;
    } catch {
      // killed mid-request: WhatsApp would redeliver; no promise was made
      return 0;
    }
  };

  const stop = Date.now() + 2_500;
  let killed = false;
  const senders = Array.from({ length: 16 }, async (_, s) => {
    for (let i = 0; Date.now() < stop; i++) await send(newWamid(), s * 1000 + (i % 20));
  });
  await new Promise((r) => setTimeout(r, 800));
  api.kill('SIGKILL');
  killed = true;
  await Promise.all(senders);
  expect(killed).toBe(true);
  expect(acknowledged.length).toBeGreaterThan(20);

  // Restart; WhatsApp redelivers what it sent (acknowledged or not): still nothing twice.
  api = await startApi(port);
  const acknowledgedBeforeKill = [...acknowledged];
  try {
    const redelivered = await Promise.all(acknowledgedBeforeKill.slice(0, 50).map(({ wamid, sender }) => send(wamid, sender)));
    expect(redelivered.every((status) => status === 200)).toBe(true);
  } finally {
    api.kill('SIGTERM');
    await once(api, 'exit');
  }

  const store = await createPostgresEventStore({ connectionString: db.connectionString });
  try {
    const received = new Map<string, number>();
    let after = START;
    for (;;) {
      const page = await store.readAll({ after, maxCount: 5000, filter: { eventTypes: ['MessageReceived'] } });
      for (const e of page.events) {
        const wamid = (e.data as { wamid: string }).wamid;
        received.set(wamid, (received.get(wamid) ?? 0) + 1);
      }
      if (page.events.length < 5000) break;
      after = page.next;
    }
    for (const { wamid } of acknowledgedBeforeKill) expect(received.get(wamid), wamid).toBe(1);
    expect([...received.values()].every((n) => n === 1)).toBe(true);
  } finally {
    await store.close();
  }
}, 60_000);
