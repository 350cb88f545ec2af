import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { chTime, fromChTime, queryRows } from './clickhouse.ts';
import { DATETIME64, within } from './time-types.ts';

/**
 * The supervisor reports, computed in ClickHouse. Definitions: docs/metrics.md. Every
 * value is a server-side query parameter; the only text assembled here is fixed SQL
 * fragments chosen by the filters given.
 */

export interface ReportFilter {
  tenantId: string;
  /** [from, to): conversations opened / waits started in it. */
  from: Date;
  to: Date;
  /** IANA zone for grouping by day and hour. */
  timeZone: string;
  teamId?: string | null;
  agentId?: string | null;
  /** "Still running and past due" is judged at this instant. */
  now: Date;
}

export const SLA_TARGETS = ['first_response', 'first_response_all', 'next_response', 'resolution'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];
export const BREACH_GROUPS = ['team', 'agent', 'priority', 'day'] as const;
export type BreachGroup = (typeof BREACH_GROUPS)[number];

const KINDS: Record<Exclude<SlaTarget, 'resolution'>, string[]> = {
  first_response: ['first'],
  first_response_all: ['first', 'reopen'],
  next_response: ['next'],
};

const params = (f: ReportFilter) => ({
  tenant: f.tenantId,
  from: chTime(f.from.getTime()),
  to: chTime(f.to.getTime()),
  now: chTime(f.now.getTime()),
  tz: f.timeZone,
  team: f.teamId ?? '',
  agent: f.agentId ?? '',
});

const T = DATETIME64.type;
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Waits for a human (response_facts), filtered, with their met/breached verdicts. */
function episodesSql(f: ReportFilter, db: string) {
  return `
    SELECT conversation_id, episode, kind, team_id, agent_id, priority, started_at, ended_at, responded, wall_seconds, business_seconds, target_seconds, due_at,
      responded = 1 AND business_seconds <= target_seconds AS met,
      (responded = 1 AND business_seconds > target_seconds)
        OR (responded = 0 AND due_at IS NOT NULL AND ifNull(ended_at, {now:${T}}) > due_at) AS breached
    FROM ${db}.response_facts FINAL
    WHERE tenant_id = {tenant:String} AND started_at >= {from:${T}} AND started_at < {to:${T}}
      ${f.teamId ? 'AND team_id = {team:String}' : ''}
      ${f.agentId ? 'AND agent_id = {agent:String}' : ''}`;
}

/** Conversations opened in the range (conversation_facts), filtered, with resolution verdicts. */
function conversationsSql(f: ReportFilter, db: string) {
  return `
    SELECT conversation_id, team_id, handled_by, priority, opened_at, last_closed_at, is_open, csat, full_resolution_seconds, full_resolution_business_seconds,
      first_resolution_seconds, first_resolution_business_seconds, resolution_target_seconds, resolution_due_at,
      is_open = 0 AND full_resolution_business_seconds <= resolution_target_seconds AS met,
      (is_open = 0 AND full_resolution_business_seconds > resolution_target_seconds)
        OR (is_open = 1 AND resolution_due_at IS NOT NULL AND {now:${T}} > resolution_due_at) AS breached
    FROM ${db}.conversation_facts FINAL
    WHERE tenant_id = {tenant:String} AND opened_at >= {from:${T}} AND opened_at < {to:${T}}
      ${f.teamId ? 'AND team_id = {team:String}' : ''}
      ${f.agentId ? 'AND handled_by = {agent:String}' : ''}`;
}

export interface ComplianceRow {
  target: SlaTarget;
  met: number;
  breached: number;
  /** met / (met + breached), in %; null when nothing was judged. */
  compliancePct: number | null;
}

