import type { ClickHouseClient } from '@clickhouse/client';
import { InvalidCursorError } from '@parley/kit';
import { z } from 'zod';
import { ch, chTime, fromChTime, isoFromChTime, queryRow, queryRows } from './clickhouse.ts';
import { byQuantile, DurationPercentiles, Percentiles, percentiles, quantilesSql } from './quantiles.ts';
import { DATETIME64, within } from './time-types.ts';

/**
 * The supervisor reports, computed in ClickHouse. Definitions: docs/metrics.md. Every
 * value is a server-side query parameter; the only text assembled here is fixed SQL
 * fragments chosen by the filters given.
 *
 * Each report's rows are a zod schema next to its query: the query API answers with
 * them and exports their fields as CSV columns, in their order.
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
/** A duration or target in whole seconds; null where there is none. */
const Seconds = z.number().nullable();

/**
 * What the team and agent filters narrow in a table. Without an agent column the agent
 * filter does not apply to the table's figure (the route refuses it there).
 */
interface FilterColumns {
  team: string;
  agent?: string;
}

/** Waits (response_facts): the wait's team, the agent who replied; due: the wait's target. */
const WAIT_COLUMNS = { team: 'team_id', agent: 'agent_id', dueAt: 'due_at' } as const;
/** Conversations (conversation_facts): their current team, the agent who handled them; due: resolution. */
const CONVERSATION_COLUMNS = { team: 'team_id', agent: 'handled_by', dueAt: 'resolution_due_at' } as const;
/** The rollups carrying team and agent dimensions. */
const ROLLUP_COLUMNS = { team: 'team_id', agent: 'agent_id' } as const;

/** The filters given, as conditions on `columns`; their values stay query parameters. */
function filterSql(f: ReportFilter, columns: FilterColumns): string {
  return [f.teamId ? `AND ${columns.team} = {team:String}` : '', f.agentId && columns.agent ? `AND ${columns.agent} = {agent:String}` : '']
    .filter(Boolean)
    .join(' ');
}

/** Waits for a human (response_facts), filtered, with their met/breached verdicts. */
function episodesSql(f: ReportFilter, db: string) {
  return `
    SELECT conversation_id, episode, kind, team_id, agent_id, priority, started_at, ended_at, responded, wall_seconds, business_seconds, target_seconds, due_at,
      responded = 1 AND business_seconds <= target_seconds AS met,
      (responded = 1 AND business_seconds > target_seconds)
        OR (responded = 0 AND due_at IS NOT NULL AND ifNull(ended_at, {now:${T}}) > due_at) AS breached
    FROM ${db}.response_facts FINAL
    WHERE tenant_id = {tenant:String} AND started_at >= {from:${T}} AND started_at < {to:${T}}
      ${filterSql(f, WAIT_COLUMNS)}`;
}

/** Conversations opened in the range (conversation_facts), filtered, with resolution verdicts. */
function conversationsSql(f: ReportFilter, db: string) {
  return `
    SELECT conversation_id, team_id, handled_by, priority, opened_at, last_closed_at, is_open, csat, full_resolution_seconds, full_resolution_business_seconds,
      first_resolution_seconds, first_resolution_business_seconds, resolution_target_seconds, resolution_due_at,
      is_open = 0 AND full_resolution_business_seconds <= resolution_target_seconds AS met,
      (is_open = 0 AND full_resolution_business_seconds > resolution_target_seconds)
        OR (is_open = 1 AND resolution_due_at IS NOT NULL AND {now:${T}} > resolution_due_at) AS breached
    ${openedConversationsSql(f, db)}`;
}

/** FROM and WHERE of the conversations opened in the range, filtered on `columns`. */
function openedConversationsSql(f: ReportFilter, db: string, columns: FilterColumns = CONVERSATION_COLUMNS) {
  return `FROM ${db}.conversation_facts FINAL
    WHERE tenant_id = {tenant:String} AND opened_at >= {from:${T}} AND opened_at < {to:${T}}
      ${filterSql(f, columns)}`;
}

export const ComplianceRow = z.object({
  target: z.enum(SLA_TARGETS),
  met: z.number(),
  breached: z.number(),
  /** met / (met + breached), in %; null when nothing was judged. */
  compliancePct: z.number().nullable(),
});
export type ComplianceRow = z.infer<typeof ComplianceRow>;

