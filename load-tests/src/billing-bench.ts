/**
 * Usage metering benchmark (`npm run bench -- --only=billing`, `--usage-events=N`,
 * default 10,000,000):
 *   1. N events of the metered kinds (and some the meters skip), 1,000 tenants, one of
 *      them with a tenth of the traffic, 90 days, 2% late by three days, bulk-loaded
 *      into the PostgreSQL event store by SQL;
 *   2. the usage projector meters them from the store into chDB: events/s;
 *   3. the same usage rows copied into a plain PostgreSQL table with the indexes a
 *      PostgreSQL implementation would have;
 *   4. one tenant's usage over its current period (March in Europe/Berlin, a DST change
 *      inside), p50/p95 over 200 calls, ClickHouse (the usage rollup by grain) and PostgreSQL
 *      (the raw rows), same run; both answers compared.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresEventStore } from '@parley/events';
import { createTestDatabase } from '@parley/events/testing';
import { createClickHouseClient, migrate } from '@parley/projections/analytics';
import { DEFAULT_METERS, UsageProjector, usageForPeriod } from '@parley/projections/usage';
import pg from 'pg';
import { BASE_S, fmt, pick } from './analytics-bench.ts';

export interface BillingBenchOptions {
  events: number;
  calls?: number;
  log: (line: string) => void;
}

const SPAN_S = 90 * 86_400;
const TENANTS = 1_000;
const CHUNK = 1_000_000;
/** March 2026 in Europe/Berlin: from CET midnight to CEST midnight (summer time starts on the 29th). */
const PERIOD = { from: new Date('2026-02-28T23:00:00Z'), to: new Date('2026-03-31T22:00:00Z') };

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
async function latencies(calls: number, run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 5; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

/**
 * One generated event per n, in SQL: its tenant (blocks of 20 events; a tenth of the
 * blocks to tenant 0), kind (by n % 20), instant (in log order over 90 days; every 50th
 * three days late), data and envelope, valid for the event catalog.
 */
const EVENTS_SQL = (lo: number, hi: number, total: number) => `
  INSERT INTO events (global_position, stream_id, stream_revision, event_id, event_type, data, metadata)
  SELECT n + 1, 'bench-' || (n / 1000), n % 1000, bench_uuid('e' || n)::uuid, k.kind, ${DATA}, jsonb_build_object(
      'eventId', bench_uuid('e' || n), 'tenantId', k.tenant, 'schemaVersion', 1, 'occurredAt', k.at,
      'correlationId', 'bench', 'causationId', NULL, 'actor', jsonb_build_object('type', 'system', 'id', 'bench'))
  FROM generate_series(${lo}::bigint, ${hi}::bigint) n,
  LATERAL (SELECT CASE WHEN (n / 20) % 10 = 0 THEN 0 ELSE 1 + ((n / 20) * 7919) % ${TENANTS - 1} END AS t) a,
  LATERAL (SELECT bench_uuid('tenant-' || a.t) AS tenant,
      to_char(to_timestamp(GREATEST(${BASE_S}, ${BASE_S} + (n * ${SPAN_S}) / ${total} - CASE WHEN n % 50 = 7 THEN 3 * 86400 ELSE 0 END)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
      CASE WHEN n % 20 < 6 THEN 'MessageDelivered' WHEN n % 20 < 10 THEN 'MessageSent' WHEN n % 20 < 14 THEN 'MessageReceived'
           WHEN n % 20 < 16 THEN 'ConversationOpened' WHEN n % 20 < 18 THEN 'WebhookDeliveryAttempted' WHEN n % 20 = 18 THEN 'MessageRead'
           WHEN (n / 20) % 100 = 0 THEN 'UserAdded' ELSE 'MessageDelivered' END AS kind) k`;
const CONTACT = `bench_uuid('contact-' || a.t || '-' || (n * 31) % 5000)`;
const DATA = `CASE
  WHEN k.kind IN ('MessageDelivered', 'MessageSent', 'MessageRead') THEN jsonb_build_object(
    'wamid', 'wamid.' || n, 'messageId', bench_uuid('m' || n), 'conversationId', bench_uuid('c' || n),
    'recipientId', ${pick('(n / 20)', ['4915123', '141582', '161323', '551198', '91987', '44770090'])} || lpad((n % 100000)::text, 5, '0'),
    'at', k.at, 'whatsappConversation', NULL,
    'pricing', jsonb_build_object('billable', n % 3 <> 0, 'pricingModel', 'PMP', 'category', ${pick('(n / 7)', ['marketing', 'utility', 'authentication', 'service'])}, 'type', 'regular'))
  WHEN k.kind = 'MessageReceived' THEN jsonb_build_object(
    'conversationId', bench_uuid('c' || n), 'messageId', bench_uuid('m' || n), 'wamid', 'wamid.' || n, 'contactId', ${CONTACT},
    'profileName', NULL, 'sentAt', k.at, 'content', jsonb_build_object('type', 'text', 'body', 'hi'), 'replyTo', NULL, 'referral', NULL)
  WHEN k.kind = 'ConversationOpened' THEN jsonb_build_object(
    'conversationId', bench_uuid('c' || n), 'contactId', ${CONTACT}, 'numberId', k.tenant, 'phoneNumberId', '100200300',
    'origin', ${pick('(n / 20)', ['inbound', 'inbound', 'outbound'])})
  WHEN k.kind = 'WebhookDeliveryAttempted' THEN jsonb_build_object(
    'subscriptionId', bench_uuid('s' || a.t), 'deliveryId', bench_uuid('d' || n), 'attempt', 1,
    'outcome', ${pick('(n / 20)', ['delivered', 'delivered', 'retrying', 'failed'])}, 'httpStatus', 200, 'error', NULL, 'latencyMs', n % 900,
    'responseExcerpt', NULL, 'nextAttemptAt', NULL, 'at', k.at)
  ELSE jsonb_build_object('userId', bench_uuid('u' || n), 'name', 'User', 'email', 'u' || n || '@bench.test',
    'role', ${pick('(n / 2000)', ['agent', 'agent', 'supervisor', 'analyst'])})
END`;

export async function runBillingBench(options: BillingBenchOptions): Promise<void> {
  const { events, log } = options;
  const calls = options.calls ?? 200;
  const db = await createTestDatabase('billing_bench');
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-chdb-billing-'));
  const store = await createPostgresEventStore({ connectionString: db.connectionString });
  const pool = new pg.Pool({ connectionString: db.connectionString, max: 2 });
  const client = createClickHouseClient({ url: null, dataDir, database: 'parley', cluster: null });
  try {
    log(`billing bench: ${fmt(events)} events, load average (1/5/15 min) at start ${load()}`);
    // 1. The log, by SQL: RFC 4122-shaped ids (the catalog checks version and variant).
    await pool.query(`CREATE FUNCTION bench_uuid(text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
      SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-a' || substr(h, 18, 3) || '-' || substr(h, 21, 12) FROM md5($1) h $$`);
    let t = performance.now();
    // A bulk load builds the store's unique indexes once at the end, not row by row.
    await pool.query('ALTER TABLE events DROP CONSTRAINT events_event_id_key, DROP CONSTRAINT events_stream_revision_key');
    for (let lo = 0; lo < events; lo += CHUNK) await pool.query(EVENTS_SQL(lo, Math.min(events, lo + CHUNK) - 1, events));
    await pool.query(
      'ALTER TABLE events ADD CONSTRAINT events_event_id_key UNIQUE (event_id), ADD CONSTRAINT events_stream_revision_key UNIQUE (stream_id, stream_revision)',
    );
    await pool.query('ANALYZE events');
    log(`event store bulk load (SQL, unique indexes built after): ${fmt(events)} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // 2. The usage projector, alone, from the store's start to its head.
    await migrate(client, { database: 'parley', cluster: null });
    const projector = new UsageProjector({ store, client, database: 'parley', batchSize: 5_000 });
    t = performance.now();
    await projector.start();
    await projector.waitFor(undefined, 4 * 3_600_000);
    const ingestSeconds = (performance.now() - t) / 1000;
    await projector.stop();
    const [{ rows }] = (await (await client.query({ query: 'SELECT count() AS rows FROM parley.usage_events', format: 'JSONEachRow' })).json()) as [
      { rows: number },
    ];
    log(
      `usage projector ingest: ${fmt(events)} events → ${fmt(Number(rows))} usage rows in ${ingestSeconds.toFixed(1)} s: ${fmt(events / ingestSeconds)} events/s (load average after: ${load()})`,
    );

    // 3. The same rows in PostgreSQL, written by ClickHouse's postgresql() table function.
    const url = new URL(db.connectionString);
    await pool.query(
      `CREATE UNLOGGED TABLE pg_usage_events (tenant_id text, meter text, occurred_at timestamptz, event_id text, position bigint, group_key text, value float8, subject text)`,
    );
    t = performance.now();
    await client.command({
      query: `INSERT INTO FUNCTION postgresql('${url.hostname}:${url.port || 5432}', '${url.pathname.slice(1)}', 'pg_usage_events', '${url.username || 'postgres'}', '')
        SELECT tenant_id, meter, occurred_at, event_id, position, group_key, value, subject FROM parley.usage_events`,
    });
    // Covering for the period's aggregate, and by meter for the gauges' value before the period.
    await pool.query('CREATE INDEX ON pg_usage_events (tenant_id, occurred_at) INCLUDE (meter, group_key, value, subject)');
    await pool.query('CREATE INDEX ON pg_usage_events (tenant_id, meter, occurred_at, position)');
    await pool.query('VACUUM ANALYZE pg_usage_events');
    log(`PostgreSQL copy of the usage rows (unlogged, two indexes, analyze): ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // 4. One tenant's current period, both engines.
    const { rows: ids } = await pool.query<{ big: string; small: string }>(`SELECT bench_uuid('tenant-0') AS big, bench_uuid('tenant-1') AS small`);
    const { big, small } = ids[0]!;
    const pgUsage = async (tenantId: string) => {
      const [states, carried] = await Promise.all([
        pool.query<{ meter: string; group_key: string; events: string; total: number; maximum: number; uniques: string }>(
          `SELECT meter, group_key, count(*) AS events, sum(value) AS total, max(value) AS maximum, count(DISTINCT subject) AS uniques
           FROM pg_usage_events WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY meter, group_key`,
          [tenantId, PERIOD.from, PERIOD.to],
        ),
        pool.query<{ meter: string; group_key: string; value: number }>(
          `SELECT DISTINCT ON (meter, group_key) meter, group_key, value FROM pg_usage_events
           WHERE tenant_id = $1 AND meter = ANY($2) AND occurred_at < $3 ORDER BY meter, group_key, occurred_at DESC, position DESC`,
          [tenantId, DEFAULT_METERS.filter((m) => m.carriesOver).map((m) => m.key), PERIOD.from],
        ),
      ]);
      return { states: states.rows, carried: carried.rows };
    };
    // The same answer from both: PostgreSQL's rows folded by each meter's aggregation.
    const chReport = await usageForPeriod(client, 'parley', { tenantId: big, ...PERIOD });
    const pgAnswer = await pgUsage(big);
    const pgFigures: Record<string, Record<string, number>> = {};
    for (const meter of DEFAULT_METERS) {
      const fig: Record<string, number> = {};
      for (const c of pgAnswer.carried) if (c.meter === meter.key) fig[c.group_key] = c.value;
      for (const s of pgAnswer.states) {
        if (s.meter !== meter.key) continue;
        const own = { count: Number(s.events), sum: s.total, unique_count: Number(s.uniques), max: s.maximum, latest: Number.NaN }[meter.aggregation];
        fig[s.group_key] = meter.carriesOver && fig[s.group_key] !== undefined ? Math.max(fig[s.group_key]!, own) : own;
      }
      pgFigures[meter.key] = fig;
    }
    const chFigures = Object.fromEntries(chReport.meters.map((m) => [m.meter, Object.fromEntries(m.items.map((i) => [JSON.stringify(i.group), i.quantity]))]));
    const same = sameFigures(chFigures, pgFigures);
    const periodRows = Number(
      (
        await pool.query<{ n: string }>('SELECT count(*) AS n FROM pg_usage_events WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3', [
          big,
          PERIOD.from,
          PERIOD.to,
        ])
      ).rows[0]!.n,
    );
    log(`same figures from both engines for the large tenant: ${same ? 'yes' : 'NO'}`);
    const parts = (await (
      await client.query({
        query: `SELECT table, count() AS parts, sum(rows) AS rows FROM system.parts WHERE database = 'parley' AND active AND table IN ('usage_rollup', 'usage_events') GROUP BY table ORDER BY table`,
        format: 'JSONEachRow',
      })
    ).json()) as { table: string; parts: number; rows: number }[];
    log(`active parts when the queries start: ${parts.map((p) => `${p.table} ${p.parts} (${fmt(Number(p.rows))} rows)`).join(', ')}`);
    log('');
    log(
      `| current-period usage, one tenant (March in Europe/Berlin; ${calls} calls after 5 warm-up) | usage rows in its period | ClickHouse (chDB) p50 / p95 ms | PostgreSQL p50 / p95 ms | PostgreSQL / ClickHouse (p95) |`,
    );
    log('|---|---|---|---|---|');
    for (const [label, tenantId] of [
      ['large tenant (a tenth of all traffic)', big],
      ['typical tenant', small],
    ] as const) {
      const rowsIn =
        tenantId === big
          ? periodRows
          : Number(
              (
                await pool.query<{ n: string }>('SELECT count(*) AS n FROM pg_usage_events WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3', [
                  tenantId,
                  PERIOD.from,
                  PERIOD.to,
                ])
              ).rows[0]!.n,
            );
      const chl = await latencies(calls, () => usageForPeriod(client, 'parley', { tenantId, ...PERIOD }));
      const pgl = await latencies(calls, () => pgUsage(tenantId));
      log(
        `| ${label} | ${fmt(rowsIn)} | ${chl.p50.toFixed(1)} / ${chl.p95.toFixed(1)} | ${pgl.p50.toFixed(1)} / ${pgl.p95.toFixed(1)} | ${(pgl.p95 / chl.p95).toFixed(1)}× |`,
      );
    }
    // The same period's states from the quarter-hour grain alone (what a rollup of one
    // grain would read): the gain of reading whole days, same run, same table.
    const quarterOnly = () =>
      client
        .query({
          query: `SELECT meter, group_key, sum(events), sum(total), max(maximum), uniqExactMerge(subjects) FROM parley.usage_rollup
                  WHERE tenant_id = {t:String} AND grain = 0 AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')} GROUP BY meter, group_key`,
          query_params: { t: big, from: PERIOD.from.getTime() / 1000, to: PERIOD.to.getTime() / 1000 },
          format: 'JSONEachRow',
        })
        .then((r) => r.json());
    const byGrain = await latencies(calls, () => usageForPeriod(client, 'parley', { tenantId: big, ...PERIOD }));
    const quarter = await latencies(calls, quarterOnly);
    log('');
    log('| large tenant, ClickHouse, same run | p50 / p95 ms |');
    log('|---|---|');
    log(
      `| usageForPeriod (what the API runs): whole UTC days, the edge hours (Berlin's edges are on the hour), and the agent seats before the period, one read of usage_rollup | ${byGrain.p50.toFixed(1)} / ${byGrain.p95.toFixed(1)} |`,
    );
    log(`| the period's states from the quarter-hour grain alone (no gauge before the period) | ${quarter.p50.toFixed(1)} / ${quarter.p95.toFixed(1)} |`);
    log(`load average (1/5/15 min) at the end: ${load()}`);
  } finally {
    await pool.end();
    await store.close();
    await client.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Figures equal meter by meter and group by group (sums compared to a millionth: floating point). */
function sameFigures(a: Record<string, Record<string, number>>, b: Record<string, Record<string, number>>): boolean {
  for (const meter of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[meter] ?? {};
    const y = b[meter] ?? {};
    const groups = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const g of groups) if (x[g] === undefined || y[g] === undefined || Math.abs(x[g]! - y[g]!) > 1e-6 * Math.max(1, Math.abs(x[g]!))) return false;
  }
  return true;
}