export async function slaCompliance(client: ClickHouseClient, db: string, f: ReportFilter): Promise<ComplianceRow[]> {
  const out: ComplianceRow[] = [];
  const episodes = await queryRows(
    client,
    `SELECT
       countIf(met AND kind = 'first') AS m1, countIf(breached AND kind = 'first') AS b1,
       countIf(met AND kind IN ('first', 'reopen')) AS m2, countIf(breached AND kind IN ('first', 'reopen')) AS b2,
       countIf(met AND kind = 'next') AS m3, countIf(breached AND kind = 'next') AS b3
     FROM (${episodesSql(f, db)}) WHERE target_seconds IS NOT NULL`,
    params(f),
  );
  const resolution = await queryRows(
    client,
    `SELECT countIf(met) AS m, countIf(breached) AS b FROM (${conversationsSql(f, db)}) WHERE resolution_target_seconds IS NOT NULL`,
    params(f),
  );
  const e = episodes[0] ?? {};
  const r = resolution[0] ?? {};
  const row = (target: SlaTarget, met: unknown, breached: unknown): ComplianceRow => {
    const m = num(met ?? 0);
    const b = num(breached ?? 0);
    return { target, met: m, breached: b, compliancePct: m + b === 0 ? null : (100 * m) / (m + b) };
  };
  out.push(row('first_response', e.m1, e.b1), row('first_response_all', e.m2, e.b2), row('next_response', e.m3, e.b3), row('resolution', r.m, r.b));
  return out;
}

export interface Percentiles {
  count: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
}
export interface DurationPercentiles {
  wall: Percentiles;
  business: Percentiles;
}

const percentiles = (count: unknown, values: unknown): Percentiles => {
  const n = num(count ?? 0);
  const qs = Array.isArray(values) ? values.map(Number) : [];
  return n === 0 ? { count: 0, p50: null, p90: null, p95: null } : { count: n, p50: qs[0] ?? null, p90: qs[1] ?? null, p95: qs[2] ?? null };
};

/**
 * p50/p90/p95 with quantilesExact (exact: the value at rank floor(p·n) of the sorted
 * values). First response: first waits answered; resolution: full resolution of closed
 * conversations.
 */
export async function responseTimePercentiles(
  client: ClickHouseClient,
  db: string,
  f: ReportFilter,
): Promise<{ firstResponse: DurationPercentiles; firstResponseAll: DurationPercentiles; nextResponse: DurationPercentiles; resolution: DurationPercentiles; firstResolution: DurationPercentiles }> {
  const ep = await queryRows(
    client,
    `SELECT kind2 AS kind, count() AS n, quantilesExact(0.5, 0.9, 0.95)(assumeNotNull(wall_seconds)) AS w, quantilesExact(0.5, 0.9, 0.95)(assumeNotNull(business_seconds)) AS b
     FROM (${episodesSql(f, db)}) ARRAY JOIN multiIf(kind = 'first', ['first', 'all'], kind = 'reopen', ['all'], ['next']) AS kind2
     WHERE responded = 1 GROUP BY kind2`,
    params(f),
  );
  const conv = await queryRows(
    client,
    `SELECT count() AS n,
       quantilesExact(0.5, 0.9, 0.95)(assumeNotNull(full_resolution_seconds)) AS w, quantilesExact(0.5, 0.9, 0.95)(assumeNotNull(full_resolution_business_seconds)) AS b,
       quantilesExact(0.5, 0.9, 0.95)(assumeNotNull(first_resolution_seconds)) AS fw, quantilesExact(0.5, 0.9, 0.95)(assumeNotNull(first_resolution_business_seconds)) AS fb
     FROM (${conversationsSql(f, db)}) WHERE is_open = 0`,
    params(f),
  );
  const of = (kind: string): DurationPercentiles => {
    const r = ep.find((x) => x.kind === kind);
    return { wall: percentiles(r?.n, r?.w), business: percentiles(r?.n, r?.b) };
  };
  const c = conv[0] ?? {};
  return {
    firstResponse: of('first'),
    firstResponseAll: of('all'),
    nextResponse: of('next'),
    resolution: { wall: percentiles(c.n, c.w), business: percentiles(c.n, c.b) },
    firstResolution: { wall: percentiles(c.n, c.fw), business: percentiles(c.n, c.fb) },
  };
}

