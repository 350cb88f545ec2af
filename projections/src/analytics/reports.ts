import type { ClickHouseClient } from '@clickhouse/client';
import { InvalidCursorError } from '@parley/kit';
import { z } from 'zod';
import { businessMsBetween, type Calendar } from './business-hours.ts';
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
  /** The clock SLA verdicts and medians use (default business). */
  hours?: HoursMode;
}

/**
 * business: waits measured in the team's business hours against their due instant
 * (start + target in business hours); calendar: the same waits in wall-clock time, due
 * at start + target. The targets are the same.
 */
export const HOURS_MODES = ['business', 'calendar'] as const;
export type HoursMode = (typeof HOURS_MODES)[number];
const calendarHours = (f: ReportFilter) => f.hours === 'calendar';

/** Periods a time series groups by, in the report's zone (weeks start on Monday). */
export const GRANULARITIES = ['hour', 'day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/**
 * The local period (text) of an instant column: `YYYY-MM-DD HH:00:00` for hours,
 * `YYYY-MM-DD` (the first day) for days, weeks and months. Every report and the
 * drill-down's `bucket` use this one expression, so a bucket is the figure's.
 */
export function periodSql(column: string, g: Granularity): string {
  const t = `toDateTime(${column})`;
  return {
    hour: `toString(toStartOfHour(${t}, {tz:String}))`,
    day: `toString(toDate(${t}, {tz:String}))`,
    week: `toString(toMonday(${t}, {tz:String}))`,
    month: `toString(toStartOfMonth(${t}, {tz:String}))`,
  }[g];
}
/** Local day of week (1 = Monday … 7 = Sunday) and hour (0–23) of an instant column. */
const dayOfWeekSql = (column: string) => `toDayOfWeek(toDateTime(${column}), 0, {tz:String})`;
const hourOfDaySql = (column: string) => `toHour(toDateTime(${column}), {tz:String})`;

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

/** Waits (response_facts): the wait's team, the agent who replied. */
const WAIT_COLUMNS = { team: 'team_id', agent: 'agent_id' } as const;
/** Conversations (conversation_facts): their current team, the agent who handled them. */
const CONVERSATION_COLUMNS = { team: 'team_id', agent: 'handled_by' } as const;
/** Messages (message_facts): the conversation's team then; the sender of an agent message, else the assignee then (as the team rollup). */
const MESSAGE_COLUMNS = { team: 'team_id', agent: 'ifNull(agent_id, assignee_id)' } as const;
/** The rollups carrying team and agent dimensions. */
const ROLLUP_COLUMNS = { team: 'team_id', agent: 'agent_id' } as const;

/** The filters given, as conditions on `columns`; their values stay query parameters. */
function filterSql(f: ReportFilter, columns: FilterColumns): string {
  return [f.teamId ? `AND ${columns.team} = {team:String}` : '', f.agentId && columns.agent ? `AND ${columns.agent} = {agent:String}` : '']
    .filter(Boolean)
    .join(' ');
}

/**
 * Waits for a human (response_facts), filtered, with their met/breached verdicts on the
 * filter's clock: `sla_seconds` the measured duration, `sla_due_at` the due instant.
 */
function episodesSql(f: ReportFilter, db: string) {
  const calendar = calendarHours(f);
  return `
    SELECT conversation_id, episode, kind, team_id, agent_id, priority, started_at, ended_at, responded, wall_seconds, business_seconds, target_seconds, due_at,
      ${calendar ? 'wall_seconds' : 'business_seconds'} AS sla_seconds,
      ${calendar ? 'addSeconds(started_at, target_seconds)' : 'due_at'} AS sla_due_at,
      responded = 1 AND sla_seconds <= target_seconds AS met,
      (responded = 1 AND sla_seconds > target_seconds)
        OR (responded = 0 AND sla_due_at IS NOT NULL AND ifNull(ended_at, {now:${T}}) > sla_due_at) AS breached
    FROM ${db}.response_facts FINAL
    WHERE tenant_id = {tenant:String} AND started_at >= {from:${T}} AND started_at < {to:${T}}
      ${filterSql(f, WAIT_COLUMNS)}`;
}

/** Conversations opened in the range (conversation_facts), filtered, with resolution verdicts on the filter's clock. */
function conversationsSql(f: ReportFilter, db: string) {
  const calendar = calendarHours(f);
  return `
    SELECT conversation_id, team_id, handled_by, priority, opened_at, last_closed_at, is_open, csat, full_resolution_seconds, full_resolution_business_seconds,
      first_resolution_seconds, first_resolution_business_seconds, resolution_target_seconds, resolution_due_at, handle_ms,
      ${calendar ? 'full_resolution_seconds' : 'full_resolution_business_seconds'} AS sla_seconds,
      ${calendar ? 'addSeconds(opened_at, resolution_target_seconds)' : 'resolution_due_at'} AS sla_due_at,
      is_open = 0 AND sla_seconds <= resolution_target_seconds AS met,
      (is_open = 0 AND sla_seconds > resolution_target_seconds)
        OR (is_open = 1 AND sla_due_at IS NOT NULL AND {now:${T}} > sla_due_at) AS breached
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
  return (await complianceOf(client, db, f, null)).map(({ period: _, ...row }) => row);
}

export const CompliancePeriodRow = z.object({ period: z.string(), ...ComplianceRow.shape });
export type CompliancePeriodRow = z.infer<typeof CompliancePeriodRow>;

/**
 * Compliance per target and period (in the report's zone): waits by the period they
 * started in, resolution by the period the conversation opened in. The periods of a
 * target add up to slaCompliance's figure; only periods with something judged appear.
 */
export function slaComplianceByPeriod(client: ClickHouseClient, db: string, f: ReportFilter, granularity: Granularity): Promise<CompliancePeriodRow[]> {
  return complianceOf(client, db, f, granularity);
}

async function complianceOf(client: ClickHouseClient, db: string, f: ReportFilter, granularity: Granularity | null): Promise<CompliancePeriodRow[]> {
  const period = (column: string) => (granularity ? periodSql(column, granularity) : "''");
  const e = await queryRows(
    client,
    `SELECT ${period('started_at')} AS period,
       countIf(met AND kind = 'first') AS m1, countIf(breached AND kind = 'first') AS b1,
       countIf(met AND kind IN ('first', 'reopen')) AS m2, countIf(breached AND kind IN ('first', 'reopen')) AS b2,
       countIf(met AND kind = 'next') AS m3, countIf(breached AND kind = 'next') AS b3
     FROM (${episodesSql(f, db)}) WHERE target_seconds IS NOT NULL GROUP BY period`,
    params(f),
    z.object({ period: ch.string, m1: ch.number, b1: ch.number, m2: ch.number, b2: ch.number, m3: ch.number, b3: ch.number }),
  );
  const r = await queryRows(
    client,
    `SELECT ${period('opened_at')} AS period, countIf(met) AS m, countIf(breached) AS b
     FROM (${conversationsSql(f, db)}) WHERE resolution_target_seconds IS NOT NULL GROUP BY period`,
    params(f),
    z.object({ period: ch.string, m: ch.number, b: ch.number }),
  );
  const row = (period: string, target: SlaTarget, met = 0, breached = 0): CompliancePeriodRow => ({
    period,
    target,
    met,
    breached,
    compliancePct: met + breached === 0 ? null : (100 * met) / (met + breached),
  });
  // Without a granularity there is one period (''), present even when nothing was judged.
  const periods = granularity ? [...new Set([...e.map((x) => x.period), ...r.map((x) => x.period)])].sort() : [''];
  return periods.flatMap((p) => {
    const w = e.find((x) => x.period === p);
    const c = r.find((x) => x.period === p);
    return [
      row(p, 'first_response', w?.m1, w?.b1),
      row(p, 'first_response_all', w?.m2, w?.b2),
      row(p, 'next_response', w?.m3, w?.b3),
      row(p, 'resolution', c?.m, c?.b),
    ];
  });
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

/** The SQL of a breach group's key over waits or conversations (day: of the due instant on the filter's clock). */
const breachKey = (by: BreachGroup, columns: typeof WAIT_COLUMNS | typeof CONVERSATION_COLUMNS): string =>
  ({
    team: `ifNull(${columns.team}, '')`,
    agent: `ifNull(${columns.agent}, '')`,
    priority: 'priority',
    day: 'toString(toDate(sla_due_at, {tz:String}))',
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
 * Messages by hour, day, week or month in the report's zone, from the 15-minute rollup (never the
 * raw facts). Inbound: received; outbound: queued by Parley (agents, bots, system). The
 * range is rounded down to 15-minute boundaries. Team and agent: who had the
 * conversation when the message happened (the sender, for an agent's message).
 */
export async function volumes(client: ClickHouseClient, db: string, f: ReportFilter, granularity: Granularity): Promise<VolumeRow[]> {
  const period = periodSql('bucket', granularity);
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
  /** Conversations opened in the range, closed, held by the agent at the close (drill-down figure `handled`). */
  conversationsHandled: z.number(),
  /** First waits started in the range that the agent answered (figure `first_responses`): what the median FRT is of. */
  firstResponses: z.number(),
  /** Median of those first responses, on the chosen clock (hours). */
  medianFirstResponseSeconds: Seconds,
  /** Median full resolution of the conversations handled, on the chosen clock. */
  medianResolutionSeconds: Seconds,
  /** Median handle time (open and held by an agent, wall-clock) of the conversations handled whose handle time is known. */
  medianHandleSeconds: Seconds,
  csatAverage: z.number().nullable(),
  /** Conversations handled with a CSAT score (figure `csat_responses` with agentId). */
  csatResponses: z.number(),
});
export type LeaderboardRow = z.infer<typeof LeaderboardRow>;
export const LEADERBOARD_SORTS = Object.keys(LeaderboardRow.shape) as (keyof LeaderboardRow)[];
export type LeaderboardSort = { by: keyof LeaderboardRow; order: 'asc' | 'desc' };

/**
 * Per agent: conversations closed in their hands, their median first response and
 * resolution (on the filter's clock), handle time, CSAT. Sorted by `sort` (nulls last,
 * then by agent id); by default most conversations handled first.
 */
export async function agentLeaderboard(
  client: ClickHouseClient,
  db: string,
  f: ReportFilter,
  sort: LeaderboardSort = { by: 'conversationsHandled', order: 'desc' },
): Promise<LeaderboardRow[]> {
  const calendar = calendarHours(f);
  const conv = await queryRows(
    client,
    `SELECT handled_by AS agent, count() AS handled, quantileExact(0.5)(assumeNotNull(sla_seconds)) AS med_res,
       quantileExactIf(0.5)(intDiv(ifNull(handle_ms, 0), 1000), handle_ms IS NOT NULL) AS med_handle, countIf(handle_ms IS NOT NULL) AS handle_n,
       countIf(csat IS NOT NULL) AS csat_n, avgIf(csat, csat IS NOT NULL) AS csat_avg
     FROM (${conversationsSql(f, db)}) WHERE is_open = 0 AND handled_by IS NOT NULL GROUP BY agent`,
    params(f),
    z.object({
      agent: ch.string,
      handled: ch.number,
      med_res: ch.numberOrNull,
      med_handle: ch.numberOrNull,
      handle_n: ch.number,
      csat_n: ch.number,
      csat_avg: ch.numberOrNull,
    }),
  );
  const frt = await queryRows(
    client,
    `SELECT agent_id AS agent, count() AS n, quantileExact(0.5)(assumeNotNull(${calendar ? 'wall_seconds' : 'business_seconds'})) AS med_frt
     FROM (${episodesSql(f, db)}) WHERE responded = 1 AND kind = 'first' GROUP BY agent`,
    params(f),
    z.object({ agent: ch.string, n: ch.number, med_frt: ch.numberOrNull }),
  );
  const board = new Map<string, LeaderboardRow>();
  const entry = (agentId: string) => {
    let row = board.get(agentId);
    if (!row) {
      row = {
        agentId,
        conversationsHandled: 0,
        firstResponses: 0,
        medianFirstResponseSeconds: null,
        medianResolutionSeconds: null,
        medianHandleSeconds: null,
        csatAverage: null,
        csatResponses: 0,
      };
      board.set(agentId, row);
    }
    return row;
  };
  for (const r of conv) {
    const row = entry(r.agent);
    row.conversationsHandled = r.handled;
    row.medianResolutionSeconds = r.med_res;
    row.medianHandleSeconds = r.handle_n === 0 ? null : r.med_handle;
    row.csatResponses = r.csat_n;
    row.csatAverage = r.csat_n === 0 ? null : r.csat_avg;
  }
  for (const r of frt) {
    const row = entry(r.agent);
    row.firstResponses = r.n;
    row.medianFirstResponseSeconds = r.med_frt;
  }
  const sign = sort.order === 'asc' ? 1 : -1;
  const compare = (a: LeaderboardRow, b: LeaderboardRow): number => {
    const x = a[sort.by];
    const y = b[sort.by];
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * sign;
  };
  return [...board.values()].sort((a, b) => compare(a, b) || a.agentId.localeCompare(b.agentId));
}

/** Approximate (t-digest states merged from the hourly rollup). */
export const HourlyResponseRow = z.object({ period: z.string(), responses: z.number(), ...byQuantile(() => z.number()) });
export type HourlyResponseRow = z.infer<typeof HourlyResponseRow>;

/**
 * Answered waits of one kind per hour, day, week or month (UTC hours grouped into local periods), from the t-digest rollup: approximate
 * (see docs/metrics.md), for dashboards; the exact figures come from responseTimePercentiles.
 * Team: of the wait; agent: who replied (a rollup of its own, read only when filtered).
 */
export async function responseTimesByPeriod(
  client: ClickHouseClient,
  db: string,
  f: ReportFilter,
  granularity: Granularity | 'total',
  kind: 'first' | 'reopen' | 'next' = 'first',
): Promise<HourlyResponseRow[]> {
  const period = granularity === 'total' ? "'total'" : periodSql('hour', granularity);
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
  /** … or a period of the compliance-by-period report (start or open in it). */
  bucket?: { granularity: Granularity; period: string } | null;
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
  /** Due instant on the chosen clock (business hours: start + target in open hours; calendar: start + target). */
  dueAt: z.string().nullable(),
  /** Verdict on the chosen clock. */
  outcome: z.enum(['met', 'breached', 'none']),
});
export type SlaDrillItem = z.infer<typeof SlaDrillItem>;

export const SlaDrillPage = z.object({
  items: z.array(SlaDrillItem),
  /** Rows behind the figure, over every page: equals the figure. */
  total: z.number(),
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
  sla_due_at: ch.instantOrNull,
  met_: ch.number,
  breached_: ch.number,
});

/**
 * The rows behind an SLA figure, unpaged and unordered, with the columns of
 * DrillSourceRow: the waits of a target (or conversations, for resolution), narrowed as
 * `q` says. Its parameters go with `params(f)`.
 */
function slaDrillSource(f: ReportFilter, db: string, q: SlaDrillQuery): { sql: string; params: Record<string, unknown> } {
  const resolution = q.target === 'resolution';
  const judged = resolution ? 'resolution_target_seconds IS NOT NULL' : 'target_seconds IS NOT NULL';
  const conditions = [
    resolution ? '1' : 'kind IN {kinds:Array(String)}',
    q.outcome === 'met' ? `ifNull(met, 0) AND ${judged}` : q.outcome === 'breached' ? `ifNull(breached, 0) AND ${judged}` : '1',
    q.priority ? 'priority = {priority:String}' : '1',
    q.day ? 'sla_due_at IS NOT NULL AND toDate(sla_due_at, {tz:String}) = toDate({day:String})' : '1',
    q.bucket ? `${periodSql(resolution ? 'opened_at' : 'started_at', q.bucket.granularity)} = {bucket:String}` : '1',
  ].join(' AND ');
  const sql = resolution
    ? `SELECT conversation_id, toUInt16(0) AS episode, 'resolution' AS kind, opened_at AS started_at, if(is_open = 1, NULL, last_closed_at) AS ended_at,
         team_id, handled_by AS agent_id, priority, full_resolution_seconds AS wall_seconds, full_resolution_business_seconds AS business_seconds,
         resolution_target_seconds AS target_seconds, sla_due_at, ifNull(met, 0) AS met_, ifNull(breached, 0) AS breached_
       FROM (${conversationsSql(f, db)}) WHERE ${conditions}`
    : `SELECT conversation_id, episode, kind, started_at, ended_at, team_id, agent_id, priority, wall_seconds, business_seconds,
         target_seconds, sla_due_at, ifNull(met, 0) AS met_, ifNull(breached, 0) AS breached_
       FROM (${episodesSql(f, db)}) WHERE ${conditions}`;
  return {
    sql,
    params: {
      kinds: resolution ? [] : KINDS[q.target as Exclude<SlaTarget, 'resolution'>],
      priority: q.priority ?? '',
      day: q.day ?? '1970-01-01',
      bucket: q.bucket?.period ?? '',
    },
  };
}

/**
 * The waits (first_response, first_response_all, next_response) or conversations
 * (resolution) behind a figure of the compliance, percentile and breaches reports, with
 * the same population, filters and verdicts (on the filter's clock); ordered by start
 * (or open), conversation, wait; one page of `limit` rows, and the count of them all.
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
  const source = slaDrillSource(filter, db, q);
  const all = { ...params(filter), ...source.params };
  const rows = await queryRows(
    client,
    `SELECT * FROM (${source.sql})
     WHERE ${cursor ? `(started_at, conversation_id, episode) > ({c_at:${T}}, {c_id:String}, {c_ep:UInt16})` : '1'}
     ORDER BY started_at, conversation_id, episode LIMIT {limit:UInt32}`,
    {
      ...all,
      c_at: cursor?.at ?? '1970-01-01 00:00:00.000',
      c_id: cursor?.conversationId ?? '',
      c_ep: cursor?.episode ?? 0,
      // One row more than asked says whether there is a next page.
      limit: page.limit + 1,
    },
    DrillSourceRow,
  );
  const { total } = await queryRow(client, `SELECT count() AS total FROM (${source.sql})`, all, z.object({ total: ch.number }));
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
      dueAt: r.sla_due_at,
      outcome: r.met_ === 1 ? 'met' : r.breached_ === 1 ? 'breached' : 'none',
    }),
  );
  const last = rows[page.limit - 1];
  const nextCursor =
    rows.length > page.limit && last
      ? encodeCursor({ target: q.target, now: filter.now.getTime(), at: last.started_at, conversationId: last.conversation_id, episode: last.episode })
      : null;
  return { items, total, nextCursor };
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
  /** breached: past due at `now`; at_risk: due within `atRiskShare` of its target; on_track: neither (listed only for one conversation). */
  state: z.enum(['breached', 'at_risk', 'on_track']),
  /** The clock of its target: business when its team has business hours (the team's calendar as set now), else calendar. */
  hours: z.enum(HOURS_MODES),
  /** Time counted so far on that clock, from startedAt to now. */
  elapsedSeconds: z.number(),
  /** Time left on that clock until dueAt; negative once past due: by how much. */
  remainingSeconds: z.number(),
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
 * With a conversation: all of its running targets, on track ones too (its SLA clock).
 */
export async function runningSla(
  client: ClickHouseClient,
  db: string,
  q: { tenantId: string; teamId?: string | null; conversationId?: string | null; now: Date; atRiskShare: number; limit: number },
): Promise<RunningSla> {
  const team = `${q.teamId ? 'AND team_id = {team:String}' : ''} ${q.conversationId ? 'AND conversation_id = {conversation:String}' : ''}`;
  const due = q.conversationId ? '' : `WHERE dateDiff('millisecond', {now:${T}}, due_at) <= target_seconds * 1000 * {share:Float64}`;
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
     ${due}
     ORDER BY due_at, conversation_id, kind
     LIMIT {limit:UInt32}`,
    {
      tenant: q.tenantId,
      team: q.teamId ?? '',
      conversation: q.conversationId ?? '',
      now: chTime(q.now.getTime()),
      share: q.atRiskShare,
      limit: q.limit + 1,
    },
    RunningRow,
  );
  const now = q.now.getTime();
  const listed = rows.slice(0, q.limit);
  const calendars = await teamCalendars(client, db, q.tenantId, [...new Set(listed.flatMap((r) => (r.team_id ? [r.team_id] : [])))]);
  const seconds = (ms: number) => Math.floor(ms / 1000);
  return {
    now: q.now.toISOString(),
    items: listed.map((r) => {
      const dueAt = isoFromChTime(r.due_at);
      const due = Date.parse(dueAt);
      const started = fromChTime(r.started_at);
      const calendar = (r.team_id && calendars.get(r.team_id)) || null;
      return {
        conversationId: r.conversation_id,
        kind: r.kind,
        teamId: r.team_id,
        priority: r.priority,
        startedAt: isoFromChTime(r.started_at),
        targetSeconds: r.target_seconds,
        dueAt,
        state: due <= now ? 'breached' : due - now <= r.target_seconds * 1000 * q.atRiskShare ? 'at_risk' : 'on_track',
        hours: calendar ? 'business' : 'calendar',
        // The same business-hours arithmetic that made dueAt, over the team's calendar.
        elapsedSeconds: seconds(businessMsBetween(started, now, calendar)),
        remainingSeconds: due > now ? seconds(businessMsBetween(now, due, calendar)) : -seconds(businessMsBetween(due, now, calendar)),
      };
    }),
    truncated: rows.length > q.limit,
  };
}

