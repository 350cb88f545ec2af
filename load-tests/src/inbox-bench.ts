/**
 * Inbox benchmarks, part of `npm run bench` (`--only=inbox`):
 *   1. projection throughput: a generated log replayed from zero into the inbox read model,
 *      next to the rate at which the same log can merely be read (the ceiling), same run;
 *   2. end-to-end lag: signed webhooks at a steady rate against `npm start`'s process
 *      layout (command API, projectors and query API in one process); for every webhook,
 *      the time from its 200 to the query API answering fresh at its position;
 *   3. one large tenant: 100,000 new senders (a contact, a conversation and a 200-character
 *      text each) projected from zero, then a burst of more new senders caught up on.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { signBody, textMessage, webhookEnvelope } from '@parley/command/testing';
import { createPostgresEventStore, type EventStore, encodeEvent, type NewEvent, type ParleyEvent, type Position, START } from '@parley/events';
import { createTestDatabase } from '@parley/events/testing';
import { CheckpointWatcher, type PgProjection, PgProjector } from '@parley/projections';
import { inboxProjection } from '@parley/projections/inbox';
import pg from 'pg';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

const envelope = (event: ParleyEvent, tenantId: string, now: Date): NewEvent =>
  encodeEvent(event, randomUUID(), { tenantId, actor: { type: 'system', id: 'bench' }, correlationId: 'bench', causationId: null, now });

/** A realistic inbox log: per conversation ~14 events (messages, statuses, routing, tags, close). */
async function generateLog(store: EventStore, conversations: number): Promise<number> {
  const tenants = Array.from({ length: 20 }, () => ({ tenantId: randomUUID(), teamId: randomUUID(), agents: [randomUUID(), randomUUID(), randomUUID()] }));
  let events = 0;
  for (const t of tenants) {
    const batch = [
      envelope({ type: 'TenantRegistered', data: { tenantId: t.tenantId, name: 'Bench' } }, t.tenantId, new Date()),
      envelope({ type: 'TeamCreated', data: { teamId: t.teamId, name: 'Support' } }, t.tenantId, new Date()),
      ...t.agents.map((userId, i) =>
        envelope({ type: 'UserAdded', data: { userId, name: `Agent ${i}`, email: `a${i}@bench.test`, role: 'agent' } }, t.tenantId, new Date()),
      ),
    ];
    await store.appendToStream(`tenant-${t.tenantId}`, batch);
    events += batch.length;
  }
  let next = 0;
  const start = Date.now() - 30 * 24 * 3600 * 1000;
  const writer = async () => {
    for (let i = next++; i < conversations; i = next++) {
      const t = tenants[i % tenants.length]!;
      const agentId = t.agents[i % t.agents.length]!;
      const contactId = randomUUID();
      const conversationId = randomUUID();
      let clock = start + i * 60_000;
      const at = () => new Date((clock += 5_000));
      const waId = String(34600000000 + i);
      await store.appendToStream(`contact-${contactId}`, [
        envelope({ type: 'ContactCreated', data: { contactId, waId, userId: null, profileName: `Customer ${i}` } }, t.tenantId, at()),
      ]);
      const received = (n: number) =>
        envelope(
          {
            type: 'MessageReceived',
            data: {
              conversationId,
              messageId: randomUUID(),
              wamid: `wamid.${conversationId}.${n}`,
              contactId,
              profileName: `Customer ${i}`,
              sentAt: at().toISOString(),
              content: { type: 'text', body: `Hello, my order ${i} arrived damaged, message ${n}` },
              replyTo: null,
              referral: null,
            },
          },
          t.tenantId,
          at(),
        );
      const status = (type: 'MessageDelivered' | 'MessageRead', n: number) =>
        envelope(
          {
            type,
            data: {
              wamid: `wamid.${conversationId}.${n}`,
              messageId: null,
              conversationId: null,
              recipientId: waId,
              at: at().toISOString(),
              pricing: null,
              whatsappConversation: null,
            },
          },
          t.tenantId,
          at(),
        );
      const reply = () =>
        envelope(
          {
            type: 'MessageQueued',
            data: { conversationId, messageId: randomUUID(), content: { type: 'text', body: 'We are on it', previewUrl: false }, senderType: 'agent' },
          },
          t.tenantId,
          at(),
        );
      const stream = `thread-${conversationId}`;
      const appends: NewEvent[][] = [
        [
          envelope(
            { type: 'ConversationOpened', data: { conversationId, contactId, numberId: t.teamId, phoneNumberId: '1', origin: 'inbound' } },
            t.tenantId,
            at(),
          ),
          received(1),
        ],
        [received(2)],
        [envelope({ type: 'ConversationQueued', data: { conversationId, teamId: t.teamId, priority: 'normal' } }, t.tenantId, at())],
        [envelope({ type: 'ConversationAssigned', data: { conversationId, agentId, teamId: t.teamId } }, t.tenantId, at())],
        [envelope({ type: 'ConversationTagged', data: { conversationId, tag: i % 2 ? 'billing' : 'delivery' } }, t.tenantId, at())],
        [reply(), envelope({ type: 'ConversationStatusChanged', data: { conversationId, from: 'assigned', to: 'pending_customer' } }, t.tenantId, at())],
        [status('MessageDelivered', 1), status('MessageRead', 1)],
        [
          received(3),
          envelope({ type: 'ConversationStatusChanged', data: { conversationId, from: 'pending_customer', to: 'pending_agent' } }, t.tenantId, at()),
        ],
        [reply()],
        ...(i % 3 ? [[envelope({ type: 'ConversationClosed', data: { conversationId, reason: 'resolved', outcome: null } }, t.tenantId, at())]] : []),
      ];
      for (const a of appends) {
        await store.appendToStream(stream, a);
        events += a.length;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  return events;
}

export interface ProjectionResult {
  events: number;
  readCeiling: number;
  byBatch: { batchSize: number; rate: number }[];
}

/** Events/s into the inbox read model from zero, and the bare log read rate of the same log. */
export async function projectionThroughput(conversations: number): Promise<ProjectionResult> {
  const db = await createTestDatabase('bench_inbox');
  const store = await createPostgresEventStore({ connectionString: db.connectionString });
  const pool = new pg.Pool({ connectionString: db.connectionString, max: 4 });
  try {
    const events = await generateLog(store, conversations);
    const readRate = async () => {
      const started = performance.now();
      let after = START;
      let n = 0;
      for (;;) {
        const page = await store.readAll({ after, maxCount: 500 });
        n += page.events.length;
        if (page.events.length === 0) break;
        after = page.next;
      }
      return n / ((performance.now() - started) / 1000);
    };
    await readRate(); // warm the page cache
    const ceilings: number[] = [await readRate()];
    const byBatch: { batchSize: number; rate: number }[] = [];
    for (const batchSize of [100, 500, 2000]) {
      const projector = new PgProjector({
        pool,
        store,
        projection: { ...inboxProjection, name: `inbox_b${batchSize}`, schema: `inbox_b${batchSize}` },
        batchSize,
      });
      await projector.prepare();
      const started = performance.now();
      await projector.start();
      for (;;) {
        const s = await projector.status();
        if (s.eventsBehind === 0) break;
        await sleep(20);
      }
      const rate = events / ((performance.now() - started) / 1000);
      await projector.stop();
      byBatch.push({ batchSize, rate });
      ceilings.push(await readRate());
      console.error(`projection batch ${batchSize}: ${fmt(rate)} events/s (log read ${fmt(ceilings.at(-1)!)} events/s)`);
    }
    ceilings.sort((a, b) => a - b);
    return { events, readCeiling: ceilings[Math.floor(ceilings.length / 2)]!, byBatch };
  } finally {
    await pool.end();
    await store.close();
    await db.drop();
  }
}

const WORDS =
  'hello my order arrived damaged please help refund where is the package thanks tracking number delivery late wrong size colour return exchange invoice payment card failed account login password address change cancel subscription today again'.split(
    ' ',
  );

/** A 200-character customer text of ordinary words, different for every `n`. */
export function customerText(n: number): string {
  let text = `Hi, about order ${n}:`;
  let x = n + 1;
  while (text.length < 200) {
    x = (x * 1103515245 + 12345) % 2147483648;
    text += ` ${WORDS[x % WORDS.length]}`;
  }
  return text.slice(0, 200);
}

/**
 * Senders `from`..`to`-1 of one tenant, each new: ContactCreated (its contact stream),
 * then ConversationOpened and MessageReceived with a 200-character text (its thread), the
 * three events a webhook from a new sender appends. Many writers, so that group commit
 * fills its batches.
 */
async function appendNewSenders(store: EventStore, tenantId: string, numberId: string, from: number, to: number): Promise<number> {
  let next = from;
  let events = 0;
  const writer = async () => {
    for (let i = next++; i < to; i = next++) {
      const contactId = randomUUID();
      const conversationId = randomUUID();
      const now = new Date();
      const profileName = `Customer ${i}`;
      const customer = (event: ParleyEvent): NewEvent =>
        encodeEvent(event, randomUUID(), { tenantId, actor: { type: 'customer', id: contactId }, correlationId: 'bench', causationId: null, now });
      await store.appendToStream(`contact-${contactId}`, [
        customer({ type: 'ContactCreated', data: { contactId, waId: String(4915100000000 + i), userId: null, profileName } }),
      ]);
      await store.appendToStream(`thread-${conversationId}`, [
        customer({ type: 'ConversationOpened', data: { conversationId, contactId, numberId, phoneNumberId: '1', origin: 'inbound' } }),
        customer({
          type: 'MessageReceived',
          data: {
            conversationId,
            messageId: randomUUID(),
            wamid: `wamid.${conversationId}`,
            contactId,
            profileName,
            sentAt: now.toISOString(),
            content: { type: 'text', body: customerText(i) },
            replyTo: null,
            referral: null,
          },
        }),
      ]);
      events += 3;
    }
  };
  await Promise.all(Array.from({ length: 128 }, writer));
  return events;
}

export interface LargeTenantResult {
  contacts: number;
  events: number;
  /** Events/s over the whole log from zero, and over its first and last tenth. */
  fromZero: number;
  firstTenth: number;
  lastTenth: number;
  /** A burst of new senders appended while the projector was stopped, with the large tenant projected. */
  catchUp: { contacts: number; events: number; rate: number };
}

/**
 * One tenant, every sender new: `contacts` senders projected from zero by a PgProjector
 * (batches of 500), its checkpoint sampled every 100 ms from another connection; then,
 * with the projector stopped, a burst of `contacts / 10` more new senders, caught up on
 * when it starts again. The projector's pool keeps its sessions (as under steady
 * traffic): plans cached while the tenant was small are still the ones in use.
 */
export async function largeTenantThroughput(contacts: number, projection: PgProjection = inboxProjection): Promise<LargeTenantResult> {
  const db = await createTestDatabase('bench_inbox_large');
  const store = await createPostgresEventStore({ connectionString: db.connectionString });
  const pool = new pg.Pool({ connectionString: db.connectionString, max: 4, idleTimeoutMillis: 0 });
  const watch = new pg.Pool({ connectionString: db.connectionString, max: 1 });
  try {
    const tenantId = randomUUID();
    const numberId = randomUUID();
    await store.appendToStream(`tenant-${tenantId}`, [envelope({ type: 'TenantRegistered', data: { tenantId, name: 'Large' } }, tenantId, new Date())]);
    const generated = performance.now();
    const events = 1 + (await appendNewSenders(store, tenantId, numberId, 0, contacts));
    console.error(`large tenant: ${fmt(events)} events appended in ${((performance.now() - generated) / 1000).toFixed(1)} s`);
    const checkpoint = async () => {
      const r = await watch.query<{ position: string }>('SELECT position FROM projector.checkpoints WHERE projector = $1', [projection.name]);
      return Number(r.rows[0]?.position || '0');
    };
    const head = async () => Number(await store.headPosition());
    /** Runs the projector until it reaches the head; (time, position) samples from `started`. */
    const follow = async (projector: PgProjector, target: number) => {
      const started = performance.now();
      const from = await checkpoint();
      const samples: { t: number; position: number }[] = [{ t: 0, position: from }];
      await projector.start();
      for (;;) {
        const position = await checkpoint();
        samples.push({ t: (performance.now() - started) / 1000, position });
        if (position >= target) break;
        await sleep(100);
      }
      return samples;
    };
    const rateBetween = (samples: { t: number; position: number }[], from: number, to: number) => {
      // The last sample at or before `from` and the first at or after `to`: they span the range.
      const a = samples.findLast((s) => s.position <= from) ?? samples[0]!;
      const b = samples.find((s) => s.position >= to) ?? samples.at(-1)!;
      return (b.position - a.position) / (b.t - a.t);
    };

    const projector = new PgProjector({ pool, store, projection, batchSize: 500 });
    await projector.prepare();
    const end = await head();
    const zero = await follow(projector, end);
    await projector.stop();
    const fromZero = end / zero.at(-1)!.t;
    const firstTenth = rateBetween(zero, 0, end / 10);
    const lastTenth = rateBetween(zero, (end * 9) / 10, end);
    console.error(`large tenant from zero: ${fmt(fromZero)} events/s (first tenth ${fmt(firstTenth)}, last tenth ${fmt(lastTenth)})`);

    const burst = Math.max(1, Math.round(contacts / 10));
    const burstEvents = await appendNewSenders(store, tenantId, numberId, contacts, contacts + burst);
    const caught = await follow(projector, await head());
    await projector.stop();
    const rate = burstEvents / caught.at(-1)!.t;
    console.error(`large tenant catch-up: ${fmt(burstEvents)} events at ${fmt(rate)} events/s`);
    return { contacts, events, fromZero, firstTenth, lastTenth, catchUp: { contacts: burst, events: burstEvents, rate } };
  } finally {
    await watch.end();
    await pool.end();
    await store.close();
    await db.drop();
  }
}

export interface LagResult {
  /** The platform process ran the embedded ClickHouse projector too (npm start's default). */
  analytics: boolean;
  rate: number;
  seconds: number;
  sent: number;
  p50: number;
  p99: number;
  max: number;
  stale: number;
  /** From the 200 to the inbox checkpoint passing the webhook's position, read from PostgreSQL. */
  checkpointP50: number;
  checkpointP99: number;
}

async function startPlatform(
  url: string,
  adminKey: string,
  dataDir: string,
  ports: { command: number; query: number },
  analytics: boolean,
): Promise<ChildProcess> {
  const { PARLEY_DEMO_FILE: _noDemo, ...env } = process.env;
  const child = spawn('npx', ['tsx', 'infra/src/run-platform.ts'], {
    env: {
      ...env,
      PARLEY_DATABASE_URL: url,
      PARLEY_ADMIN_KEY: adminKey,
      PARLEY_SECRET_KEY: randomBytes(32).toString('base64'),
      PARLEY_DATA_DIR: dataDir,
      COMMAND_PORT: String(ports.command),
      QUERY_PORT: String(ports.query),
      PARLEY_ANALYTICS: analytics ? 'on' : 'off',
      NODE_OPTIONS: '--max-semi-space-size=64',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 600 && !out.includes('query API'); i++) await sleep(100);
  if (!out.includes('query API')) throw new Error(`platform did not start: ${out}`);
  return child;
}

/** Webhook 200 → query API fresh at that position, at steady rates (open loop: sends do not wait for answers). */
export async function endToEndLag(rates: readonly number[], seconds: number, analytics = true): Promise<LagResult[]> {
  const db = await createTestDatabase('bench_lag');
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const adminKey = randomBytes(16).toString('hex');
  const ports = { command: 3911, query: 3912 };
  const platform = await startPlatform(db.connectionString, adminKey, dataDir, ports, analytics);
  const commandUrl = `http://127.0.0.1:${ports.command}`;
  const queryUrl = `http://127.0.0.1:${ports.query}`;
  try {
    const post = async (path: string, body: unknown, key: string) => {
      const res = await fetch(`${commandUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, string>;
    };
    const tenant = await post('/v1/tenants', { name: 'Bench', admin: { name: 'B', email: 'b@bench.test' } }, adminKey);
    const key = tenant.apiKey!;
    const appSecret = randomBytes(24).toString('hex');
    const phoneNumberId = '555000111333';
    await post('/v1/whatsapp-numbers', { phoneNumberId, displayPhoneNumber: '+1 555 0001', appSecret, verifyToken: 'bench-verify' }, key);

    // The projector's own part of the lag: its checkpoint, watched from here (polled every 2 ms, not notified).
    const watchPool = new pg.Pool({ connectionString: db.connectionString, max: 1 });
    const checkpoint = new CheckpointWatcher(
      watchPool,
      {
        comparePositions: (a, b) => (BigInt(a || '0') < BigInt(b || '0') ? -1 : BigInt(a || '0') > BigInt(b || '0') ? 1 : 0),
        isPosition: (v): v is Position => /^[0-9]*$/.test(v),
      },
      'inbox',
      { pollMs: 2, listen: false },
    );
    let n = 0;
    const one = async (): Promise<{ lag: number; fresh: boolean; checkpointLag: number }> => {
      const from = String(5215600000000 + (n % 500));
      const raw = JSON.stringify(
        webhookEnvelope({ phoneNumberId, contacts: [{ waId: from, name: `C${n % 500}` }], messages: [textMessage({ from, body: `message ${n++}` })] }),
      );
      const res = await fetch(`${commandUrl}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, appSecret) },
        body: raw,
      });
      const accepted = performance.now();
      if (!res.ok) throw new Error(`webhook ${res.status}`);
      const { positions } = (await res.json()) as { positions: string[] };
      const position = positions.reduce((a, b) => (BigInt(b) > BigInt(a) ? b : a));
      const checkpointLag = checkpoint.waitFor(position as Position, 10_000).then(() => performance.now() - accepted);
      const q = await fetch(`${queryUrl}/v1/conversations?limit=1&minPosition=${position}&waitMs=10000`, { headers: { authorization: `Bearer ${key}` } });
      await q.arrayBuffer();
      return { lag: performance.now() - accepted, fresh: q.headers.get('parley-consistency') === 'fresh', checkpointLag: await checkpointLag };
    };
    const results: LagResult[] = [];
    for (const rate of rates) {
      // Warm-up at the same rate, then the measured run.
      for (const [duration, measured] of [
        [3, false],
        [seconds, true],
      ] as const) {
        const lags: number[] = [];
        const checkpointLags: number[] = [];
        let stale = 0;
        const inflight: Promise<void>[] = [];
        const started = performance.now();
        const total = Math.round(rate * duration);
        for (let i = 0; i < total; i++) {
          const due = started + (i * 1000) / rate;
          const wait = due - performance.now();
          if (wait > 1) await sleep(wait);
          inflight.push(
            one().then((r) => {
              lags.push(r.lag);
              checkpointLags.push(r.checkpointLag);
              if (!r.fresh) stale += 1;
            }),
          );
        }
        await Promise.all(inflight);
        if (!measured) continue;
        lags.sort((a, b) => a - b);
        checkpointLags.sort((a, b) => a - b);
        const result = {
          analytics,
          rate,
          seconds,
          sent: total,
          p50: quantile(lags, 0.5),
          p99: quantile(lags, 0.99),
          max: lags.at(-1) ?? Number.NaN,
          stale,
          checkpointP50: quantile(checkpointLags, 0.5),
          checkpointP99: quantile(checkpointLags, 0.99),
        };
        results.push(result);
        console.error(
          `lag at ${rate}/s${analytics ? '' : ' (analytics off)'}: p50 ${result.p50.toFixed(1)} ms p99 ${result.p99.toFixed(1)} ms max ${result.max.toFixed(1)} ms stale ${stale}; checkpoint p50 ${result.checkpointP50.toFixed(1)} p99 ${result.checkpointP99.toFixed(1)}`,
        );
      }
    }
    await checkpoint.close();
    await watchPool.end();
    return results;
  } finally {
    if (platform.pid) process.kill(-platform.pid, 'SIGTERM');
    await once(platform, 'exit').catch(() => undefined);
    // chDB may still be writing its store as the platform exits: ENOTEMPTY, so retry.
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    await db.drop();
  }
}

export function printInboxResults(projection: ProjectionResult | undefined, lag: LagResult[] | undefined, large?: LargeTenantResult): void {
  if (projection) {
    console.log(`\n| inbox projection from zero (${fmt(projection.events)} events, 20 tenants) | events/s | % of log read rate |`);
    console.log('|---|---|---|');
    console.log(`| log read alone, 500 per page (ceiling, median of the run) | ${fmt(projection.readCeiling)} | 100% |`);
    for (const b of projection.byBatch) {
      console.log(`| projector, batches of ${b.batchSize} | ${fmt(b.rate)} | ${Math.round((100 * b.rate) / projection.readCeiling)}% |`);
    }
  }
  if (large) {
    const small = projection?.byBatch.find((b) => b.batchSize === 500)?.rate;
    const vs = (rate: number) => (small ? `${Math.round((100 * rate) / small)}%` : 'n/a');
    console.log(
      `\n| inbox projection, one tenant of ${fmt(large.contacts)} new senders (contact, conversation, 200-character text each), batches of 500 | events/s | % of the 20-tenant case, batches of 500 (same run) |`,
    );
    console.log('|---|---|---|');
    console.log(`| from zero, whole log (${fmt(large.events)} events) | ${fmt(large.fromZero)} | ${vs(large.fromZero)} |`);
    console.log(`| from zero, first tenth of the log | ${fmt(large.firstTenth)} | ${vs(large.firstTenth)} |`);
    console.log(
      `| from zero, last tenth of the log (${fmt(Math.round(large.contacts * 0.9))}+ contacts in the tenant) | ${fmt(large.lastTenth)} | ${vs(large.lastTenth)} |`,
    );
    console.log(
      `| catching up on ${fmt(large.catchUp.contacts)} more new senders (${fmt(large.catchUp.events)} events) after the tenant is projected | ${fmt(large.catchUp.rate)} | ${vs(large.catchUp.rate)} |`,
    );
  }
  if (lag?.length) {
    console.log(
      '\n| end-to-end lag: webhook 200 → query API fresh at its position (npm start layout: one process) | p50 | p99 | max | stale answers | of which: 200 → inbox checkpoint p50 / p99 |',
    );
    console.log('|---|---|---|---|---|---|');
    for (const l of lag) {
      console.log(
        `| ${l.rate} webhooks/s for ${l.seconds} s (${fmt(l.sent)} webhooks), ${l.analytics ? 'with the chDB analytics projector (default)' : 'PARLEY_ANALYTICS=off'} | ${l.p50.toFixed(1)} ms | ${l.p99.toFixed(1)} ms | ${l.max.toFixed(1)} ms | ${l.stale} | ${l.checkpointP50.toFixed(1)} ms / ${l.checkpointP99.toFixed(1)} ms |`,
      );
    }
  }
}
