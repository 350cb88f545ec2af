import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createPgPool } from '@parley/events';
import { FakeCloudApi } from '@parley/workers/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, RunningPlatform, type TestTenant } from './support/running-platform.ts';

/**
 * The workers lose their process or their Redis in the middle of a burst of sends. The
 * log is the record of what must be sent: every message still goes out, and the fake
 * Cloud API counts what it was asked to send twice.
 */

const NUMBERS = 20;
const CUSTOMERS_PER_NUMBER = 5;
const REPLIES_PER_CUSTOMER = 20; // 20 × 5 × 20 = 2,000 sends
const MAIN = fileURLToPath(new URL('../workers/src/main.ts', import.meta.url));

let platform: RunningPlatform;
let fake: FakeCloudApi;
let pool: pg.Pool;
/** One sender per number: the tenant's objects with that number's id and app secret. */
let senders: TestTenant[] = [];
const redisPrefix = `test-${randomUUID()}`;
/** The workers' latest log lines, shown when a wait times out. */
const workerLog: string[] = [];

beforeAll(async () => {
  platform = await RunningPlatform.start('workers_resilience', { webhooks: { allowLoopback: true } });
  fake = await FakeCloudApi.start({ webhookUrl: `${platform.commandUrl}/webhooks/whatsapp`, statusDelayMs: 5 });
  senders = await platform.sendingTenant('burst', NUMBERS, fake);
  pool = createPgPool({ connectionString: platform.db.connectionString, max: 2 });
}, 120_000);

afterAll(async () => {
  await pool?.end();
  // Let the fake's status webhooks land first: one cut off mid-request would hold the
  // command API's close until the server times the request out.
  await fake?.settled();
  await fake?.close();
  await platform?.stop();
});

function startWorkers(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      PARLEY_DATABASE_URL: platform.db.connectionString,
      PARLEY_ADMIN_KEY: ADMIN_KEY,
      PARLEY_SECRET_KEY: platform.secretKey,
      WHATSAPP_API_URL: fake.url,
      WORKERS_PORT: '0',
      REDIS_PREFIX: redisPrefix,
      PARLEY_JOB_LOCK_MS: '2000',
      PARLEY_WEBHOOKS_ALLOW_LOOPBACK: 'true',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Kept, not printed: a flushed Redis makes the workers log every job it took away.
  child.stderr?.on('data', (d: Buffer) => {
    workerLog.push(...d.toString().split('\n').filter(Boolean));
    workerLog.splice(0, Math.max(0, workerLog.length - 100));
  });
  return child;
}

const kill = async (child: ChildProcess) => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
};

/** Messages the fake accepted at least once. */
const accepted = () => new Set(fake.sends.map((s) => s.callbackData)).size;

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the workers said:\n${workerLog.slice(-30).join('\n')}`);
    await sleep(25);
  }
}

/** Opens conversations (one customer message each), then queues the agent replies, 16 at a time. */
async function burst(label: string, customersPerNumber: number, repliesPerCustomer: number): Promise<string[]> {
  const conversations: string[] = [];
  for (const [n, sender] of senders.entries()) {
    for (let c = 0; c < customersPerNumber; c++) {
      const waId = `52155${label}${String(n).padStart(2, '0')}${String(c).padStart(3, '0')}`;
      conversations.push((await platform.customerWrites(sender, waId, `hola ${label}`)).conversationId);
    }
  }
  const jobs = conversations.flatMap((id) => Array.from({ length: repliesPerCustomer }, (_, r) => ({ id, r })));
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < jobs.length) {
        const { id, r } = jobs[next++]!;
        const res = await platform.cmd<{ messageId: string }>(
          `/v1/conversations/${id}/messages`,
          { type: 'text', body: `reply ${r}` },
          senders[0]!.supervisor.key,
        );
        ids.push(res.messageId);
      }
    }),
  );
  return ids;
}

/** Outcomes the log holds for `ids`, as the workers' read model has them. */
async function outcomes(ids: readonly string[]): Promise<Record<string, number>> {
  const res = await pool.query<{ state: string; n: string }>(
    'SELECT state, count(*) AS n FROM outbound.sends WHERE message_id = ANY($1::uuid[]) GROUP BY state',
    [ids],
  );
  return Object.fromEntries(res.rows.map((r) => [r.state, Number(r.n)]));
}

describe('workers under failure', () => {
  it('a workers process killed three times mid-burst: every one of 2,000 sends over 20 numbers goes out, none twice', async () => {
    let workers = startWorkers();
    const sending = burst('10', CUSTOMERS_PER_NUMBER, REPLIES_PER_CUSTOMER);
    try {
      for (const at of [300, 900, 1500]) {
        await until(`${at} sends`, () => accepted() >= at);
        await kill(workers);
        workers = startWorkers();
      }
      const ids = await sending;
      expect(ids).toHaveLength(NUMBERS * CUSTOMERS_PER_NUMBER * REPLIES_PER_CUSTOMER);
      await until('every send recorded', async () => (await outcomes(ids)).sent === ids.length);
      const sentIds = new Set(fake.sends.map((s) => s.callbackData));
      expect(ids.filter((id) => !sentIds.has(id))).toEqual([]);
      // docs/workers.md: a send goes out again only when the process dies between the
      // Cloud API's answer and the log, and its status webhook has not come back before
      // the job runs again. With statuses flowing, the measured figure is 0.
      console.log(`workers resilience: ${fake.sends.length} requests accepted for ${ids.length} messages, ${fake.duplicates()} sent twice`);
      expect(fake.duplicates()).toBe(0);
    } finally {
      await kill(workers);
    }
  }, 240_000);

  it('Redis flushed and restarted mid-burst: every queued message is still sent, every pending webhook still delivered', async () => {
    // A tenant's CRM hears of every message sent: those deliveries are pending through the flush too.
    const hooks = new Set<string>();
    const receiver = createServer((req, res) => {
      hooks.add(String(req.headers['webhook-id']));
      req.resume().on('end', () => res.writeHead(200).end());
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    await platform.cmd(
      '/v1/webhook-subscriptions',
      { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/crm`, eventTypes: ['message.sent'] },
      senders[0]!.adminKey,
    );
    const workers = startWorkers();
    const before = fake.sends.length;
    const sending = burst('20', 1, 20);
    try {
      await until('the burst under way', () => fake.sends.length - before >= 100);
      execFileSync('redis-cli', ['-h', '127.0.0.1', 'FLUSHALL']);
      // A restart of a Redis that keeps nothing on disk: everything it held is gone.
      execFileSync('redis-cli', ['-h', '127.0.0.1', 'SHUTDOWN', 'NOSAVE']);
      execFileSync('bash', [fileURLToPath(new URL('../ensure-services.sh', import.meta.url))], { stdio: 'ignore' });
      const ids = await sending;
      await until('every send recorded after the flush', async () => (await outcomes(ids)).sent === ids.length);
      const sentIds = new Set(fake.sends.map((s) => s.callbackData));
      expect(ids.filter((id) => !sentIds.has(id))).toEqual([]);
      const owed = async () =>
        Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM webhooks.deliveries WHERE type = 'message.sent'`)).rows[0]!.n);
      await until('every message.sent webhook delivered', async () => (await owed()) >= ids.length && hooks.size >= (await owed()));
    } finally {
      await kill(workers);
      receiver.closeAllConnections();
      receiver.close();
    }
  }, 240_000);
});