/** The business hours of some of a tenant's teams, as last set (teams without any are absent). */
async function teamCalendars(client: ClickHouseClient, db: string, tenantId: string, teamIds: string[]): Promise<Map<string, Calendar>> {
  if (teamIds.length === 0) return new Map();
  const rows = await queryRows(
    client,
    `SELECT team_id, body FROM ${db}.service_levels FINAL
     WHERE tenant_id = {tenant:String} AND setting = 'business_hours' AND team_id IN {teams:Array(String)}`,
    { tenant: tenantId, teams: teamIds },
    z.object({ team_id: ch.string, body: ch.string }),
  );
  return new Map(rows.map((r) => [r.team_id, JSON.parse(r.body) as Calendar]));
}

/* ----------------------------------------------------------------------------------
 * Conversations opened and closed per period; the weekly heatmap.
 * -------------------------------------------------------------------------------- */

export const ConversationVolumeRow = z.object({
  period: z.string(),
  /** Conversations opened in the period (drill-down figure `conversations_opened`). */
  opened: z.number(),
  /** Conversations closed now whose last close fell in the period (figure `conversations_closed`). */
  closed: z.number(),
});
export type ConversationVolumeRow = z.infer<typeof ConversationVolumeRow>;

/** FROM and WHERE of the conversations closed now whose last close is in the range. */
function closedConversationsSql(f: ReportFilter, db: string) {
  return `FROM ${db}.conversation_facts FINAL
    WHERE tenant_id = {tenant:String} AND is_open = 0 AND last_closed_at >= {from:${T}} AND last_closed_at < {to:${T}}
      ${filterSql(f, CONVERSATION_COLUMNS)}`;
}

