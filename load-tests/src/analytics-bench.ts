/**
 * ClickHouse analytics benchmark (`npm run bench -- --only=analytics`, or standalone:
 * `npx tsx load-tests/src/analytics-bench.ts --facts=10000000`):
 *   1. projector ingest: generated conversations appended to the PostgreSQL event store,
 *      then projected into chDB; events/s and fact rows/s;
 *   2. bulk load of N message facts (and N/10 conversations with one first-response
 *      wait each) into chDB and into PostgreSQL, from the same deterministic expressions;
 *   3. latency of the SLA report (compliance + exact percentiles) and the volume report
 *      over them, ClickHouse vs PostgreSQL, same run; the ratio is the figure;
 *   4. the volume report's latency while an analyst query runs, on the platform's engine
 *      session (before analyst SQL had its own) and on AnalystSql's, same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresEventStore } from '@parley/events';
import { createTestDatabase } from '@parley/events/testing';
import {
  createAnalytics,
  type createClickHouseClient,
  identifier,
  QUANTILES,
  type ReportFilter,
  responseTimePercentiles,
  slaCompliance,
  volumes,
} from '@parley/projections/analytics';
import { appendGenerated, generateConversations } from '@parley/projections/testing';
import pg from 'pg';

export interface AnalyticsBenchOptions {
  facts: number;
  /** Generated conversations per tenant (two tenants) for the ingest measurement. */
  ingestConversations?: number;
  log: (line: string) => void;
}

export const BASE_S = 1_767_225_600; // 2026-01-01T00:00:00Z
const SPAN_S = 90 * 86_400;
const RUNS = 5;
const ANALYST_SECONDS = 5;

/** The same columns from the same integer in both engines: `number` in ClickHouse, `n` in PostgreSQL. */
/** Array literal and index in either dialect (ClickHouse has no ARRAY[...]). */
export const pick = (n: string, values: string[]) => {
  const list = values.map((v) => `'${v}'`).join(', ');
  return n === 'number' ? `[${list}][${n} % ${values.length} + 1]` : `(ARRAY[${list}])[${n} % ${values.length} + 1]`;
};
/** The bulk load's tenants: facts go to them in turn (`n % 20`). */
const TENANTS = Array.from({ length: 20 }, (_, i) => `t${i}`);
const expr = (n: string, tenants: readonly string[] = TENANTS) => ({
  tenant: pick(n, [...tenants]),
  atSeconds: `(${n} * 7919) % ${SPAN_S}`,
  eventType: pick(n, ['received', 'queued', 'sent', 'delivered', 'read']),
  direction: `CASE WHEN ${n} % 5 = 0 THEN 'inbound' ELSE 'outbound' END`,
  messageType: pick(n, ['text', 'text', 'text', 'image', 'audio', 'document', 'template']),
});
const convExpr = (c: string, tenants: readonly string[] = TENANTS) => ({
  tenant: pick(c, [...tenants]),
  openedSeconds: `(${c} * 104729) % ${SPAN_S}`,
  team: `'team' || ${c} % 5`,
  priority: pick(c, ['low', 'normal', 'high', 'urgent']),
  frt: `(${c} * 31337) % 7200`,
  resolution: `(${c} * 7877) % 172800`,
  open: `${c} % 17 = 0`,
  responded: `${c} % 13 <> 0`,
});

export interface BulkLoad {
  facts: number;
  /** Twenty tenant ids (default t0…t19): fact n and conversation n go to tenant n % 20. */
  tenants?: readonly string[];
  database?: string;
}

/**
 * N message facts over 90 days from 2026-01-01 (UTC), and N/10 conversations with one
 * first-response wait each, generated inside ClickHouse (`INSERT … SELECT FROM numbers()`,
 * the rollup views fed on the way): the analytics bench's data set, and the dashboard
 * bench's behind a real tenant's pages.
 */
