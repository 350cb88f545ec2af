/**
 * `npm run bench`: the event store's append throughput and the webhook's ingest rate,
 * each next to its ceiling measured in the same run on the same PostgreSQL:
 *   1. raw INSERT throughput (the ceiling: one row or ten per transaction, 1/8/32 writers),
 *   2. PostgreSQL event store appends (single events and batches of 10, 1/8/32 writers),
 *   3. signed webhook ingest against the command API running as its own process
 *      (autocannon drives it; the k6 script in load-tests/k6 is the same scenario),
 * then the inbox projection and lag (inbox-bench.ts), the query side's authentication next
 * to a bare lookup on the same pool (identity-bench.ts), sending through the workers next to
 * bare BullMQ on the same Redis (sending-bench.ts), the analytics (analytics-bench.ts) and the
 * dashboard's report pages next to their query API calls (dashboard-bench.ts);
 * `--only=billing` runs the usage metering benchmark (billing-bench.ts).
 * Prints a markdown table; docs/benchmarks.md quotes it with the command.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { signBody, textMessage, webhookEnvelope } from '@parley/command/testing';
import { createPostgresEventStore, type NewEvent } from '@parley/events';
import { createTestDatabase } from '@parley/events/testing';
import autocannon from 'autocannon';
import pg from 'pg';
import { runAnalyticsBench } from './analytics-bench.ts';
import { runBillingBench } from './billing-bench.ts';
import { runBillingRunBench } from './billing-run-bench.ts';
import { runDashboardBench } from './dashboard-bench.ts';
import { identityBench, printIdentityResults } from './identity-bench.ts';
import { customerText, endToEndLag, largeTenantThroughput, printInboxResults, projectionThroughput } from './inbox-bench.ts';
import { measure } from './measure.ts';
import { printSendingResults, sendingBench } from './sending-bench.ts';

const args = new Map(
  process.argv.slice(2).map((a): [string, string] => {
    const [key, ...value] = a.replace(/^--/, '').split('=');
    return [key ?? '', value.join('=')];
  }),
);
const SECONDS = Number(args.get('seconds') ?? 6);
const SLICES = 3;
const WEBHOOK_SECONDS = Number(args.get('webhook-seconds') ?? 15);
const CONCURRENCY = (args.get('writers') ?? '1,8,32').split(',').map(Number);
const only = args.get('only'); // "append" | "webhook" | "inbox" | "identity" | "sending" | "analytics" | "dashboard" | "billing"
const CONNECTIONS = Number(args.get('connections') ?? 64);
/** Returning senders of the inbox section's webhook comparison. */
const SENDERS = 2000;
/** As infra/start.sh runs the API: a larger young generation, fewer scavenges under load. */
const API_NODE_OPTIONS = '--max-semi-space-size=64';