/** Conversations opened and closed per period in the report's zone (team: current team; agent: handled by). */
export async function conversationVolumes(client: ClickHouseClient, db: string, f: ReportFilter, granularity: Granularity): Promise<ConversationVolumeRow[]> {
  return queryRows(
    client,
    `SELECT period, sum(o) AS opened, sum(c) AS closed FROM (
       SELECT ${periodSql('opened_at', granularity)} AS period, 1 AS o, 0 AS c ${openedConversationsSql(f, db)}
       UNION ALL
       SELECT ${periodSql('assumeNotNull(last_closed_at)', granularity)} AS period, 0 AS o, 1 AS c ${closedConversationsSql(f, db)}
     ) GROUP BY period ORDER BY period`,
    params(f),
    z.object({ period: ch.string, opened: ch.number, closed: ch.number }),
  );
}

export const HEATMAP_MEASURES = ['inbound_messages', 'conversations_opened'] as const;
export type HeatmapMeasure = (typeof HEATMAP_MEASURES)[number];

export const HeatmapCell = z.object({
  /** Local day of week: 1 = Monday … 7 = Sunday. */
  dayOfWeek: z.number(),
  /** Local hour of day, 0–23. */
  hour: z.number(),
  /** inbound_messages: messages received; conversations_opened: conversations opened. */
  count: z.number(),
  /** Conversations behind the cell: those the messages belong to, or those opened (= count). */
  conversations: z.number(),
});
export type HeatmapCell = z.infer<typeof HeatmapCell>;

