import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPgPool } from '@parley/events';
import { createWorkers, type Workers } from '@parley/workers';
import { FakeCloudApi } from '@parley/workers/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunningPlatform, type TestTenant } from './support/running-platform.ts';

/**
 * The workers lose their database while they drain a backlog: every session killed, then
 * connections refused for a while. They recover by themselves, and every message is sent
 * once, as the projectors do (database-outage.e2e.test.ts).
 */

const NUMBERS = 3;
const CONVERSATIONS_PER_NUMBER = 4;
const REPLIES = 25; // 3 × 4 × 25 = 300 sends
const RATE = 20; // per number: the drain takes about 5 s, long enough to fail under it

let platform: RunningPlatform;
let fake: FakeCloudApi;
let workers: Workers | undefined;
let pool: pg.Pool;
let senders: TestTenant[] = [];

beforeAll(async () => {
  platform = await RunningPlatform.start('workers_outage');
  fake = await FakeCloudApi.start({ webhookUrl: `${platform.commandUrl}/webhooks/whatsapp`, statusDelayMs: 5 });
  senders = await platform.sendingTenant('outage', NUMBERS, fake, { throughputPerSecond: RATE });
  pool = createPgPool({ connectionString: platform.db.connectionString, max: 1 });
}, 120_000);

afterAll(async () => {
  await workers?.close();
  await pool?.end();
  await fake?.settled();
  await fake?.close();
  await platform?.stop();
});

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (
    !(await Promise.resolve()
      .then(condition)
      .catch(() => false))
  ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The workers, started once for the file (each test may be the first to run). */
async function ensureWorkers(): Promise<Workers> {
  workers ??= await createWorkers({
    databaseUrl: platform.db.connectionString,
    store: platform.command.store,
    secretKey: platform.secretKey,
    redisUrl: 'redis://127.0.0.1:6379',
    whatsapp: { apiUrl: fake.url, numberRate: RATE, timeoutMs: 2_000 },
    queuePrefix: `test-${randomUUID()}`,
    reofferEveryMs: 1_000,
    jobLockMs: 2_000,
  });
  return workers;
}

describe('workers and a lost database', () => {
  it('drain a backlog through killed sessions and refused connections: every message sent once, projectors healthy again', async () => {
    // The backlog is in the log before the workers start: the outage hits the drain only.
    const ids: string[] = [];
    for (const [n, sender] of senders.entries()) {
      for (let c = 0; c < CONVERSATIONS_PER_NUMBER; c++) {
        const { conversationId } = await platform.customerWrites(sender, `5215580${n}${String(c).padStart(4, '0')}`, 'hola');
        for (let r = 0; r < REPLIES; r++) {
          ids.push(
            (await platform.cmd<{ messageId: string }>(`/v1/conversations/${conversationId}/messages`, { type: 'text', body: `r${r}` }, sender.supervisor.key))
              .messageId,
          );
        }
      }
    }
    await ensureWorkers();

    await until('the drain under way', () => fake.sends.length >= 40);
    await platform.db.terminateSessions();
    await sleep(500);
    await platform.db.terminateSessions();
    await platform.db.outage(2_000);

    const sent = async () => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM outbound.sends WHERE state = 'sent'`)).rows[0]!.n);
    await until('every message sent', async () => (await sent()) === ids.length);
    const accepted = new Set(fake.sends.map((s) => s.callbackData));
    expect(ids.filter((id) => !accepted.has(id))).toEqual([]);
    expect(fake.duplicates()).toBe(0);
    // Recovered, not just finished: both projectors caught up and report no failure now.
    await until('the projectors caught up', async () => (await Promise.all(workers!.projectors.map((p) => p.status()))).every((s) => s.eventsBehind === 0));
  }, 180_000);
  it('a send Meta took while the database was out is recorded once it is back, not sent again', async () => {
    await ensureWorkers();
    const sender = senders[0]!;
    const { conversationId } = await platform.customerWrites(sender, '521559990001', 'hola');
    // The database goes between Meta taking the message and its answer, and no status
    // webhook comes to reconcile it: only the job itself knows that the message went out.
    fake.postStatuses = false;
    let outage: Promise<void> | undefined;
    fake.beforeAnswer = async () => {
      outage ??= platform.db.outage(1_500);
      await sleep(200);
    };
    try {
      const { messageId } = await platform.cmd<{ messageId: string }>(
        `/v1/conversations/${conversationId}/messages`,
        { type: 'text', body: 'sent in the dark' },
        sender.supervisor.key,
      );
      await until('the outage begun', () => outage !== undefined);
      await outage;
      const state = async () => (await pool.query<{ state: string }>('SELECT state FROM outbound.sends WHERE message_id = $1', [messageId])).rows[0]?.state;
      await until('the send recorded', async () => (await state()) === 'sent');
      expect(fake.sends.filter((s) => s.callbackData === messageId)).toHaveLength(1);
    } finally {
      fake.beforeAnswer = undefined;
      fake.postStatuses = true;
    }
  });
});