export async function bulkLoadClickHouse(
  client: ReturnType<typeof createClickHouseClient>,
  load: BulkLoad,
): Promise<{ factsSeconds: number; conversationsSeconds: number }> {
  const { facts, tenants = TENANTS } = load;
  const db = identifier(load.database ?? 'parley', 'ClickHouse database');
  if (tenants.length !== TENANTS.length) throw new Error(`bulkLoadClickHouse takes ${TENANTS.length} tenants, got ${tenants.length}`);
  const conversations = Math.floor(facts / 10);
  const m = expr('number', tenants);
  const ms = (s: string) => `fromUnixTimestamp64Milli(toInt64((${BASE_S} + ${s}) * 1000), 'UTC')`;
  let t = performance.now();
  await client.command({
    query: `INSERT INTO ${db}.message_facts (event_id, position, tenant_id, occurred_at, event_type, wamid, direction, message_type, sender_type, status, status_at)
      SELECT toString(number), number, ${m.tenant}, ${ms(m.atSeconds)}, ${m.eventType}, '', ${m.direction}, ${m.messageType}, '', ${m.eventType}, ${ms(m.atSeconds)}
      FROM numbers(${facts})`,
  });
  const factsSeconds = (performance.now() - t) / 1000;
  const c = convExpr('number', tenants);
  t = performance.now();
  await client.command({
    query: `INSERT INTO ${db}.conversation_facts (tenant_id, conversation_id, contact_id, number_id, origin, team_id, priority, status, is_open, opened_at,
        reopen_count, transfer_count, messages_in, messages_out, full_resolution_seconds, full_resolution_business_seconds, resolution_target_seconds, resolution_due_at, version, state)
      SELECT ${c.tenant}, toString(number), '', '', 'inbound', ${c.team}, ${c.priority}, if(${c.open}, 'assigned', 'closed'), ${c.open}, ${ms(c.openedSeconds)},
        0, 0, 5, 5, if(${c.open}, NULL, ${c.resolution}), if(${c.open}, NULL, ${c.resolution}), 86400, ${ms(`${c.openedSeconds} + 86400`)}, 1, ''
      FROM numbers(${conversations})`,
  });
  await client.command({
    query: `INSERT INTO ${db}.response_facts (tenant_id, conversation_id, episode, kind, started_at, ended_at, responded, agent_id, team_id, priority, wall_seconds, business_seconds, target_seconds, due_at, version)
      SELECT ${c.tenant}, toString(number), 1, 'first', ${ms(c.openedSeconds)}, if(${c.responded}, ${ms(`${c.openedSeconds} + ${c.frt}`)}, NULL), ${c.responded},
        'agent' || toString(number % 50), ${c.team}, ${c.priority}, if(${c.responded}, ${c.frt}, NULL), if(${c.responded}, ${c.frt}, NULL), 1800, ${ms(`${c.openedSeconds} + 1800`)}, 1
      FROM numbers(${conversations})`,
  });
  return { factsSeconds, conversationsSeconds: (performance.now() - t) / 1000 };
}

