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
 * The command API as its own process while its database goes away: every session ended
 * (pg_terminate_backend), again and again, and for a while new ones refused, as in a
 * PostgreSQL restart or failover. Webhooks keep coming. During the outage they may fail
 * (WhatsApp redelivers), but the process must live through it, answer 200 again within
 * seconds of the database's return, and every delivery it answered 200 must be in the
 * log exactly once, redeliveries included.
 */
const ADMIN = 'outage-admin-key-0123456789';
const PHONE_NUMBER_ID = '77000002';
const commandDir = fileURLToPath(new URL('..', import.meta.url));
let db: TestDatabase;
let api: ChildProcess | undefined;
let output = '';
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
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Kept for the failure message: the 5xx log lines and, above all, a crash's stack.
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  for (let i = 0; i < 300 && !output.includes('command API'); i++) await new Promise((r) => setTimeout(r, 50));
  if (!output.includes('command API')) throw new Error(`command API did not start: ${output}`);
  return child;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  db = await createTestDatabase('command_outage');
});
afterAll(async () => {
  if (api && api.exitCode === null && api.signalCode === null) {
    api.kill('SIGTERM');
    await once(api, 'exit');
  }
  await db?.drop();
});

it('lives through killed sessions and an outage, answers 200 again within seconds, and keeps every 200 once', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  api = await startApi(port);
  const child = api;
  const post = async (path: string, body: unknown, key: string) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
    return (await res.json()) as Record<string, string>;
  };
  const tenant = await post('/v1/tenants', { name: 'O', admin: { name: 'O', email: 'o@o.test' } }, ADMIN);
  const appSecret = randomBytes(20).toString('hex');
  await post(
    '/v1/whatsapp-numbers',
    { phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '+1 555 7701', appSecret, verifyToken: 'outage-token' },
    tenant.apiKey!,
  );

  const acknowledged: Array<{ wamid: string; sender: number; at: number }> = [];
  const unanswered: Array<{ wamid: string; sender: number }> = [];
  const send = async (wamid: string, sender: number): Promise<number> => {
    const raw = JSON.stringify(
      webhookEnvelope({ phoneNumberId: PHONE_NUMBER_ID, messages: [textMessage({ from: String(15550000000 + sender), id: wamid, body: wamid })] }),
    );
    try {
      const res = await fetch(`${base}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, appSecret) },
        body: raw,
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  };

  let stopped = false;
  const senders = Array.from({ length: 8 }, async (_, s) => {
    for (let i = 0; !stopped; i++) {
      const wamid = newWamid();
      const sender = s * 100 + (i % 10);
      const status = await send(wamid, sender);
      if (status === 200) acknowledged.push({ wamid, sender, at: Date.now() });
      else {
        unanswered.push({ wamid, sender });
        await sleep(20);
      }
    }
  });

  // Deliveries for a number nobody connected (one just disconnected, a misrouted app):
  // they become dead letters, written in a transaction of their own.
  const strays = (async () => {
    while (!stopped) {
      const raw = JSON.stringify(
        webhookEnvelope({ phoneNumberId: '99000001', messages: [textMessage({ from: '15559990000', id: newWamid(), body: 'anyone?' })] }),
      );
      await fetch(`${base}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw })
        .then((res) => res.arrayBuffer())
        .catch(() => undefined);
      await sleep(20);
    }
  })();

  // Each outage: when the database took sessions again, and how long until the next 200.
  const recoveries: number[] = [];
  const outage = async (ms: number) => {
    await db.outage(ms);
    const back = Date.now();
    for (let i = 0; i < 100 && !acknowledged.some((a) => a.at > back); i++) await sleep(50);
    const first = acknowledged.find((a) => a.at > back);
    recoveries.push(first ? first.at - back : Number.POSITIVE_INFINITY);
  };
  try {
    await sleep(800);
    for (let i = 0; i < 3; i++) {
      await db.terminateSessions();
      await sleep(200);
    }
    await outage(2_000);
    await sleep(500);
    await db.terminateSessions();
    await outage(1_500);
    await sleep(500);
  } finally {
    stopped = true;
    await Promise.all([...senders, strays]);
  }

  expect({ exitCode: child.exitCode, signal: child.signalCode }, `the command API died:\n${output.slice(-4_000)}`).toEqual({ exitCode: null, signal: null });
  expect(unanswered.length).toBeGreaterThan(0); // the outages were felt
  expect(acknowledged.length).toBeGreaterThan(50);
  for (const ms of recoveries) expect(ms).toBeLessThan(3_000);

  // WhatsApp redelivers what got no 200, and some of what did (its retries cross our answers).
  const redelivered = [...unanswered, ...acknowledged.slice(0, 30)];
  const statuses = await Promise.all(redelivered.map(({ wamid, sender }) => send(wamid, sender)));
  expect(statuses.every((s) => s === 200)).toBe(true);

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
    for (const { wamid } of [...acknowledged, ...unanswered]) expect(received.get(wamid), wamid).toBe(1);
    expect([...received.values()].every((n) => n === 1)).toBe(true);
  } finally {
    await store.close();
  }
}, 60_000);
