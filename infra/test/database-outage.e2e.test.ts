import { newWamid, signBody, statusUpdate, textMessage, webhookEnvelope } from '@parley/command/testing';
import { createPgPool } from '@parley/events';
import { type Analytics, createAnalytics, FACT_TABLES } from '@parley/projections/analytics';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastPosition, RunningPlatform, type TestTenant } from './support/running-platform.ts';
import { dumpSchema } from './support/table-dump.ts';

/**
 * A PostgreSQL restart or failover, simulated on this file's database alone: every
 * session is ended (pg_terminate_backend), again and again, and for a while new ones are
 * refused. The platform runs as `npm start` runs it: command API, query API, inbox
 * projector and ClickHouse projector in one process, under a stream of webhooks. After
 * the traffic stops, both projectors must catch up by themselves and end equal to a
 * rebuild from zero, and /health must say what it saw.
 */
const STALL_AFTER_SECONDS = 2;
let platform: RunningPlatform;
let tenant: TestTenant;
let pool: pg.Pool;

beforeAll(async () => {
  platform = await RunningPlatform.start('database_outage', { analytics: true, stallAfterSeconds: STALL_AFTER_SECONDS });
  tenant = await platform.tenant('outage', 1);
  pool = createPgPool({ connectionString: platform.db.connectionString, max: 2 });
  pool.on('error', () => undefined); // this file kills its sessions on purpose
});
afterAll(async () => {
  await pool?.end();
  await platform?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe().catch(() => undefined);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

interface Health {
  status: number;
  ok: boolean;
  problems: string[];
  projectors: { name: string; ok?: boolean; problems?: string[]; position: string; eventsBehind: number | null }[];
}
const health = async (): Promise<Health> => {
  const res = await platform.get('/health', undefined);
  return { status: res.status, ok: res.body?.ok, problems: res.body?.problems ?? [], projectors: res.body?.projectors ?? [] };
};

/** Customers writing and WhatsApp reporting statuses, from `senders` clients at once, until `stop()`. */
function webhookTraffic(senders: number) {
  let stopped = false;
  const acknowledged: string[] = [];
  const answers = new Map<number, number>();
  const post = async (payload: unknown): Promise<number> => {
    const raw = JSON.stringify(payload);
    try {
      const res = await fetch(`${platform.commandUrl}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, tenant.appSecret) },
        body: raw,
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  };
  const running = Array.from({ length: senders }, async (_, s) => {
    for (let i = 0; !stopped; i++) {
      const waId = `3460${String(s).padStart(2, '0')}${String(i % 6).padStart(5, '0')}`;
      const wamid = newWamid();
      const payload =
        i % 4 === 3
          ? webhookEnvelope({ phoneNumberId: tenant.phoneNumberId, statuses: [statusUpdate({ id: newWamid(), status: 'delivered', recipientId: waId })] })
          : webhookEnvelope({
              phoneNumberId: tenant.phoneNumberId,
              contacts: [{ waId, name: `Customer ${s}-${i % 6}` }],
              messages: [textMessage({ from: waId, id: wamid, body: `message ${s}-${i}` })],
            });
      const status = await post(payload);
      answers.set(status, (answers.get(status) ?? 0) + 1);
      if (status === 200 && i % 4 !== 3) acknowledged.push(wamid);
      // WhatsApp retries a failed delivery later, not in a tight loop.
      if (status !== 200) await sleep(50);
    }
  });
  return {
    acknowledged,
    answers,
    async stop() {
      stopped = true;
      await Promise.all(running);
    },
  };
}

/** Every /health answer while `work` runs, a few times a second. */
async function watchHealth<T>(work: () => Promise<T>): Promise<{ result: T; seen: Health[] }> {
  const seen: Health[] = [];
  let done = false;
  const watcher = (async () => {
    while (!done) {
      seen.push(await health().catch(() => ({ status: 0, ok: false, problems: [], projectors: [] })));
      await sleep(200);
    }
  })();
  try {
    return { result: await work(), seen };
  } finally {
    done = true;
    await watcher;
  }
}

const inboxCheckpoint = async () =>
  BigInt((await pool.query<{ position: string }>(`SELECT position FROM projector.checkpoints WHERE projector = 'inbox'`)).rows[0]?.position || '0');
const head = async () => BigInt(await platform.command.store.headPosition());

async function clickHouseDump(analytics: Analytics): Promise<Record<string, string[]>> {
  const dump: Record<string, string[]> = {};
  const replacing = new Set(['response_facts', 'conversation_facts', 'service_levels']);
  for (const table of FACT_TABLES) {
    const result = await analytics.client.query({
      query: `SELECT * FROM ${analytics.database}.${table}${replacing.has(table) ? ' FINAL' : ''}`,
      format: 'JSONEachRow',
    });
    dump[table] = (await result.json<Record<string, unknown>>()).map((r) => JSON.stringify(r)).sort();
  }
  const rollup = await analytics.client.query({ query: `SELECT sum(messages) AS n FROM ${analytics.database}.message_volume_15m`, format: 'JSONEachRow' });
  dump.rollup = (await rollup.json<Record<string, unknown>>()).map((r) => JSON.stringify(r));
  // Usage rows: each event and meter once, after the outage as after a replay.
  const usage = await analytics.client.query({
    query: `SELECT * FROM ${analytics.database}.usage_events`,
    format: 'JSONEachRow',
  });
  dump.usage = (await usage.json<Record<string, unknown>>()).map((r) => JSON.stringify(r)).sort();
  return dump;
}

describe('a lost database', () => {
  it('turns /health not-ok while a projector is stalled, and ok again once it catches up', async () => {
    const traffic = webhookTraffic(2);
    // A stuck lock on the inbox's checkpoint row: the projector cannot commit a batch.
    const blocker = await pool.connect();
    let released = false;
    try {
      await blocker.query('BEGIN');
      await blocker.query(`SELECT 1 FROM projector.checkpoints WHERE projector = 'inbox' FOR UPDATE`);
      const stalled = await until(
        async () => {
          const h = await health();
          const inbox = h.projectors.find((p) => p.name === 'inbox');
          return h.status === 503 && !h.ok && inbox?.ok === false ? { h, inbox } : undefined;
        },
        'the inbox to be reported stalled',
        10_000,
      );
      expect(stalled.inbox.problems?.join('\n')).toMatch(/^stalled: \d+ events waiting, no progress for \d+(\.\d+)? s/m);
      expect(stalled.h.problems.join('\n')).toMatch(/^inbox: stalled/m);
      // The other projector is not blamed for the inbox's trouble.
      expect(stalled.h.projectors.find((p) => p.name === 'clickhouse-analytics')?.ok).toBe(true);
      await blocker.query('ROLLBACK');
      released = true;
    } finally {
      if (!released) await blocker.query('ROLLBACK').catch(() => undefined);
      blocker.release();
      await traffic.stop();
    }
    const end = await head();
    await until(async () => (await inboxCheckpoint()) >= end, 'the inbox to catch up', 10_000);
    const after = await until(
      async () => {
        const h = await health();
        return h.status === 200 && h.ok ? h : undefined;
      },
      '/health to be ok again',
      10_000,
    );
    expect(after.problems).toEqual([]);
    expect(traffic.acknowledged.length).toBeGreaterThan(5);
  });

  it('projectors recover from killed sessions and an outage under webhook traffic, and end equal to a rebuild', async () => {
    const { result: traffic, seen } = await watchHealth(async () => {
      const traffic = webhookTraffic(6);
      await sleep(1_000);
      for (let i = 0; i < 3; i++) {
        await platform.db.terminateSessions();
        await sleep(300);
      }
      await platform.db.outage(2_500);
      await sleep(1_500);
      await platform.db.terminateSessions();
      await sleep(500);
      await platform.db.outage(1_500);
      await sleep(1_500);
      await traffic.stop();
      return traffic;
    });
    // The outage was felt, and then left behind.
    expect(traffic.answers.get(500) ?? 0).toBeGreaterThan(0);
    expect(traffic.acknowledged.length).toBeGreaterThan(50);
    expect(seen.some((h) => h.status === 503 && h.ok === false && h.problems.length > 0)).toBe(true);

    const end = await head();
    await until(async () => (await inboxCheckpoint()) >= end, `the inbox projector to catch up to ${end}`, 15_000);
    await until(async () => BigInt(platform.analytics!.projector.position) >= end, `the ClickHouse projector to catch up to ${end}`, 15_000);
    await until(async () => BigInt(platform.analytics!.usage.position) >= end, `the usage projector to catch up to ${end}`, 15_000);
    const final = await until(
      async () => {
        const h = await health();
        return h.status === 200 && h.ok ? h : undefined;
      },
      '/health to be ok',
      5_000,
    );
    expect(final.projectors.map((p) => [p.name, p.eventsBehind, p.ok])).toEqual([
      ['inbox', 0, true],
      ['plans', 0, true],
      ['billing', 0, true],
      ['invoices', 0, true],
      ['clickhouse-analytics', 0, true],
      ['clickhouse-usage', 0, true],
    ]);

    // Every message WhatsApp was told we have is in the inbox, once.
    const inboxMessages = await pool.query<{ wamid: string; n: number }>(
      'SELECT wamid, count(*)::int AS n FROM inbox.messages WHERE wamid IS NOT NULL GROUP BY wamid',
    );
    const inInbox = new Map(inboxMessages.rows.map((r) => [r.wamid, r.n]));
    for (const wamid of traffic.acknowledged) expect(inInbox.get(wamid), wamid).toBe(1);

    const live = await dumpSchema(platform.db.connectionString, 'inbox');
    await platform.query.projectors[0]!.rebuild();
    expect(live).toEqual(await dumpSchema(platform.db.connectionString, 'inbox'));

    const replay = await createAnalytics({
      store: platform.command.store,
      clickhouse: { url: null, dataDir: platform.chdbDir!, database: 'rebuilt', cluster: null },
    });
    try {
      await replay.start();
      await replay.projector.waitFor(undefined, 30_000);
      await replay.usage.waitFor(undefined, 30_000);
      expect(await clickHouseDump(platform.analytics!)).toEqual(await clickHouseDump(replay));
    } finally {
      await replay.close();
    }

    // Read-your-writes works again: the checkpoint watcher listens anew, or polls meanwhile.
    const written = await platform.webhook(
      tenant,
      webhookEnvelope({ phoneNumberId: tenant.phoneNumberId, messages: [textMessage({ from: '34600999999', body: 'after the outage' })] }),
    );
    const read = await platform.get(`/v1/conversations?minPosition=${lastPosition(written.positions)}&waitMs=5000&limit=1`, tenant.adminKey);
    expect(read.headers.get('parley-consistency')).toBe('fresh');
  }, 60_000);
});