export interface BreachRow {
  key: string;
  target: SlaTarget;
  breaches: number;
}

/** Breaches grouped by team, agent, priority or the day (in the report's zone) the target was missed. */
export async function breaches(client: ClickHouseClient, db: string, f: ReportFilter, by: BreachGroup): Promise<BreachRow[]> {
  const key = {
    team: "ifNull(team_id, '')",
    agent: "ifNull(agent_id, '')",
    priority: 'priority',
    day: 'toString(toDate(due_at, {tz:String}))',
  }[by];
  const rows = await queryRows(
    client,
    `SELECT key, target, count() AS breaches FROM (
       SELECT ${key} AS key, multiIf(kind = 'first', 'first_response', kind = 'reopen', 'first_response_reopen', 'next_response') AS target
       FROM (${episodesSql(f, db)}) WHERE breached AND target_seconds IS NOT NULL
       UNION ALL
       SELECT ${key.replace('agent_id', 'handled_by').replace('due_at', 'resolution_due_at')} AS key, 'resolution' AS target
       FROM (${conversationsSql(f, db)}) WHERE breached AND resolution_target_seconds IS NOT NULL
     ) GROUP BY key, target ORDER BY key, target`,
    params(f),
  );
  // Reopen waits are judged against the first-response target: reported under it.
  const merged = new Map<string, BreachRow>();
  for (const r of rows) {
    const target = (r.target === 'first_response_reopen' ? 'first_response_all' : r.target) as SlaTarget;
    const k = `${String(r.key)}|${target}`;
    const prev = merged.get(k);
    if (prev) prev.breaches += num(r.breaches);
    else merged.set(k, { key: String(r.key), target, breaches: num(r.breaches) });
    if (r.target === 'first_response') {
      const all = `${String(r.key)}|first_response_all`;
      const prevAll = merged.get(all);
      if (prevAll) prevAll.breaches += num(r.breaches);
      else merged.set(all, { key: String(r.key), target: 'first_response_all', breaches: num(r.breaches) });
    }
  }
  return [...merged.values()].sort((a, b) => (a.key === b.key ? a.target.localeCompare(b.target) : a.key.localeCompare(b.key)));
}

export interface VolumeRow {
  period: string;
  direction: string;
  messageType: string;
  messages: number;
}

/**
 * Messages by hour or day in the report's zone, from the 15-minute rollup (never the
 * raw facts). Inbound: received; outbound: queued by Parley (agents, bots, system). The
 * range is rounded down to 15-minute boundaries. Team and agent: who had the
 * conversation when the message happened (the sender, for an agent's message).
 */
export async function volumes(client: ClickHouseClient, db: string, f: ReportFilter, granularity: 'hour' | 'day'): Promise<VolumeRow[]> {
  const period = granularity === 'hour' ? 'toString(toStartOfHour(bucket, {tz:String}))' : 'toString(toDate(bucket, {tz:String}))';
  // Unfiltered reports read the coarser rollup (fewer rows); filters need the team/agent one.
  const filtered = Boolean(f.teamId || f.agentId);
  const rows = await queryRows(
    client,
    `SELECT ${period} AS period, direction, message_type, sum(messages) AS messages
     FROM ${db}.${filtered ? 'message_volume_team_15m' : 'message_volume_15m'}
     WHERE tenant_id = {tenant:String} AND event_type IN ('received', 'queued')
       AND bucket >= toStartOfFifteenMinutes({from:${T}}) AND bucket < toStartOfFifteenMinutes({to:${T}})
       ${f.teamId ? 'AND team_id = {team:String}' : ''}
       ${f.agentId ? 'AND agent_id = {agent:String}' : ''}
     GROUP BY period, direction, message_type ORDER BY period, direction, message_type`,
    params(f),
  );
  return rows.map((r) => ({ period: String(r.period), direction: String(r.direction), messageType: String(r.message_type), messages: num(r.messages) }));
}