/** The range of the message rollups, in facts: rounded down to 15 minutes, as volumes. */
const ROUNDED_RANGE = `occurred_at >= toStartOfFifteenMinutes({from:${T}}) AND occurred_at < toStartOfFifteenMinutes({to:${T}})`;

/**
 * Day of week × hour of day in the report's zone: the 168 cells, Monday 0h first.
 * Inbound messages come from the 15-minute rollup (the volumes report's figures) and
 * the conversations they belong to from the message facts; conversations opened from
 * the conversation facts (opened in the range).
 */
export async function heatmap(client: ClickHouseClient, db: string, f: ReportFilter, measure: HeatmapMeasure): Promise<HeatmapCell[]> {
  const Cell = z.object({ dow: ch.number, hour: ch.number, n: ch.number });
  const cells = new Map<string, HeatmapCell>();
  for (let dow = 1; dow <= 7; dow++) for (let hour = 0; hour < 24; hour++) cells.set(`${dow}|${hour}`, { dayOfWeek: dow, hour, count: 0, conversations: 0 });
  const into = (rows: z.infer<typeof Cell>[], field: 'count' | 'conversations') => {
    for (const r of rows) {
      const cell = cells.get(`${r.dow}|${r.hour}`);
      if (cell) cell[field] = r.n;
    }
  };
  if (measure === 'conversations_opened') {
    const rows = await queryRows(
      client,
      `SELECT ${dayOfWeekSql('opened_at')} AS dow, ${hourOfDaySql('opened_at')} AS hour, count() AS n ${openedConversationsSql(f, db)} GROUP BY dow, hour`,
      params(f),
      Cell,
    );
    into(rows, 'count');
    into(rows, 'conversations');
  } else {
    const filtered = Boolean(f.teamId || f.agentId);
    into(
      await queryRows(
        client,
        `SELECT ${dayOfWeekSql('bucket')} AS dow, ${hourOfDaySql('bucket')} AS hour, sum(messages) AS n
         FROM ${db}.${filtered ? 'message_volume_team_15m' : 'message_volume_15m'}
         WHERE tenant_id = {tenant:String} AND event_type = 'received'
           AND bucket >= toStartOfFifteenMinutes({from:${T}}) AND bucket < toStartOfFifteenMinutes({to:${T}})
           ${filterSql(f, ROLLUP_COLUMNS)}
         GROUP BY dow, hour`,
        params(f),
        Cell,
      ),
      'count',
    );
    into(
      await queryRows(
        client,
        `SELECT ${dayOfWeekSql('occurred_at')} AS dow, ${hourOfDaySql('occurred_at')} AS hour, uniqExact(conversation_id) AS n
         FROM ${db}.message_facts
         WHERE tenant_id = {tenant:String} AND event_type = 'received' AND conversation_id IS NOT NULL AND ${ROUNDED_RANGE}
           ${filterSql(f, MESSAGE_COLUMNS)}
         GROUP BY dow, hour`,
        params(f),
        Cell,
      ),
      'conversations',
    );
  }
  return [...cells.values()];
}