export async function slaCompliance(client: ClickHouseClient, db: string, f: ReportFilter): Promise<ComplianceRow[]> {
  const e = await queryRow(
    client,
    `SELECT
       countIf(met AND kind = 'first') AS m1, countIf(breached AND kind = 'first') AS b1,
       countIf(met AND kind IN ('first', 'reopen')) AS m2, countIf(breached AND kind IN ('first', 'reopen')) AS b2,
       countIf(met AND kind = 'next') AS m3, countIf(breached AND kind = 'next') AS b3
     FROM (${episodesSql(f, db)}) WHERE target_seconds IS NOT NULL`,
    params(f),
    z.object({ m1: ch.number, b1: ch.number, m2: ch.number, b2: ch.number, m3: ch.number, b3: ch.number }),
  );
  const r = await queryRow(
    client,
    `SELECT countIf(met) AS m, countIf(breached) AS b FROM (${conversationsSql(f, db)}) WHERE resolution_target_seconds IS NOT NULL`,
    params(f),
    z.object({ m: ch.number, b: ch.number }),
  );
  const row = (target: SlaTarget, met: number, breached: number): ComplianceRow => ({
    target,
    met,
    breached,
    compliancePct: met + breached === 0 ? null : (100 * met) / (met + breached),
  });
  return [row('first_response', e.m1, e.b1), row('first_response_all', e.m2, e.b2), row('next_response', e.m3, e.b3), row('resolution', r.m, r.b)];
}

export const ResponseTimePercentiles = z.object({
  firstResponse: DurationPercentiles,
  firstResponseAll: DurationPercentiles,
  nextResponse: DurationPercentiles,
  resolution: DurationPercentiles,
  firstResolution: DurationPercentiles,
});
export type ResponseTimePercentiles = z.infer<typeof ResponseTimePercentiles>;

/**
 * p50/p90/p95 with quantilesExact (exact: the value at rank floor(p·n) of the sorted
 * values). First response: first waits answered; resolution: full resolution of closed
 * conversations.
 */
export async function responseTimePercentiles(client: ClickHouseClient, db: string, f: ReportFilter): Promise<ResponseTimePercentiles> {
  const exact = quantilesSql('quantilesExact');
  const ep = await queryRows(
    client,
    `SELECT kind2 AS kind, count() AS n, ${exact}(assumeNotNull(wall_seconds)) AS w, ${exact}(assumeNotNull(business_seconds)) AS b
     FROM (${episodesSql(f, db)}) ARRAY JOIN multiIf(kind = 'first', ['first', 'all'], kind = 'reopen', ['all'], ['next']) AS kind2
     WHERE responded = 1 GROUP BY kind2`,
    params(f),
    z.object({ kind: ch.string, n: ch.number, w: ch.numbers, b: ch.numbers }),
  );
  const c = await queryRow(
    client,
    `SELECT count() AS n,
       ${exact}(assumeNotNull(full_resolution_seconds)) AS w, ${exact}(assumeNotNull(full_resolution_business_seconds)) AS b,
       ${exact}(assumeNotNull(first_resolution_seconds)) AS fw, ${exact}(assumeNotNull(first_resolution_business_seconds)) AS fb
     FROM (${conversationsSql(f, db)}) WHERE is_open = 0`,
    params(f),
    z.object({ n: ch.number, w: ch.numbers, b: ch.numbers, fw: ch.numbers, fb: ch.numbers }),
  );
  const of = (kind: string): DurationPercentiles => {
    const r = ep.find((x) => x.kind === kind);
    return { wall: percentiles(r?.n ?? 0, r?.w ?? []), business: percentiles(r?.n ?? 0, r?.b ?? []) };
  };
  return {
    firstResponse: of('first'),
    firstResponseAll: of('all'),
    nextResponse: of('next'),
    resolution: { wall: percentiles(c.n, c.w), business: percentiles(c.n, c.b) },
    firstResolution: { wall: percentiles(c.n, c.fw), business: percentiles(c.n, c.fb) },
  };
}

export const BreachRow = z.object({ key: z.string(), target: z.enum(SLA_TARGETS), breaches: z.number() });
export type BreachRow = z.infer<typeof BreachRow>;