export interface LeaderboardRow {
  agentId: string;
  conversationsHandled: number;
  medianFirstResponseSeconds: number | null;
  medianResolutionSeconds: number | null;
  csatAverage: number | null;
  csatResponses: number;
}

/** Per agent: conversations closed in their hands, their median first response and resolution, CSAT. */
export async function agentLeaderboard(client: ClickHouseClient, db: string, f: ReportFilter): Promise<LeaderboardRow[]> {
  const conv = await queryRows(
    client,
    `SELECT handled_by AS agent, count() AS handled, quantileExact(0.5)(assumeNotNull(full_resolution_seconds)) AS med_res,
       countIf(csat IS NOT NULL) AS csat_n, avgIf(csat, csat IS NOT NULL) AS csat_avg
     FROM (${conversationsSql(f, db)}) WHERE is_open = 0 AND handled_by IS NOT NULL GROUP BY agent`,
    params(f),
  );
  const frt = await queryRows(
    client,
    `SELECT agent_id AS agent, quantileExact(0.5)(assumeNotNull(wall_seconds)) AS med_frt
     FROM (${episodesSql(f, db)}) WHERE responded = 1 AND kind = 'first' GROUP BY agent`,
    params(f),
  );
  const board = new Map<string, LeaderboardRow>();
  const entry = (agentId: string) => {
    let row = board.get(agentId);
    if (!row) {
      row = { agentId, conversationsHandled: 0, medianFirstResponseSeconds: null, medianResolutionSeconds: null, csatAverage: null, csatResponses: 0 };
      board.set(agentId, row);
    }
    return row;
  };
  for (const r of conv) {
    const row = entry(String(r.agent));
    row.conversationsHandled = num(r.handled);
    row.medianResolutionSeconds = numOrNull(r.med_res);
    row.csatResponses = num(r.csat_n);
    row.csatAverage = row.csatResponses === 0 ? null : num(r.csat_avg);
  }
  for (const r of frt) entry(String(r.agent)).medianFirstResponseSeconds = numOrNull(r.med_frt);
  return [...board.values()].sort((a, b) => b.conversationsHandled - a.conversationsHandled || a.agentId.localeCompare(b.agentId));
}

export interface HourlyResponseRow {
  period: string;
  responses: number;
  /** Approximate (t-digest states merged from the hourly rollup). */
  p50: number;
  p90: number;
  p95: number;
}

/**
 * Answered waits of one kind per hour or day, from the t-digest rollup: approximate
 * (see docs/metrics.md), for dashboards; the exact figures come from responseTimePercentiles.
 * Team: of the wait; agent: who replied (a rollup of its own, read only when filtered).
 */
export async function responseTimesByPeriod(
  client: ClickHouseClient,
  db: string,
  f: ReportFilter,
  granularity: 'hour' | 'day' | 'total',
  kind: 'first' | 'reopen' | 'next' = 'first',
): Promise<HourlyResponseRow[]> {
  const period = { hour: 'toString(toStartOfHour(hour, {tz:String}))', day: 'toString(toDate(hour, {tz:String}))', total: "'total'" }[granularity];
  const rows = await queryRows(
    client,
    `SELECT ${period} AS period, countMerge(responses) AS n, quantilesTDigestMerge(0.5, 0.9, 0.95)(wall_quantiles) AS q
     FROM ${db}.${f.agentId ? 'response_times_agent_hourly' : 'response_times_hourly'}
     WHERE tenant_id = {tenant:String} AND kind = {kind:String}
       AND hour >= toStartOfHour({from:${T}}) AND hour < toStartOfHour({to:${T}})
       ${f.teamId ? 'AND team_id = {team:String}' : ''}
       ${f.agentId ? 'AND agent_id = {agent:String}' : ''}
     GROUP BY period ORDER BY period`,
    { ...params(f), kind },
  );
  return rows.map((r) => {
    const q = Array.isArray(r.q) ? r.q.map(Number) : [];
    return { period: String(r.period), responses: num(r.n), p50: q[0] ?? 0, p90: q[1] ?? 0, p95: q[2] ?? 0 };
  });
}