/* ----------------------------------------------------------------------------------
 * CSAT: distribution, response rate, comments.
 * -------------------------------------------------------------------------------- */

export const CsatScoreRow = z.object({
  score: z.number(),
  /** Closed conversations with this score (figure `csat_responses` with score). */
  responses: z.number(),
  /** Share of all responses, in %; null when there is none. */
  sharePct: z.number().nullable(),
});
export type CsatScoreRow = z.infer<typeof CsatScoreRow>;

export const CsatReport = z.object({
  /** Conversations opened in the range and closed now (figure `csat_closed`): the rate's denominator. */
  closed: z.number(),
  /** Those with a CSAT score (figure `csat_responses`). */
  responses: z.number(),
  /** responses / closed, in %; null when nothing closed. */
  responseRatePct: z.number().nullable(),
  /** Average score; null without responses. */
  average: z.number().nullable(),
  /** Scores 1 to 5, each present (0 when none). */
  distribution: z.array(CsatScoreRow),
});
export type CsatReport = z.infer<typeof CsatReport>;

/** CSAT of conversations opened in the range and closed now (team: current team; agent: handled by). */
export async function csatReport(client: ClickHouseClient, db: string, f: ReportFilter): Promise<CsatReport> {
  const r = await queryRow(
    client,
    `SELECT count() AS closed, countIf(csat IS NOT NULL) AS responses, avgIf(csat, csat IS NOT NULL) AS average,
       [countIf(csat = 1), countIf(csat = 2), countIf(csat = 3), countIf(csat = 4), countIf(csat = 5)] AS scores
     ${openedConversationsSql(f, db)} AND is_open = 0`,
    params(f),
    z.object({ closed: ch.number, responses: ch.number, average: ch.numberOrNull, scores: ch.numbers }),
  );
  const pct = (n: number, of: number) => (of === 0 ? null : (100 * n) / of);
  return {
    closed: r.closed,
    responses: r.responses,
    responseRatePct: pct(r.responses, r.closed),
    average: r.responses === 0 ? null : r.average,
    distribution: [1, 2, 3, 4, 5].map((score, i) => ({ score, responses: r.scores[i] ?? 0, sharePct: pct(r.scores[i] ?? 0, r.responses) })),
  };
}