/** The SQL of a breach group's key over waits or conversations. */
const breachKey = (by: BreachGroup, columns: typeof WAIT_COLUMNS | typeof CONVERSATION_COLUMNS): string =>
  ({
    team: `ifNull(${columns.team}, '')`,
    agent: `ifNull(${columns.agent}, '')`,
    priority: 'priority',
    day: `toString(toDate(${columns.dueAt}, {tz:String}))`,
  })[by];

/** Breaches grouped by team, agent, priority or the day (in the report's zone) the target was missed. */
export async function breaches(client: ClickHouseClient, db: string, f: ReportFilter, by: BreachGroup): Promise<BreachRow[]> {
  const rows = await queryRows(
    client,
    `SELECT key, target, count() AS breaches FROM (
       SELECT ${breachKey(by, WAIT_COLUMNS)} AS key, multiIf(kind = 'first', 'first_response', kind = 'reopen', 'first_response_reopen', 'next_response') AS target
       FROM (${episodesSql(f, db)}) WHERE breached AND target_seconds IS NOT NULL
       UNION ALL
       SELECT ${breachKey(by, CONVERSATION_COLUMNS)} AS key, 'resolution' AS target
       FROM (${conversationsSql(f, db)}) WHERE breached AND resolution_target_seconds IS NOT NULL
     ) GROUP BY key, target ORDER BY key, target`,
    params(f),
    z.object({ key: ch.string, target: z.enum([...SLA_TARGETS, 'first_response_reopen']), breaches: ch.number }),
  );
  // Reopen waits are judged against the first-response target: reported under it.
  const merged = new Map<string, BreachRow>();
  const add = (key: string, target: SlaTarget, count: number) => {
    const prev = merged.get(`${key}|${target}`);
    if (prev) prev.breaches += count;
    else merged.set(`${key}|${target}`, { key, target, breaches: count });
  };
  for (const r of rows) {
    add(r.key, r.target === 'first_response_reopen' ? 'first_response_all' : r.target, r.breaches);
    if (r.target === 'first_response') add(r.key, 'first_response_all', r.breaches);
  }
  return [...merged.values()].sort((a, b) => (a.key === b.key ? a.target.localeCompare(b.target) : a.key.localeCompare(b.key)));
}

export const VolumeRow = z.object({ period: z.string(), direction: z.string(), messageType: z.string(), messages: z.number() });
export type VolumeRow = z.infer<typeof VolumeRow>;

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
  return queryRows(
    client,
    `SELECT ${period} AS period, direction, message_type AS messageType, sum(messages) AS messages
     FROM ${db}.${filtered ? 'message_volume_team_15m' : 'message_volume_15m'}
     WHERE tenant_id = {tenant:String} AND event_type IN ('received', 'queued')
       AND bucket >= toStartOfFifteenMinutes({from:${T}}) AND bucket < toStartOfFifteenMinutes({to:${T}})
       ${filterSql(f, ROLLUP_COLUMNS)}
     GROUP BY period, direction, message_type ORDER BY period, direction, message_type`,
    params(f),
    // Columns named after the row's fields: only the UInt64 sum needs decoding.
    VolumeRow.extend({ messages: ch.number }),
  );
}

export const LeaderboardRow = z.object({
  agentId: z.string(),
  conversationsHandled: z.number(),
  medianFirstResponseSeconds: Seconds,
  medianResolutionSeconds: Seconds,
  csatAverage: z.number().nullable(),
  csatResponses: z.number(),
});
export type LeaderboardRow = z.infer<typeof LeaderboardRow>;

/** Per agent: conversations closed in their hands, their median first response and resolution, CSAT. */
export async function agentLeaderboard(client: ClickHouseClient, db: string, f: ReportFilter): Promise<LeaderboardRow[]> {
  const conv = await queryRows(
    client,
    `SELECT handled_by AS agent, count() AS handled, quantileExact(0.5)(assumeNotNull(full_resolution_seconds)) AS med_res,
       countIf(csat IS NOT NULL) AS csat_n, avgIf(csat, csat IS NOT NULL) AS csat_avg
     FROM (${conversationsSql(f, db)}) WHERE is_open = 0 AND handled_by IS NOT NULL GROUP BY agent`,
    params(f),
    z.object({ agent: ch.string, handled: ch.number, med_res: ch.numberOrNull, csat_n: ch.number, csat_avg: ch.numberOrNull }),
  );
  const frt = await queryRows(
    client,
    `SELECT agent_id AS agent, quantileExact(0.5)(assumeNotNull(wall_seconds)) AS med_frt
     FROM (${episodesSql(f, db)}) WHERE responded = 1 AND kind = 'first' GROUP BY agent`,
    params(f),
    z.object({ agent: ch.string, med_frt: ch.numberOrNull }),
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
    const row = entry(r.agent);
    row.conversationsHandled = r.handled;
    row.medianResolutionSeconds = r.med_res;
    row.csatResponses = r.csat_n;
    row.csatAverage = r.csat_n === 0 ? null : r.csat_avg;
  }
  for (const r of frt) entry(r.agent).medianFirstResponseSeconds = r.med_frt;
  return [...board.values()].sort((a, b) => b.conversationsHandled - a.conversationsHandled || a.agentId.localeCompare(b.agentId));
}