/* ----------------------------------------------------------------------------------
 * Drill-down: the waits and conversations behind an SLA figure.
 * -------------------------------------------------------------------------------- */

export const SLA_OUTCOMES = ['met', 'breached', 'any'] as const;
export type SlaOutcome = (typeof SLA_OUTCOMES)[number];

export interface SlaDrillQuery {
  target: SlaTarget;
  /** met / breached: the figures of the compliance report (waits with a target); any: the whole population. */
  outcome: SlaOutcome;
  /** Narrows to one row of the breaches report: its priority … */
  priority?: string | null;
  /** … or its day (local date of the due instant in the filter's zone, YYYY-MM-DD). */
  day?: string | null;
}

export interface SlaDrillItem {
  conversationId: string;
  /** Wait number within the conversation; null for resolution rows (one per conversation). */
  episode: number | null;
  /** first, reopen, next (waits) or resolution. */
  kind: string;
  /** Start of the wait, or the conversation's open for resolution. */
  startedAt: string;
  /** Reply or close that ended the wait; the last close for resolution; null while running. */
  endedAt: string | null;
  teamId: string | null;
  /** Who replied (waits) or handled it (resolution). */
  agentId: string | null;
  priority: string;
  wallSeconds: number | null;
  businessSeconds: number | null;
  targetSeconds: number | null;
  dueAt: string | null;
  outcome: 'met' | 'breached' | 'none';
}

export interface SlaDrillPage {
  items: SlaDrillItem[];
  nextCursor: string | null;
}

/** A cursor that is not one this API issued for the same target. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/**
 * Keyset cursor: the sort key of the last row served, the target it was issued for and
 * the *now* of the first page, so every page judges running waits at the same instant.
 */
const DrillCursor = z.strictObject({
  target: z.enum(SLA_TARGETS),
  /** Both go to DateTime64 parameters: outside its range ClickHouse fails or reads garbage. */
  now: z.number().int().refine((ms) => within(DATETIME64, ms)),
  /** DateTime64 text of the last row's start, passed back as a {name:DateTime64} parameter. */
  at: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/)
    .refine((s) => within(DATETIME64, fromChTime(s))),
  conversationId: z.string().max(100),
  episode: z.number().int().min(0).max(65_535),
});
type DrillCursor = z.infer<typeof DrillCursor>;

const encodeCursor = (c: DrillCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(cursor: string, target: SlaTarget): DrillCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is not one this API issued');
  }
  const result = DrillCursor.safeParse(parsed);
  if (!result.success) throw new InvalidCursorError('cursor is not one this API issued');
  if (result.data.target !== target) throw new InvalidCursorError(`cursor was issued for target "${result.data.target}", not "${target}"`);
  return result.data;
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
/** DateTime64 text (UTC) as an ISO instant. */
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(fromChTime(String(v))).toISOString());

/**
 * The waits (first_response, first_response_all, next_response) or conversations
 * (resolution) behind a figure of the compliance, percentile and breaches reports, with
 * the same population, filters and verdicts; ordered by start (or open), conversation,
 * wait; one page of `limit` rows.
 */