export const CsatComment = z.object({
  conversationId: z.string(),
  score: z.number(),
  comment: z.string(),
  /** Who held the conversation at its close. */
  agentId: z.string().nullable(),
  teamId: z.string().nullable(),
  /** When the score was recorded. */
  recordedAt: z.string(),
});
export type CsatComment = z.infer<typeof CsatComment>;

export const CsatCommentPage = z.object({
  items: z.array(CsatComment),
  total: z.number(),
  nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null: last page'),
});
export type CsatCommentPage = z.infer<typeof CsatCommentPage>;

const CommentCursor = z.strictObject({
  comments: z.literal(true),
  at: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/)
    .refine((s) => within(DATETIME64, fromChTime(s))),
  conversationId: z.string().max(100),
});

/**
 * The CSAT responses with a comment among the report's responses (score optional),
 * newest first; pages by cursor. Comments recorded before migration 4 are known only
 * after a replay (docs/analytics.md).
 */
export async function csatComments(
  client: ClickHouseClient,
  db: string,
  f: ReportFilter,
  q: { score?: number | null },
  page: { limit: number; cursor?: string | undefined },
): Promise<CsatCommentPage> {
  const cursor = page.cursor ? decodeWith(CommentCursor, page.cursor) : null;
  const source = `SELECT conversation_id, assumeNotNull(csat) AS score, assumeNotNull(csat_comment) AS comment, handled_by, team_id, assumeNotNull(csat_at) AS at
    ${openedConversationsSql(f, db)} AND is_open = 0 AND csat IS NOT NULL AND csat_at IS NOT NULL AND ifNull(csat_comment, '') != ''
      ${q.score ? 'AND csat = {score:UInt8}' : ''}`;
  const all = { ...params(f), score: q.score ?? 0 };
  const rows = await queryRows(
    client,
    `SELECT * FROM (${source}) WHERE ${cursor ? `(at, conversation_id) < ({c_at:${T}}, {c_id:String})` : '1'}
     ORDER BY at DESC, conversation_id DESC LIMIT {limit:UInt32}`,
    { ...all, c_at: cursor?.at ?? '1970-01-01 00:00:00.000', c_id: cursor?.conversationId ?? '', limit: page.limit + 1 },
    z.object({ conversation_id: ch.string, score: ch.number, comment: ch.string, handled_by: ch.stringOrNull, team_id: ch.stringOrNull, at: ch.time }),
  );
  const { total } = await queryRow(client, `SELECT count() AS total FROM (${source})`, all, z.object({ total: ch.number }));
  const last = rows[page.limit - 1];
  return {
    items: rows.slice(0, page.limit).map((r) => ({
      conversationId: r.conversation_id,
      score: r.score,
      comment: r.comment,
      agentId: r.handled_by,
      teamId: r.team_id,
      recordedAt: isoFromChTime(r.at),
    })),
    total,
    nextCursor:
      rows.length > page.limit && last
        ? Buffer.from(JSON.stringify({ comments: true, at: last.at, conversationId: last.conversation_id })).toString('base64url')
        : null,
  };
}

/** A cursor this API issued, decoded by its schema; anything else is an InvalidCursorError. */
function decodeWith<S extends z.ZodType>(schema: S, cursor: string): z.output<S> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is not one this API issued');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new InvalidCursorError('cursor is not one this API issued');
  return result.data;
}

/* ----------------------------------------------------------------------------------
 * One drill-down for every figure: the conversations (or waits) behind it.
 * -------------------------------------------------------------------------------- */

/** What narrows a drill-down to one bar, cell or row of a report. */
export const DRILL_PARAMS = ['bucket', 'dayOfWeek', 'hour', 'direction', 'messageType', 'score', 'target', 'outcome', 'priority', 'day'] as const;
export type DrillParam = (typeof DRILL_PARAMS)[number];

/**
 * Every figure the reports give that opens a list, declared once: the drill-down's
 * validation (which narrowing parameters a figure takes), its OpenAPI description and
 * the docs' table derive from it. `rows`: what one item is.
 */