/** Approximate (t-digest states merged from the hourly rollup). */
export const HourlyResponseRow = z.object({ period: z.string(), responses: z.number(), ...byQuantile(() => z.number()) });
export type HourlyResponseRow = z.infer<typeof HourlyResponseRow>;

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
    `SELECT ${period} AS period, countMerge(responses) AS n, ${quantilesSql('quantilesTDigestMerge')}(wall_quantiles) AS q
     FROM ${db}.${f.agentId ? 'response_times_agent_hourly' : 'response_times_hourly'}
     WHERE tenant_id = {tenant:String} AND kind = {kind:String}
       AND hour >= toStartOfHour({from:${T}}) AND hour < toStartOfHour({to:${T}})
       ${filterSql(f, ROLLUP_COLUMNS)}
     GROUP BY period ORDER BY period`,
    { ...params(f), kind },
    z.object({ period: ch.string, n: ch.number, q: ch.numbers }),
  );
  return rows.map((r) => ({ period: r.period, responses: r.n, ...byQuantile((_, i) => r.q[i] ?? 0) }));
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

export const SlaDrillItem = z.object({
  conversationId: z.string(),
  /** Wait number within the conversation; null for resolution rows (one per conversation). */
  episode: z.number().nullable(),
  /** first, reopen, next (waits) or resolution. */
  kind: z.string(),
  /** Start of the wait, or the conversation's open for resolution. */
  startedAt: z.string(),
  /** Reply or close that ended the wait; the last close for resolution; null while running. */
  endedAt: z.string().nullable(),
  teamId: z.string().nullable(),
  /** Who replied (waits) or handled it (resolution). */
  agentId: z.string().nullable(),
  priority: z.string(),
  wallSeconds: Seconds,
  businessSeconds: Seconds,
  targetSeconds: Seconds,
  dueAt: z.string().nullable(),
  outcome: z.enum(['met', 'breached', 'none']),
});
export type SlaDrillItem = z.infer<typeof SlaDrillItem>;

export const SlaDrillPage = z.object({
  items: z.array(SlaDrillItem),
  nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null: last page'),
});
export type SlaDrillPage = z.infer<typeof SlaDrillPage>;

/**
 * Keyset cursor: the sort key of the last row served, the target it was issued for and
 * the *now* of the first page, so every page judges running waits at the same instant.
 */