interface Row {
  what: string;
  writers: number;
  perCall: number;
  rate: number;
  ceiling: number;
  /** Events per group commit, and its duration as the appender saw it. */
  perCommit: number;
  commitMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/**
 * Raw INSERT (the ceiling) and event-store appends, measured in alternating slices so
 * that the disk's drift during the run weighs on both alike; each figure is the median
 * of its slices.
 */
async function appendCell(url: string, writers: number, perCall: number): Promise<{ ceiling: number; rate: number; perCommit: number; commitMs: number }> {
  const pool = new pg.Pool({ connectionString: url, max: writers });
  await pool.query(`DROP TABLE IF EXISTS raw_insert; CREATE TABLE raw_insert (
    id bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, payload jsonb NOT NULL)`);
  const payload = JSON.stringify({ type: 'MessageReceived', body: 'x'.repeat(200) });
  const values = Array.from({ length: perCall }, (_, i) => `($${i * 2 + 1}, $${i * 2 + 2})`).join(', ');
  const sql = `INSERT INTO raw_insert (event_id, payload) VALUES ${values}`;
  const raw = () =>
    measure(writers, SECONDS / SLICES, async () => {
      await pool.query(sql, Array.from({ length: perCall }, () => [randomUUID(), payload]).flat());
      return perCall;
    });

  const store = await createPostgresEventStore({ connectionString: url });
  const data = { body: 'x'.repeat(200) };
  const revisions = new Map<number, number>();
  const prefix = randomBytes(4).toString('hex');
  const appends = () =>
    measure(writers, SECONDS / SLICES, async (w) => {
      const events: NewEvent[] = Array.from({ length: perCall }, () => ({
        eventId: randomUUID(),
        type: 'MessageReceived',
        data,
        metadata: { tenantId: 'bench' },
      }));
      // Each writer owns a stream and appends with its exact expected revision, as command handlers do.
      const expected = revisions.get(w) ?? 'no_stream';
      const result = await store.appendToStream(`bench-${prefix}-${w}`, events, { expectedRevision: expected });
      revisions.set(w, result.nextExpectedRevision);
      return perCall;
    });

  // Warm-up, not measured: connections, plan caches, the append function's first calls.
  await raw();
  await appends();
  const ceilings: number[] = [];
  const rates: number[] = [];
  const before = { ...store.stats };
  for (let i = 0; i < SLICES; i++) {
    ceilings.push(await raw());
    rates.push(await appends());
  }
  const batches = store.stats.batches - before.batches;
  const perCommit = (store.stats.events - before.events) / batches;
  const commitMs = (store.stats.flushMs - before.flushMs) / batches;
  await Promise.all([pool.end(), store.close()]);
  return { ceiling: median(ceilings), rate: median(rates), perCommit, commitMs };
}

async function startCommandApi(url: string, port: number, adminKey: string): Promise<ChildProcess> {
  const { PARLEY_DEMO_FILE: _noDemo, ...env } = process.env;
  const child = spawn('npx', ['tsx', 'command/src/main.ts'], {
    env: {
      ...env,
      PARLEY_DATABASE_URL: url,
      PARLEY_ADMIN_KEY: adminKey,
      PARLEY_SECRET_KEY: randomBytes(32).toString('base64'),
      COMMAND_PORT: String(port),
      NODE_OPTIONS: args.get('api-node-options') ?? API_NODE_OPTIONS,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 200 && !out.includes('command API'); i++) await sleep(100);
  if (!out.includes('command API')) throw new Error(`command API did not start: ${out}`);
  return child;
}

interface WebhookResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  /** CPU microseconds per request: command API process, PostgreSQL, load generator. */
  cpu: { api: number; postgres: number; generator: number };
  /** Resident memory of the command API's node process after the run, MB. */
  rssMb: number;
}

interface WebhookOptions {
  /** 'returning': `contacts` senders over and over; 'new': every request from a sender never seen before. */
  senders: 'returning' | 'new';
  contacts: number;
  text: (n: number) => string;
}

async function webhookIngest(
  url: string,
  options: WebhookOptions = { senders: 'returning', contacts: 2000, text: (n) => `message ${n}` },
): Promise<WebhookResult> {
  const port = 3901;
  const adminKey = randomBytes(16).toString('hex');
  const api = await startCommandApi(url, port, adminKey);
  const base = `http://127.0.0.1:${port}`;
  try {
    const post = async (path: string, body: unknown, key: string) => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, string>;
    };
    const tenant = await post('/v1/tenants', { name: 'Bench', admin: { name: 'B', email: 'b@bench.test' } }, adminKey);
    const appSecret = randomBytes(24).toString('hex');
    // One number per run: the inbox section runs this twice on the same database.
    const phoneNumberId = String(555000000000 + Math.floor(Math.random() * 999_999_999));
    await post('/v1/whatsapp-numbers', { phoneNumberId, displayPhoneNumber: '+1 555 0000', appSecret, verifyToken: 'bench-verify' }, tenant.apiKey!);

    // Bodies are built and signed before the clock starts, so the load generator (on the
    // same two cores) spends its CPU on sending, not on building JSON and HMACs.
    const { contacts } = options;
    const prepared = Array.from({ length: Math.ceil(WEBHOOK_SECONDS + 3) * 9000 }, (_, n) => {
      const sender = options.senders === 'new' ? n : n % contacts;
      const from = String(5215500000000 + sender);
      const raw = JSON.stringify(
        webhookEnvelope({ phoneNumberId, contacts: [{ waId: from, name: `Customer ${sender}` }], messages: [textMessage({ from, body: options.text(n) })] }),
      );
      return { raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, appSecret) } };
    });
    let next = 0;
    const run = (seconds: number) =>
      autocannon({
        url: `${base}/webhooks/whatsapp`,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => {
              const body = prepared[next++ % prepared.length]!;
              return { ...req, body: body.raw, headers: body.headers };
            },
          },
        ],
      });
    await run(3); // warm-up: JIT, caches, first message of every contact
    const apiGroup = api.pid ?? -1;
    const apiCpu = () => cpuSeconds((s) => s.pgrp === apiGroup);
    const pgCpu = () => cpuSeconds((s) => s.comm.startsWith('postgres'));
    const before = { api: apiCpu(), postgres: pgCpu(), generator: process.cpuUsage() };
    const result = await run(WEBHOOK_SECONDS);
    const generator = process.cpuUsage(before.generator);
    const rssMb = Math.max(0, ...rssKb((s) => s.pgrp === apiGroup)) / 1024;
    const perRequest = (seconds: number) => Math.round((seconds * 1e6) / result.requests.total);
    return {
      cpu: {
        api: perRequest(apiCpu() - before.api),
        postgres: perRequest(pgCpu() - before.postgres),
        generator: perRequest((generator.user + generator.system) / 1e6),
      },
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.non2xx + result.timeouts,
      requests: result.requests.total,
      rssMb,
    };
  } finally {
    if (api.pid) process.kill(-api.pid, 'SIGTERM');
    await once(api, 'exit').catch(() => undefined);
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** VmRSS in kB of each process matching `pick` (Linux /proc). */
function rssKb(pick: (stat: { pgrp: number }) => boolean): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!pick({ pgrp: Number(raw.slice(raw.lastIndexOf(')') + 2).split(' ')[2]) })) continue;
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss) out.push(Number(rss[1]));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** CPU seconds used so far by processes matching `pick` (Linux /proc), to split the machine's two cores. */
function cpuSeconds(pick: (stat: { comm: string; pgrp: number }) => boolean): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')'));
      const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
      if (pick({ comm, pgrp: Number(fields[2]) })) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended while we looked
    }
  }
  return ticks / CLOCK_TICKS;
}