export const DRILL_FIGURES = {
  messages: {
    rows: 'conversations',
    of: 'volumes (`bucket` of its granularity, `direction`, `messageType`); heatmap `inbound_messages` cells (`direction=inbound`, `dayOfWeek`, `hour`)',
    takes: ['bucket', 'dayOfWeek', 'hour', 'direction', 'messageType'],
  },
  conversations_opened: {
    rows: 'conversations',
    of: 'conversation volumes `opened` (`bucket`); heatmap `conversations_opened` cells (`dayOfWeek`, `hour`)',
    takes: ['bucket', 'dayOfWeek', 'hour'],
  },
  conversations_closed: { rows: 'conversations', of: 'conversation volumes `closed` (`bucket`)', takes: ['bucket', 'dayOfWeek', 'hour'] },
  csat_closed: { rows: 'conversations', of: 'CSAT `closed` (the response rate’s denominator)', takes: [] },
  csat_responses: {
    rows: 'conversations',
    of: 'CSAT `responses` and a distribution bar (`score`); leaderboard `csatResponses` (with `agentId`)',
    takes: ['score'],
  },
  handled: { rows: 'conversations', of: 'leaderboard `conversationsHandled` (with `agentId`)', takes: [] },
  first_responses: { rows: 'waits (first waits: one per conversation)', of: 'leaderboard `firstResponses` (with `agentId`)', takes: [] },
  sla: {
    rows: 'waits (conversations for `target=resolution`)',
    of: 'compliance `met`/`breached` (`target`, `outcome`), a compliance-by-period row (`bucket`), a breaches row (`priority`, `day`; team and agent rows through `teamId`/`agentId`)',
    takes: ['target', 'outcome', 'bucket', 'priority', 'day'],
  },
} as const satisfies Record<string, { rows: string; of: string; takes: readonly DrillParam[] }>;
export type DrillFigure = keyof typeof DRILL_FIGURES;
export const DrillFigureName = z.enum(Object.keys(DRILL_FIGURES) as [DrillFigure, ...DrillFigure[]]);

export interface DrillQuery {
  figure: DrillFigure;
  bucket?: { granularity: Granularity; period: string } | null;
  dayOfWeek?: number | null;
  hour?: number | null;
  direction?: 'inbound' | 'outbound' | null;
  messageType?: string | null;
  score?: number | null;
  /** sla: required. */
  target?: SlaTarget | null;
  outcome?: SlaOutcome | null;
  priority?: string | null;
  day?: string | null;
}

export const DrillItem = z.object({
  conversationId: z.string(),
  /** The wait, for figures of waits; null when the row is the conversation. */
  episode: z.number().nullable(),
  /** The instant that places the row in the figure: first of its messages, open, last close, or start of the wait. */
  at: z.string(),
  openedAt: z.string(),
  /** Current status of the conversation. */
  status: z.string(),
  /** The wait's team and the agent who replied (waits); the current team and the agent who handled it (conversations). */
  teamId: z.string().nullable(),
  agentId: z.string().nullable(),
  priority: z.string(),
  csat: z.number().nullable(),
  /** messages: the figure's messages in this conversation; null for other figures. */
  messages: z.number().nullable(),
  /** sla: the verdict on the chosen clock; null for other figures. */
  outcome: z.enum(['met', 'breached', 'none']).nullable(),
});
export type DrillItem = z.infer<typeof DrillItem>;

export const DrillPage = z.object({
  figure: DrillFigureName,
  /** Rows behind the figure over every page: equals the figure (for `messages`: the conversations those messages belong to). */
  total: z.number(),
  /** messages: the message count (the figure itself); null for other figures. */
  messages: z.number().nullable(),
  items: z.array(DrillItem),
  nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null: last page'),
});
export type DrillPage = z.infer<typeof DrillPage>;

const FigureCursor = DrillCursor.omit({ target: true }).extend({ figure: DrillFigureName });

const NULL_STRING = 'CAST(NULL AS Nullable(String))';

/** Conditions on an instant column placing it in a bucket or heatmap cell. */
function placedSql(column: string, q: DrillQuery): string {
  return [
    q.bucket ? `${periodSql(column, q.bucket.granularity)} = {bucket:String}` : '',
    q.dayOfWeek != null ? `${dayOfWeekSql(column)} = {dow:UInt8}` : '',
    q.hour != null ? `${hourOfDaySql(column)} = {hour:UInt8}` : '',
  ]
    .filter(Boolean)
    .map((c) => `AND ${c}`)
    .join(' ');
}

/**
 * The rows behind a figure, with the columns conversation_id, episode, is_wait, at,
 * team_id, agent_id, priority, messages, outcome: the same population, filters and
 * clock as the report that shows the figure.
 */