const DrillCursor = z.strictObject({
  target: z.enum(SLA_TARGETS),
  /** Both go to DateTime64 parameters: outside its range ClickHouse fails or reads garbage. */
  now: z
    .number()
    .int()
    .refine((ms) => within(DATETIME64, ms)),
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

/** A drill-down row as the query names its columns (both sources alike). */
const DrillSourceRow = z.object({
  conversation_id: ch.string,
  episode: ch.number,
  kind: ch.string,
  started_at: ch.time,
  ended_at: ch.instantOrNull,
  team_id: ch.stringOrNull,
  agent_id: ch.stringOrNull,
  priority: ch.string,
  wall_seconds: ch.numberOrNull,
  business_seconds: ch.numberOrNull,
  target_seconds: ch.numberOrNull,
  due_at: ch.instantOrNull,
  met_: ch.number,
  breached_: ch.number,
});

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
  const due = (resolution ? CONVERSATION_COLUMNS : WAIT_COLUMNS).dueAt;
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
  const rows = await queryRows(
    client,
    `${source} LIMIT {limit:UInt32}`,
    {
      ...params(filter),
      kinds,
      priority: q.priority ?? '',
      day: q.day ?? '1970-01-01',
      c_at: cursor?.at ?? '1970-01-01 00:00:00.000',
      c_id: cursor?.conversationId ?? '',
      c_ep: cursor?.episode ?? 0,
      // One row more than asked says whether there is a next page.
      limit: page.limit + 1,
    },
    DrillSourceRow,
  );
  const items = rows.slice(0, page.limit).map(
    (r): SlaDrillItem => ({
      conversationId: r.conversation_id,
      episode: resolution ? null : r.episode,
      kind: r.kind,
      startedAt: isoFromChTime(r.started_at),
      endedAt: r.ended_at,
      teamId: r.team_id,
      agentId: r.agent_id,
      priority: r.priority,
      wallSeconds: r.wall_seconds,
      businessSeconds: r.business_seconds,
      targetSeconds: r.target_seconds,
      dueAt: r.due_at,
      outcome: r.met_ === 1 ? 'met' : r.breached_ === 1 ? 'breached' : 'none',
    }),
  );
  const last = rows[page.limit - 1];
  const nextCursor =
    rows.length > page.limit && last
      ? encodeCursor({ target: q.target, now: filter.now.getTime(), at: last.started_at, conversationId: last.conversation_id, episode: last.episode })
      : null;
  return { items, nextCursor };
}

/* ----------------------------------------------------------------------------------
 * Queue wait: first queued → first assigned.
 * -------------------------------------------------------------------------------- */

export const QueueWaitReport = z.object({
  /** Conversations queued and then assigned: exact p50/p90/p95 of first queued → first assigned (wall-clock). */
  wait: Percentiles,
  /** Queued, never assigned, still open: waiting now. */
  stillQueued: z.number(),
  /** Queued, never assigned, closed: left the queue without an agent. */
  closedUnassigned: z.number(),
});
export type QueueWaitReport = z.infer<typeof QueueWaitReport>;

/**
 * Wait time of conversations opened in the range (team: current team, as for
 * resolution). A conversation assigned before it was ever queued has no queue wait.
 */
export async function queueWaitTimes(client: ClickHouseClient, db: string, f: ReportFilter): Promise<QueueWaitReport> {
  const { n, q, ...counts } = await queryRow(
    client,
    `SELECT
       countIf(waited) AS n,
       ${quantilesSql('quantilesExactIf')}(wait_seconds, waited) AS q,
       countIf(first_queued_at IS NOT NULL AND first_assigned_at IS NULL AND is_open = 1) AS stillQueued,
       countIf(first_queued_at IS NOT NULL AND first_assigned_at IS NULL AND is_open = 0) AS closedUnassigned
     FROM (
       SELECT first_queued_at, first_assigned_at, is_open,
         ifNull(first_queued_at IS NOT NULL AND first_assigned_at IS NOT NULL AND first_assigned_at >= first_queued_at, 0) AS waited,
         -- Whole seconds, truncated like every duration (both instants are set when waited = 1).
         intDiv(toUnixTimestamp64Milli(ifNull(first_assigned_at, toDateTime64(0, 3, 'UTC'))) - toUnixTimestamp64Milli(ifNull(first_queued_at, toDateTime64(0, 3, 'UTC'))), 1000) AS wait_seconds
       ${openedConversationsSql(f, db, { team: CONVERSATION_COLUMNS.team })}
     )`,
    params(f),
    z.object({ n: ch.number, q: ch.numbers, stillQueued: ch.number, closedUnassigned: ch.number }),
  );
  return { wait: percentiles(n, q), ...counts };
}

/* ----------------------------------------------------------------------------------
 * Handle time: open and held by an agent.
 * -------------------------------------------------------------------------------- */

export const HandleTimeReport = z.object({
  /** Closed conversations: exact p50/p90/p95 of the time they were open and assigned (wall-clock). */
  handle: Percentiles,
  /** Open conversations held by an agent right now (their handle time is still running). */
  handlingNow: z.number(),
  /** Closed conversations whose handle time is unknown (projected before handle time was tracked). */
  unknown: z.number(),
});
export type HandleTimeReport = z.infer<typeof HandleTimeReport>;

/** Handle time of conversations opened in the range (team: current team; agent: handled by). */
export async function handleTimes(client: ClickHouseClient, db: string, f: ReportFilter): Promise<HandleTimeReport> {
  const { n, q, ...counts } = await queryRow(
    client,
    `SELECT
       countIf(is_open = 0 AND handle_ms IS NOT NULL) AS n,
       ${quantilesSql('quantilesExactIf')}(intDiv(ifNull(handle_ms, 0), 1000), is_open = 0 AND handle_ms IS NOT NULL) AS q,
       countIf(is_open = 1 AND handling_since IS NOT NULL) AS handlingNow,
       countIf(is_open = 0 AND handle_ms IS NULL) AS unknown
     ${openedConversationsSql(f, db)}`,
    params(f),
    z.object({ n: ch.number, q: ch.numbers, handlingNow: ch.number, unknown: ch.number }),
  );
  return { handle: percentiles(n, q), ...counts };
}

/* ----------------------------------------------------------------------------------
 * Live SLA: running waits and open conversations past due, or close to it.
 * -------------------------------------------------------------------------------- */

export const RunningSlaItem = z.object({
  conversationId: z.string(),
  /** first, reopen, next (a wait for a human reply) or resolution (the open conversation). */
  kind: z.string(),
  teamId: z.string().nullable(),
  priority: z.string(),
  /** Start of the wait, or the conversation's open for resolution. */
  startedAt: z.string(),
  targetSeconds: z.number(),
  dueAt: z.string(),
  /** breached: past due at `now`; at_risk: due within `atRiskShare` of its target. */
  state: z.enum(['breached', 'at_risk']),
});
export type RunningSlaItem = z.infer<typeof RunningSlaItem>;

export const RunningSla = z.object({
  now: z.string(),
  items: z.array(RunningSlaItem).describe('Most urgent first (earliest due)'),
  truncated: z.boolean().describe('More rows than `limit`: the first `limit` are listed'),
});
export type RunningSla = z.infer<typeof RunningSla>;

const RunningRow = z.object({
  conversation_id: ch.string,
  kind: ch.string,
  team_id: ch.stringOrNull,
  priority: ch.string,
  started_at: ch.time,
  target_seconds: ch.number,
  due_at: ch.time,
});

/**
 * What a live board shows of the service levels: every running wait for a human (not yet
 * answered nor ended by a close) and every open conversation's resolution, with a target,
 * that is past due at `now` (breached) or has at most `atRiskShare` of its target left
 * (at risk), earliest due first. Due instants count business hours as the reports do.
 */
export async function runningSla(
  client: ClickHouseClient,
  db: string,
  q: { tenantId: string; teamId?: string | null; now: Date; atRiskShare: number; limit: number },
): Promise<RunningSla> {
  const team = q.teamId ? 'AND team_id = {team:String}' : '';
  const rows = await queryRows(
    client,
    `SELECT conversation_id, kind, team_id, priority, started_at, target_seconds, due_at FROM (
       SELECT conversation_id, kind, team_id, priority, started_at, target_seconds, due_at
       FROM ${db}.response_facts FINAL
       WHERE tenant_id = {tenant:String} AND responded = 0 AND ended_at IS NULL AND due_at IS NOT NULL AND target_seconds IS NOT NULL ${team}
       UNION ALL
       SELECT conversation_id, 'resolution' AS kind, team_id, priority, opened_at AS started_at, resolution_target_seconds AS target_seconds, resolution_due_at AS due_at
       FROM ${db}.conversation_facts FINAL
       WHERE tenant_id = {tenant:String} AND is_open = 1 AND resolution_due_at IS NOT NULL AND resolution_target_seconds IS NOT NULL ${team}
     )
     WHERE dateDiff('millisecond', {now:${T}}, due_at) <= target_seconds * 1000 * {share:Float64}
     ORDER BY due_at, conversation_id, kind
     LIMIT {limit:UInt32}`,
    { tenant: q.tenantId, team: q.teamId ?? '', now: chTime(q.now.getTime()), share: q.atRiskShare, limit: q.limit + 1 },
    RunningRow,
  );
  const now = q.now.getTime();
  return {
    now: q.now.toISOString(),
    items: rows.slice(0, q.limit).map((r) => {
      const dueAt = isoFromChTime(r.due_at);
      return {
        conversationId: r.conversation_id,
        kind: r.kind,
        teamId: r.team_id,
        priority: r.priority,
        startedAt: isoFromChTime(r.started_at),
        targetSeconds: r.target_seconds,
        dueAt,
        state: Date.parse(dueAt) <= now ? 'breached' : 'at_risk',
      };
    }),
    truncated: rows.length > q.limit,
  };
}