async function main() {
  const db = await createTestDatabase('bench');
  const rows: Row[] = [];
  try {
    if (!only || only === 'append') {
      for (const perCall of [1, 10]) {
        for (const writers of CONCURRENCY) {
          const { ceiling, rate, perCommit, commitMs } = await appendCell(db.connectionString, writers, perCall);
          rows.push({ what: 'event store append', writers, perCall, rate, ceiling, perCommit, commitMs });
          console.error(
            `append ${perCall}/call ${writers} writers: ${fmt(rate)} events/s vs raw INSERT ${fmt(ceiling)} rows/s (${perCommit.toFixed(1)} events/commit, ${commitMs.toFixed(2)} ms/commit)`,
          );
        }
      }
    }
    let webhook: Awaited<ReturnType<typeof webhookIngest>> | undefined;
    if (!only || only === 'webhook') {
      webhook = await webhookIngest(db.connectionString);
      console.error(`webhook: ${fmt(webhook.rps)} req/s p50 ${webhook.p50} ms p99 ${webhook.p99} ms cpu ${JSON.stringify(webhook.cpu)}`);
    }

    let projection: Awaited<ReturnType<typeof projectionThroughput>> | undefined;
    let lag: Awaited<ReturnType<typeof endToEndLag>> | undefined;
    let large: Awaited<ReturnType<typeof largeTenantThroughput>> | undefined;
    let senders: { returning: WebhookResult; fresh: WebhookResult } | undefined;
    if (!only || only === 'inbox') {
      projection = await projectionThroughput(Number(args.get('inbox-conversations') ?? 5000));
      large = await largeTenantThroughput(Number(args.get('inbox-large-contacts') ?? 100_000));
      // One tenant's webhooks, 200-character texts: senders already known vs every one new.
      const returning = await webhookIngest(db.connectionString, { senders: 'returning', contacts: SENDERS, text: customerText });
      console.error(
        `webhook, returning senders: ${fmt(returning.rps)} req/s p50 ${returning.p50} ms p99 ${returning.p99} ms rss ${returning.rssMb.toFixed(0)} MB`,
      );
      const fresh = await webhookIngest(db.connectionString, { senders: 'new', contacts: SENDERS, text: customerText });
      console.error(`webhook, new senders: ${fmt(fresh.rps)} req/s p50 ${fresh.p50} ms p99 ${fresh.p99} ms rss ${fresh.rssMb.toFixed(0)} MB`);
      senders = { returning, fresh };
      const rates = (args.get('lag-rates') ?? '100,400').split(',').map(Number);
      const lagSeconds = Number(args.get('lag-seconds') ?? 15);
      // npm start's layout, then the same without the in-process ClickHouse projector: its share.
      lag = [...(await endToEndLag(rates, lagSeconds, true)), ...(await endToEndLag(rates, lagSeconds, false))];
    }

    let identity: Awaited<ReturnType<typeof identityBench>> | undefined;
    if (!only || only === 'identity') {
      identity = await identityBench({ users: Number(args.get('identity-users') ?? 200), loops: 16, seconds: Number(args.get('identity-seconds') ?? 5) });
    }

    let sending: Awaited<ReturnType<typeof sendingBench>> | undefined;
    if (!only || only === 'sending') {
      sending = await sendingBench({
        seconds: Number(args.get('sending-seconds') ?? 5),
        numbers: (args.get('sending-numbers') ?? '1,50').split(',').map(Number),
        layout: args.get('sending-layout') === 'inline' ? 'inline' : 'process',
        ...(args.has('sending-max-offered') && { maxOffered: Number(args.get('sending-max-offered')) }),
      });
    }

    console.log(
      `\n### npm run bench (${new Date().toISOString()}, ${SECONDS}s per side of each append cell in ${SLICES} alternating slices, ${WEBHOOK_SECONDS}s webhook)\n`,
    );
    if (rows.length) {
      console.log('| events per append | writers | raw INSERT rows/s (ceiling) | event store events/s | % of ceiling | events per commit | ms per commit |');
      console.log('|---|---|---|---|---|---|---|');
      for (const r of rows) {
        console.log(
          `| ${r.perCall} | ${r.writers} | ${fmt(r.ceiling)} | ${fmt(r.rate)} | ${Math.round((100 * r.rate) / r.ceiling)}% | ${r.perCommit.toFixed(1)} | ${r.commitMs.toFixed(2)} |`,
        );
      }
    }
    if (webhook) {
      console.log('\n| signed webhook ingest (1 text message each, 2,000 contacts, 64 connections) | value |');
      console.log('|---|---|');
      console.log(`| requests/s | ${fmt(webhook.rps)} |`);
      console.log(`| latency p50 / p99 | ${webhook.p50} ms / ${webhook.p99} ms |`);
      console.log(`| requests / errors or non-2xx | ${fmt(webhook.requests)} / ${webhook.errors} |`);
      console.log(
        `| CPU per request: command API / PostgreSQL / load generator | ${webhook.cpu.api} µs / ${webhook.cpu.postgres} µs / ${webhook.cpu.generator} µs |`,
      );
      console.log(
        `| single-row INSERT ceiling, 32 writers (same run) | ${fmt(rows.find((r) => r.writers === 32 && r.perCall === 1)?.ceiling ?? Number.NaN)} rows/s |`,
      );
    }
    printInboxResults(projection, lag, large);
    printIdentityResults(identity);
    printSendingResults(sending);
    if (senders) {
      console.log(
        `\n| signed webhook ingest, one tenant, 200-character texts, ${CONNECTIONS} connections, ${WEBHOOK_SECONDS} s | requests/s | % of returning | latency p50 / p99 | requests / errors or non-2xx | CPU per request: command API / PostgreSQL | command API RSS after |`,
      );
      console.log('|---|---|---|---|---|---|---|');
      for (const [label, r] of [
        [`returning senders (${fmt(SENDERS)}, each seen in the warm-up)`, senders.returning],
        ['new senders (every request a new contact and conversation)', senders.fresh],
      ] as const) {
        console.log(
          `| ${label} | ${fmt(r.rps)} | ${Math.round((100 * r.rps) / senders.returning.rps)}% | ${r.p50} ms / ${r.p99} ms | ${fmt(r.requests)} / ${r.errors} | ${r.cpu.api} µs / ${r.cpu.postgres} µs | ${r.rssMb.toFixed(0)} MB |`,
        );
      }
    }
    if (only === 'billing') {
      // Only when asked for: ten million events through the projector take long on a small machine.
      await runBillingRunBench({ tenants: Number(args.get('billing-tenants') ?? 10_000), log: (line) => console.log(line) });
      const usageEvents = Number(args.get('usage-events') ?? 10_000_000);
      if (usageEvents > 0) await runBillingBench({ events: usageEvents, log: (line) => console.log(line) });
    }
    if (!only || only === 'analytics') {
      // Last: it prints its own tables as it goes (10 million facts take minutes).
      await runAnalyticsBench({ facts: Number(args.get('facts') ?? 10_000_000), log: (line) => console.log(line) });
    }
    if (!only || only === 'dashboard') {
      await runDashboardBench({ facts: Number(args.get('dashboard-facts') ?? 10_000_000), log: (line) => console.log(line) });
    }
  } finally {
    await db.drop();
  }
}

await main();