function figureSource(f: ReportFilter, db: string, q: DrillQuery): { sql: string; params: Record<string, unknown> } {
  const conversations = (from: string, at: string, where = '') => ({
    sql: `SELECT conversation_id, toUInt16(0) AS episode, toUInt8(0) AS is_wait, ${at} AS at, team_id, handled_by AS agent_id, priority,
        CAST(NULL AS Nullable(UInt64)) AS messages, ${NULL_STRING} AS outcome
      ${from} ${where} ${placedSql(at, q)}`,
    params: {},
  });
  switch (q.figure) {
    case 'messages':
      return {
        sql: `SELECT assumeNotNull(conversation_id) AS conversation_id, toUInt16(0) AS episode, toUInt8(0) AS is_wait, min(occurred_at) AS at,
            ${NULL_STRING} AS team_id, ${NULL_STRING} AS agent_id, '' AS priority, toNullable(count()) AS messages, ${NULL_STRING} AS outcome
          FROM ${db}.message_facts
          WHERE tenant_id = {tenant:String} AND event_type IN ('received', 'queued') AND conversation_id IS NOT NULL AND ${ROUNDED_RANGE}
            ${filterSql(f, MESSAGE_COLUMNS)}
            ${q.direction ? 'AND direction = {direction:String}' : ''} ${q.messageType ? 'AND message_type = {messageType:String}' : ''}
            ${placedSql('occurred_at', q)}
          GROUP BY conversation_id`,
        params: { direction: q.direction ?? '', messageType: q.messageType ?? '' },
      };
    case 'conversations_opened':
      return conversations(openedConversationsSql(f, db), 'opened_at');
    case 'conversations_closed':
      return conversations(closedConversationsSql(f, db), 'assumeNotNull(last_closed_at)');
    case 'csat_closed':
      return conversations(openedConversationsSql(f, db), 'opened_at', 'AND is_open = 0');
    case 'csat_responses':
      return {
        ...conversations(openedConversationsSql(f, db), 'opened_at', `AND is_open = 0 AND csat IS NOT NULL ${q.score ? 'AND csat = {score:UInt8}' : ''}`),
        params: { score: q.score ?? 0 },
      };
    case 'handled':
      return conversations(openedConversationsSql(f, db), 'opened_at', 'AND is_open = 0 AND handled_by IS NOT NULL');
    case 'first_responses':
      return {
        sql: `SELECT conversation_id, episode, toUInt8(1) AS is_wait, started_at AS at, team_id, agent_id, priority,
            CAST(NULL AS Nullable(UInt64)) AS messages, ${NULL_STRING} AS outcome
          FROM (${episodesSql(f, db)}) WHERE responded = 1 AND kind = 'first' ${placedSql('started_at', q)}`,
        params: {},
      };
    case 'sla': {
      if (!q.target) throw new Error('the sla figure needs a target');
      const source = slaDrillSource(f, db, {
        target: q.target,
        outcome: q.outcome ?? 'any',
        priority: q.priority ?? null,
        day: q.day ?? null,
        bucket: q.bucket ?? null,
      });
      return {
        sql: `SELECT conversation_id, episode, toUInt8(kind != 'resolution') AS is_wait, started_at AS at, team_id, agent_id, priority,
            CAST(NULL AS Nullable(UInt64)) AS messages, toNullable(multiIf(met_ = 1, 'met', breached_ = 1, 'breached', 'none')) AS outcome
          FROM (${source.sql})`,
        params: source.params,
      };
    }
  }
}

/**
 * The conversations (or waits) behind any figure of the reports, one page of them, with
 * their count over every page (= the figure) and, for messages, the message count.
 * Ordered by `at`, conversation, wait; every page judges SLA verdicts at the first page's now.
 */
export async function drillDown(
  client: ClickHouseClient,
  db: string,
  f: ReportFilter,
  q: DrillQuery,
  page: { limit: number; cursor?: string | undefined },
): Promise<DrillPage> {
  const cursor = page.cursor ? decodeWith(FigureCursor, page.cursor) : null;
  if (cursor && cursor.figure !== q.figure) throw new InvalidCursorError(`cursor was issued for figure "${cursor.figure}", not "${q.figure}"`);
  const filter: ReportFilter = cursor ? { ...f, now: new Date(cursor.now) } : f;
  const source = figureSource(filter, db, q);
  const all = {
    ...params(filter),
    bucket: q.bucket?.period ?? '',
    dow: q.dayOfWeek ?? 0,
    hour: q.hour ?? 0,
    ...source.params,
  };
  const rows = await queryRows(
    client,
    `SELECT * FROM (
       SELECT s.conversation_id AS conversation_id, s.episode AS episode, s.at AS at, c.opened_at AS opened_at, c.status AS status,
         if(s.is_wait = 1, s.team_id, c.team_id) AS team_id, if(s.is_wait = 1, s.agent_id, c.handled_by) AS agent_id,
         if(s.is_wait = 1, s.priority, c.priority) AS priority, c.csat AS csat, s.messages AS messages, s.outcome AS outcome
       FROM (${source.sql}) AS s
       LEFT JOIN (SELECT conversation_id, opened_at, status, team_id, handled_by, priority, csat FROM ${db}.conversation_facts FINAL WHERE tenant_id = {tenant:String}) AS c
         ON c.conversation_id = s.conversation_id
     ) WHERE ${cursor ? `(at, conversation_id, episode) > ({c_at:${T}}, {c_id:String}, {c_ep:UInt16})` : '1'}
     ORDER BY at, conversation_id, episode LIMIT {limit:UInt32}`,
    {
      ...all,
      c_at: cursor?.at ?? '1970-01-01 00:00:00.000',
      c_id: cursor?.conversationId ?? '',
      c_ep: cursor?.episode ?? 0,
      limit: page.limit + 1,
    },
    z.object({
      conversation_id: ch.string,
      episode: ch.number,
      at: ch.time,
      opened_at: ch.time,
      status: ch.string,
      team_id: ch.stringOrNull,
      agent_id: ch.stringOrNull,
      priority: ch.string,
      csat: ch.numberOrNull,
      messages: ch.numberOrNull,
      outcome: z.enum(['met', 'breached', 'none']).nullable(),
    }),
  );
  const totals = await queryRow(
    client,
    `SELECT count() AS total, sum(ifNull(messages, 0)) AS messages FROM (${source.sql})`,
    all,
    z.object({ total: ch.number, messages: ch.number }),
  );
  const last = rows[page.limit - 1];
  return {
    figure: q.figure,
    total: totals.total,
    messages: q.figure === 'messages' ? totals.messages : null,
    items: rows.slice(0, page.limit).map((r) => ({
      conversationId: r.conversation_id,
      episode: r.episode === 0 ? null : r.episode,
      at: isoFromChTime(r.at),
      openedAt: isoFromChTime(r.opened_at),
      status: r.status,
      teamId: r.team_id,
      agentId: r.agent_id,
      priority: r.priority,
      csat: r.csat,
      messages: r.messages,
      outcome: r.outcome,
    })),
    nextCursor:
      rows.length > page.limit && last
        ? Buffer.from(
            JSON.stringify({ figure: q.figure, now: filter.now.getTime(), at: last.at, conversationId: last.conversation_id, episode: last.episode }),
          ).toString('base64url')
        : null,
  };
}