export async function slaConversations(
  client: ClickHouseClient,
  db: string,
  f: ReportFilter,
  q: SlaDrillQuery,
  page: { limit: number; cursor?: string | undefined },
): Promise<SlaDrillPage> {
  const cursor = page.cursor ? decodeCursor(page.cursor, q.target) : null;
  const filter: ReportFilter = cursor ? { ...f, now: new Date(cursor.now) } : f;
  const resolution = q.target === 'resolution';
  const judged = resolution ? 'resolution_target_seconds IS NOT NULL' : 'target_seconds IS NOT NULL';
  const due = resolution ? 'resolution_due_at' : 'due_at';
  const conditions = [
    resolution ? '1' : 'kind IN {kinds:Array(String)}',
    q.outcome === 'met' ? `ifNull(met, 0) AND ${judged}` : q.outcome === 'breached' ? `ifNull(breached, 0) AND ${judged}` : '1',
    q.priority ? 'priority = {priority:String}' : '1',
    q.day ? `${due} IS NOT NULL AND toDate(${due}, {tz:String}) = toDate({day:String})` : '1',
    cursor
      ? resolution
        ? `(opened_at, conversation_id) > ({c_at:${T}}, {c_id:String})`
        : `(started_at, conversation_id, episode) > ({c_at:${T}}, {c_id:String}, {c_ep:UInt16})`
      : '1',
  ].join(' AND ');
  const source = resolution
    ? `SELECT conversation_id, 0 AS episode, 'resolution' AS kind, opened_at AS started_at, if(is_open = 1, NULL, last_closed_at) AS ended_at,
         team_id, handled_by AS agent_id, priority, full_resolution_seconds AS wall_seconds, full_resolution_business_seconds AS business_seconds,
         resolution_target_seconds AS target_seconds, resolution_due_at AS due_at, ifNull(met, 0) AS met_, ifNull(breached, 0) AS breached_
       FROM (${conversationsSql(filter, db)}) WHERE ${conditions} ORDER BY opened_at, conversation_id`
    : `SELECT conversation_id, episode, kind, started_at, ended_at, team_id, agent_id, priority, wall_seconds, business_seconds,
         target_seconds, due_at, ifNull(met, 0) AS met_, ifNull(breached, 0) AS breached_
       FROM (${episodesSql(filter, db)}) WHERE ${conditions} ORDER BY started_at, conversation_id, episode`;
  const kinds = resolution ? [] : KINDS[q.target as Exclude<SlaTarget, 'resolution'>];
  const rows = await queryRows(client, `${source} LIMIT {limit:UInt32}`, {
    ...params(filter),
    kinds,
    priority: q.priority ?? '',
    day: q.day ?? '1970-01-01',
    c_at: cursor?.at ?? '1970-01-01 00:00:00.000',
    c_id: cursor?.conversationId ?? '',
    c_ep: cursor?.episode ?? 0,
    // One row more than asked says whether there is a next page.
    limit: page.limit + 1,
  });
  const items = rows.slice(0, page.limit).map(
    (r): SlaDrillItem => ({
      conversationId: String(r.conversation_id),
      episode: resolution ? null : num(r.episode),
      kind: String(r.kind),
      startedAt: iso(r.started_at)!,
      endedAt: iso(r.ended_at),
      teamId: str(r.team_id),
      agentId: str(r.agent_id),
      priority: String(r.priority),
      wallSeconds: numOrNull(r.wall_seconds),
      businessSeconds: numOrNull(r.business_seconds),
      targetSeconds: numOrNull(r.target_seconds),
      dueAt: iso(r.due_at),
      outcome: num(r.met_) === 1 ? 'met' : num(r.breached_) === 1 ? 'breached' : 'none',
    }),
  );
  const last = rows[page.limit - 1];
  const nextCursor =
    rows.length > page.limit && last
      ? encodeCursor({ target: q.target, now: filter.now.getTime(), at: String(last.started_at), conversationId: String(last.conversation_id), episode: num(last.episode) })
      : null;
  return { items, nextCursor };
}

/* ----------------------------------------------------------------------------------
 * Queue wait: first queued → first assigned.
 * -------------------------------------------------------------------------------- */