async function median(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)]!;
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export async function runAnalyticsBench(options: AnalyticsBenchOptions): Promise<void> {
  const { facts, log } = options;
  const conversations = Math.floor(facts / 10);
  const db = await createTestDatabase('analytics_bench');
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-chdb-bench-'));
  const store = await createPostgresEventStore({ connectionString: db.connectionString });
  const pool = new pg.Pool({ connectionString: db.connectionString, max: 2 });
  const analytics = await createAnalytics({
    store,
    clickhouse: { url: null, dataDir, database: 'parley', cluster: null },
    analystLimits: { maxExecutionSeconds: ANALYST_SECONDS },
    // The billing bench measures the usage projector; this one measures analytics alone.
    meterUsage: false,
  });
  try {
    // 1. Projector ingest.
    const gen = generateConversations({ seed: 1, conversationsPerTenant: options.ingestConversations ?? 2_500 });
    await appendGenerated(store, gen.events);
    const started = performance.now();
    await analytics.start();
    await analytics.projector.waitFor(undefined, 600_000);
    const seconds = (performance.now() - started) / 1000;
    const rows = await analytics.client.query({
      query: `SELECT (SELECT count() FROM parley.message_facts) + (SELECT count() FROM parley.agent_activity) + (SELECT count() FROM parley.response_facts) + (SELECT count() FROM parley.conversation_facts) AS n`,
      format: 'JSONEachRow',
    });
    const [{ n }] = (await rows.json<{ n: number | string }>()) as [{ n: number | string }];
    log(
      `projector ingest: ${fmt(gen.events.length)} events → ${fmt(Number(n))} fact rows in ${seconds.toFixed(1)} s: ${fmt(gen.events.length / seconds)} events/s, ${fmt(Number(n) / seconds)} fact rows/s`,
    );
    await analytics.projector.stop();
    await analytics.client.command({ query: 'TRUNCATE TABLE parley.message_facts' });
    await analytics.client.command({ query: 'TRUNCATE TABLE parley.message_volume_15m' });
    await analytics.client.command({ query: 'TRUNCATE TABLE parley.conversation_facts' });
    await analytics.client.command({ query: 'TRUNCATE TABLE parley.response_facts' });
    await analytics.client.command({ query: 'TRUNCATE TABLE parley.response_times_hourly' });
    // The team/agent rollups (migration 3) are fed by the bulk load too: emptied alike.
    await analytics.client.command({ query: 'TRUNCATE TABLE parley.message_volume_team_15m' });
    await analytics.client.command({ query: 'TRUNCATE TABLE parley.response_times_agent_hourly' });

    // 2. Bulk load, ClickHouse.
    const { factsSeconds: chFactsSeconds, conversationsSeconds: chConvSeconds } = await bulkLoadClickHouse(analytics.client, { facts });
    log(
      `ClickHouse bulk load: ${fmt(facts)} message facts in ${chFactsSeconds.toFixed(1)} s (${fmt(facts / chFactsSeconds)} facts/s, both rollup views included); ${fmt(conversations)} conversations + waits in ${chConvSeconds.toFixed(1)} s`,
    );

    // 2b. The same rows in PostgreSQL.
    const p = expr('n');
    const pc = convExpr('n');
    const ts = (s: string) => `to_timestamp(${BASE_S} + ${s})`;
    const t = performance.now();
    await pool.query(`CREATE UNLOGGED TABLE pg_message_facts (tenant_id text, occurred_at timestamptz, event_type text, direction text, message_type text)`);
    await pool.query(
      `INSERT INTO pg_message_facts SELECT ${p.tenant}, ${ts(p.atSeconds)}, ${p.eventType}, ${p.direction}, ${p.messageType} FROM generate_series(0::bigint, ${facts - 1}) n`,
    );
    await pool.query('CREATE INDEX ON pg_message_facts (tenant_id, occurred_at)');
    await pool.query(`CREATE UNLOGGED TABLE pg_response_facts (tenant_id text, kind text, started_at timestamptz, ended_at timestamptz, responded boolean, team_id text,
      wall_seconds bigint, business_seconds bigint, target_seconds bigint, due_at timestamptz)`);
    await pool.query(
      `INSERT INTO pg_response_facts SELECT ${pc.tenant}, 'first', ${ts(pc.openedSeconds)}, CASE WHEN ${pc.responded} THEN ${ts(`${pc.openedSeconds} + ${pc.frt}`)} END, ${pc.responded}, ${pc.team},
        CASE WHEN ${pc.responded} THEN ${pc.frt} END, CASE WHEN ${pc.responded} THEN ${pc.frt} END, 1800, ${ts(`${pc.openedSeconds} + 1800`)} FROM generate_series(0::bigint, ${conversations - 1}) n`,
    );
    await pool.query(`CREATE UNLOGGED TABLE pg_conversation_facts (tenant_id text, team_id text, opened_at timestamptz, is_open boolean, full_resolution_seconds bigint,
      full_resolution_business_seconds bigint, resolution_target_seconds bigint, resolution_due_at timestamptz)`);
    await pool.query(
      `INSERT INTO pg_conversation_facts SELECT ${pc.tenant}, ${pc.team}, ${ts(pc.openedSeconds)}, ${pc.open}, CASE WHEN NOT ${pc.open} THEN ${pc.resolution} END,
        CASE WHEN NOT ${pc.open} THEN ${pc.resolution} END, 86400, ${ts(`${pc.openedSeconds} + 86400`)} FROM generate_series(0::bigint, ${conversations - 1}) n`,
    );
    await pool.query('CREATE INDEX ON pg_response_facts (tenant_id, started_at)');
    await pool.query('CREATE INDEX ON pg_conversation_facts (tenant_id, opened_at)');
    for (const table of ['pg_message_facts', 'pg_response_facts', 'pg_conversation_facts']) await pool.query(`VACUUM ANALYZE ${table}`);
    log(`PostgreSQL load of the same rows (unlogged tables, indexes, analyze): ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // 3. Report latency, same data.
    const f: ReportFilter = {
      tenantId: 't3',
      from: new Date(BASE_S * 1000),
      to: new Date((BASE_S + SPAN_S) * 1000),
      timeZone: 'America/Mexico_City',
      now: new Date((BASE_S + SPAN_S) * 1000),
    };
    const pgArgs = [f.tenantId, f.from, f.to, f.now];
    const chSla = await median(async () => {
      await slaCompliance(analytics.client, 'parley', f);
      await responseTimePercentiles(analytics.client, 'parley', f);
    });
    // The levels of the ClickHouse report, so both engines do the same work.
    const levels = `percentile_disc(ARRAY[${QUANTILES.join(', ')}])`;
    const pgSla = await median(async () => {
      await pool.query(
        `SELECT count(*) FILTER (WHERE responded AND business_seconds <= target_seconds) AS met,
                count(*) FILTER (WHERE (responded AND business_seconds > target_seconds) OR (NOT responded AND coalesce(ended_at, $4) > due_at)) AS breached
         FROM pg_response_facts WHERE tenant_id = $1 AND started_at >= $2 AND started_at < $3`,
        pgArgs,
      );
      await pool.query(
        `SELECT count(*) FILTER (WHERE NOT is_open AND full_resolution_business_seconds <= resolution_target_seconds) AS met,
                count(*) FILTER (WHERE (NOT is_open AND full_resolution_business_seconds > resolution_target_seconds) OR (is_open AND $4 > resolution_due_at)) AS breached
         FROM pg_conversation_facts WHERE tenant_id = $1 AND opened_at >= $2 AND opened_at < $3`,
        pgArgs,
      );
      await pool.query(
        `SELECT ${levels} WITHIN GROUP (ORDER BY wall_seconds), ${levels} WITHIN GROUP (ORDER BY business_seconds)
         FROM pg_response_facts WHERE tenant_id = $1 AND started_at >= $2 AND started_at < $3 AND responded`,
        pgArgs.slice(0, 3),
      );
      await pool.query(
        `SELECT ${levels} WITHIN GROUP (ORDER BY full_resolution_seconds), ${levels} WITHIN GROUP (ORDER BY full_resolution_business_seconds)
         FROM pg_conversation_facts WHERE tenant_id = $1 AND opened_at >= $2 AND opened_at < $3 AND NOT is_open`,
        pgArgs.slice(0, 3),
      );
    });
    const chVolume = await median(() => volumes(analytics.client, 'parley', f, 'day'));
    const pgVolume = await median(() =>
      pool.query(
        `SELECT (occurred_at AT TIME ZONE $4)::date AS day, direction, message_type, count(*) FROM pg_message_facts
         WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3 AND event_type IN ('received', 'queued') GROUP BY 1, 2, 3`,
        [f.tenantId, f.from, f.to, f.timeZone],
      ),
    );
    const chVolumeAll = await median(() =>
      analytics.client
        .query({
          query: `SELECT tenant_id, toDate(bucket, {tz:String}) AS day, direction, message_type, sum(messages) FROM parley.message_volume_15m WHERE event_type IN ('received', 'queued') GROUP BY ALL`,
          query_params: { tz: f.timeZone },
          format: 'JSONEachRow',
        })
        .then((r) => r.json()),
    );
    const pgVolumeAll = await median(() =>
      pool.query(
        `SELECT tenant_id, (occurred_at AT TIME ZONE $1)::date AS day, direction, message_type, count(*) FROM pg_message_facts WHERE event_type IN ('received', 'queued') GROUP BY 1, 2, 3, 4`,
        [f.timeZone],
      ),
    );
    log('');
    log(`| report (median of ${RUNS}, after a warm-up) | rows behind it | ClickHouse (chDB) ms | PostgreSQL ms | PostgreSQL / ClickHouse |`);
    log('|---|---|---|---|---|');
    const line = (what: string, rows: string, ch: number, pgMs: number) =>
      log(`| ${what} | ${rows} | ${ch.toFixed(1)} | ${pgMs.toFixed(1)} | ${(pgMs / ch).toFixed(1)}× |`);
    line('SLA: compliance per target + exact p50/p90/p95 (one tenant, 90 days)', `${fmt(conversations / 20)} conversations and waits`, chSla, pgSla);
    line('volumes by day, direction, type (one tenant, 90 days)', `${fmt(facts / 20)} message facts`, chVolume, pgVolume);
    line('volumes by day, all tenants', `${fmt(facts)} message facts`, chVolumeAll, pgVolumeAll);

    // 4. A tenant's report while an analyst query runs: on the platform's own engine
    // session (what analyst SQL did before it had sessions of its own) and through
    // AnalystSql (its own session, one core), the same query, same run.
    const heavy = `SELECT sum(cityHash64(a, b)) AS s FROM (SELECT arrayJoin(range(1000000)) AS a) AS x CROSS JOIN (SELECT arrayJoin(range(1000000)) AS b) AS y`;
    const idle = await median(() => volumes(analytics.client, 'parley', f, 'day'));
    const during = async (runAnalyst: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const analyst = runAnalyst().catch(() => undefined); // it ends on its time limit
        await new Promise((r) => setTimeout(r, 300));
        const t0 = performance.now();
        await volumes(analytics.client, 'parley', f, 'day');
        times.push(performance.now() - t0);
        await analyst;
      }
      return times.sort((x, y) => x - y)[1]!;
    };
    const shared = await during(() =>
      analytics.client
        .query({ query: `SELECT * FROM (${heavy}) SETTINGS max_execution_time = ${ANALYST_SECONDS}, readonly = 1`, format: 'JSONEachRow' })
        .then((r) => r.json()),
    );
    const apart = await during(() => analytics.analyst.run({ kind: 'platform' }, heavy));
    log('');
    log(`| volumes report, one tenant (median of 3; analyst query stopped by its ${ANALYST_SECONDS} s limit) | ms |`);
    log('|---|---|');
    log(`| no analyst query | ${idle.toFixed(1)} |`);
    log(`| analyst query on the platform's engine session (before) | ${shared.toFixed(1)} |`);
    log(`| analyst query on its own session, max_threads 1 (AnalystSql, after) | ${apart.toFixed(1)} |`);
  } finally {
    await analytics.close();
    await pool.end();
    await store.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const facts = Number(arg('facts') ?? 10_000_000);
  const ingest = Number(arg('ingest-conversations') ?? 2_500);
  await runAnalyticsBench({ facts, ingestConversations: ingest, log: (l) => console.log(l) });
}