export interface QueueWaitReport {
  /** Conversations queued and then assigned: exact p50/p90/p95 of first queued → first assigned (wall-clock). */
  wait: Percentiles;
  /** Queued, never assigned, still open: waiting now. */
  stillQueued: number;
  /** Queued, never assigned, closed: left the queue without an agent. */
  closedUnassigned: number;
}

/**
 * Wait time of conversations opened in the range (team: current team, as for
 * resolution). A conversation assigned before it was ever queued has no queue wait.
 */
export async function queueWaitTimes(client: ClickHouseClient, db: string, f: ReportFilter): Promise<QueueWaitReport> {
  const rows = await queryRows(
    client,
    `SELECT
       countIf(waited) AS n,
       quantilesExactIf(0.5, 0.9, 0.95)(wait_seconds, waited) AS q,
       countIf(first_queued_at IS NOT NULL AND first_assigned_at IS NULL AND is_open = 1) AS still_queued,
       countIf(first_queued_at IS NOT NULL AND first_assigned_at IS NULL AND is_open = 0) AS closed_unassigned
     FROM (
       SELECT first_queued_at, first_assigned_at, is_open,
         ifNull(first_queued_at IS NOT NULL AND first_assigned_at IS NOT NULL AND first_assigned_at >= first_queued_at, 0) AS waited,
         -- Whole seconds, truncated like every duration (both instants are set when waited = 1).
         intDiv(toUnixTimestamp64Milli(ifNull(first_assigned_at, toDateTime64(0, 3, 'UTC'))) - toUnixTimestamp64Milli(ifNull(first_queued_at, toDateTime64(0, 3, 'UTC'))), 1000) AS wait_seconds
       FROM ${db}.conversation_facts FINAL
       WHERE tenant_id = {tenant:String} AND opened_at >= {from:${T}} AND opened_at < {to:${T}}
         ${f.teamId ? 'AND team_id = {team:String}' : ''}
     )`,
    params(f),
  );
  const r = rows[0] ?? {};
  return { wait: percentiles(r.n, r.q), stillQueued: num(r.still_queued ?? 0), closedUnassigned: num(r.closed_unassigned ?? 0) };
}

/* ----------------------------------------------------------------------------------
 * Handle time: open and held by an agent.
 * -------------------------------------------------------------------------------- */

export interface HandleTimeReport {
  /** Closed conversations: exact p50/p90/p95 of the time they were open and assigned (wall-clock). */
  handle: Percentiles;
  /** Open conversations held by an agent right now (their handle time is still running). */
  handlingNow: number;
  /** Closed conversations whose handle time is unknown (projected before handle time was tracked). */
  unknown: number;
}

/** Handle time of conversations opened in the range (team: current team; agent: handled by). */
export async function handleTimes(client: ClickHouseClient, db: string, f: ReportFilter): Promise<HandleTimeReport> {
  const rows = await queryRows(
    client,
    `SELECT
       countIf(is_open = 0 AND handle_ms IS NOT NULL) AS n,
       quantilesExactIf(0.5, 0.9, 0.95)(intDiv(ifNull(handle_ms, 0), 1000), is_open = 0 AND handle_ms IS NOT NULL) AS q,
       countIf(is_open = 1 AND handling_since IS NOT NULL) AS handling_now,
       countIf(is_open = 0 AND handle_ms IS NULL) AS unknown
     FROM ${db}.conversation_facts FINAL
     WHERE tenant_id = {tenant:String} AND opened_at >= {from:${T}} AND opened_at < {to:${T}}
       ${f.teamId ? 'AND team_id = {team:String}' : ''}
       ${f.agentId ? 'AND handled_by = {agent:String}' : ''}`,
    params(f),
  );
  const r = rows[0] ?? {};
  return { handle: percentiles(r.n, r.q), handlingNow: num(r.handling_now ?? 0), unknown: num(r.unknown ?? 0) };
}
