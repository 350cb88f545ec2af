import { Priority, TimeZone } from '@parley/events';
import { accessFor, allow, badRequest, errorResponses, principalOf, tooManyRequests } from '@parley/kit';
import {
  AnalystBusy,
  AnalystQueryFailed,
  type AnalystScope,
  AnalystSqlRefused,
  type Analytics,
  agentLeaderboard,
  BREACH_GROUPS,
  BreachRow,
  breaches,
  CompliancePeriodRow,
  ComplianceRow,
  ConversationVolumeRow,
  CsatComment,
  CsatCommentPage,
  CsatReport,
  CsatScoreRow,
  conversationVolumes,
  csatComments,
  csatReport,
  DATE,
  DRILL_FIGURES,
  DRILL_PARAMS,
  type DrillFigure,
  DrillFigureName,
  DrillItem,
  DrillPage,
  type DrillParam,
  dateIn,
  drillDown,
  GRANULARITIES,
  type Granularity,
  HandleTimeReport,
  HEATMAP_MEASURES,
  HeatmapCell,
  HOURS_MODES,
  HourlyResponseRow,
  handleTimes,
  heatmap,
  instantIn,
  LEADERBOARD_SORTS,
  LeaderboardRow,
  Percentiles,
  QueueWaitReport,
  queueWaitTimes,
  REPORT_TIME_TYPE,
  type ReportFilter,
  ResponseTimePercentiles,
  RunningSla,
  responseTimePercentiles,
  responseTimesByPeriod,
  runningSla,
  SLA_OUTCOMES,
  SLA_TARGETS,
  SlaDrillItem,
  SlaDrillPage,
  slaCompliance,
  slaComplianceByPeriod,
  slaConversations,
  VolumeRow,
  volumes,
} from '@parley/projections/analytics';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type CsvColumn, columnsFrom, toCsv, wantsCsv } from './csv.ts';

export interface AnalyticsRouteDeps {
  analytics: Pick<Analytics, 'client' | 'database' | 'analyst'>;
  clock: () => Date;
}

const MAX_RANGE_DAYS = 400;

/** What every report takes: the range, zone, filters and the answer's format. */
const REPORT_SHAPE = {
  from: instantIn(REPORT_TIME_TYPE).describe('Start (inclusive): conversations opened / waits started from here'),
  to: instantIn(REPORT_TIME_TYPE).describe('End (exclusive)'),
  timeZone: TimeZone.default('UTC').describe('Groups days and hours in this zone'),
  teamId: z.uuid().optional(),
  agentId: z.uuid().optional(),
  format: z.enum(['json', 'csv']).optional().describe('csv: the same figures as text/csv (also chosen by Accept: text/csv)'),
};
type Range = {
  from: string;
  to: string;
  timeZone: string;
  teamId?: string | undefined;
  agentId?: string | undefined;
  hours?: (typeof HOURS_MODES)[number] | undefined;
};
/** The clock switch of every SLA figure and median: its verdicts, due instants and exports follow it. */
const HOURS = {
  hours: z
    .enum(HOURS_MODES)
    .default('business')
    .describe('business: waits in the team’s business hours against their due instant (default); calendar: the same waits in wall-clock time, same targets'),
};
/** Periods of a time series, in timeZone (weeks start on Monday). */
const granularity = (fallback: Granularity) =>
  z.enum(GRANULARITIES).default(fallback).describe('Period of each row in timeZone: hour, day, week (from Monday) or month');

/**
 * A report's query string: strict, so a misspelt filter (`team=` for `teamId=`) is a
 * 400 naming the key instead of an unfiltered answer that looks filtered.
 */
function reportQuery<S extends z.ZodType<{ from: string; to: string }>>(schema: S): S {
  return schema
    .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'to must be after from', path: ['to'] })
    .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_RANGE_DAYS * 86_400_000, {
      message: `a range of at most ${MAX_RANGE_DAYS} days`,
      path: ['to'],
    });
}
const Report = reportQuery(z.strictObject(REPORT_SHAPE));
/** An SLA report: the range and filters, and the clock. */
const SlaReport = reportQuery(z.strictObject({ ...REPORT_SHAPE, ...HOURS }));
/** A report's 200 answer: its JSON body, or the CSV text when asked for. */
const orCsv = <T extends z.ZodType>(json: T) => z.union([json, z.string().describe('text/csv export')]);
/** The 200 answer of a report of rows: `{ items }` of the row schema, or CSV. */
const itemsOf = <T extends z.ZodType>(row: T) => orCsv(z.object({ items: z.array(row) }));
/** A bar of a time series: its period as the report wrote it, and the report's granularity. */
const BUCKET = {
  granularity: z.enum(GRANULARITIES).optional().describe('The granularity of the report whose bucket this is (default day)'),
  bucket: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}( \d{2}:00:00)?$/)
    .optional()
    .describe('A period of a report, as it wrote it: YYYY-MM-DD (day, week: its Monday, month: its first day) or YYYY-MM-DD HH:00:00 (hour), in timeZone'),
};
function bucketOf(q: { granularity?: Granularity | undefined; bucket?: string | undefined }): { granularity: Granularity; period: string } | null {
  if (q.bucket === undefined) {
    if (q.granularity !== undefined) throw badRequest('granularity says what a bucket is: give bucket with it');
    return null;
  }
  const granularity = q.granularity ?? 'day';
  const hourly = q.bucket.length > 10;
  if (hourly !== (granularity === 'hour')) {
    throw badRequest(`bucket ${q.bucket} is not a period of granularity ${granularity}: ${granularity === 'hour' ? 'YYYY-MM-DD HH:00:00' : 'YYYY-MM-DD'}`);
  }
  return { granularity, period: q.bucket };
}
/** The most rows one CSV export of the drill-down returns: a larger one must be narrowed. */
const MAX_EXPORT_ROWS = 100_000;

const errors = errorResponses(400, 401, 403);

const supervisors = allow('readReports');

/**
 * Supervisor reports (tenant of the API key) and the platform analyst's read-only SQL.
 * Definitions of every figure: docs/metrics.md.
 */
export function registerAnalyticsRoutes(app: FastifyInstance, deps: AnalyticsRouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { client, database: db } = deps.analytics;
  const filter = (tenantId: string, q: Range): ReportFilter => ({
    tenantId,
    from: new Date(q.from),
    to: new Date(q.to),
    timeZone: q.timeZone,
    teamId: q.teamId ?? null,
    agentId: q.agentId ?? null,
    now: deps.clock(),
    hours: q.hours ?? 'business',
  });
  /** Sends rows as a CSV attachment: the serializer is skipped for text with a non-JSON type. */
  const csv = <T>(reply: FastifyReply, name: string, rows: readonly T[], columns: readonly CsvColumn<T>[]): string => {
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`);
    return toCsv(rows, columns);
  };
  /** Answers items as JSON `{ items }` or as CSV, a column per field of their row schema. */
  const itemsOr = <S extends z.ZodObject>(
    request: FastifyRequest,
    reply: FastifyReply,
    format: 'json' | 'csv' | undefined,
    name: string,
    items: z.infer<S>[],
    row: S,
  ) => (wantsCsv(request, format) ? csv(reply, name, items, columnsFrom(row)) : { items });

  api.get(
    '/v1/analytics/sla/running',
    {
      config: allow('watchQueues'),
      schema: {
        summary: 'Live: running waits and open conversations past their SLA target (breached) or close to it (at risk), earliest due first',
        tags: ['analytics'],
        querystring: z.strictObject({
          teamId: z.uuid().optional(),
          conversationId: z
            .uuid()
            .optional()
            .describe("One conversation's SLA clock: every running target of it, on_track ones too (atRiskShare then only sets at_risk vs on_track)"),
          atRiskShare: z.coerce
            .number()
            .min(0)
            .max(1)
            .default(0.25)
            .describe('At risk: not yet due, with at most this share of its target left (default 0.25)'),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: { 200: RunningSla, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      return runningSla(client, db, {
        tenantId: principalOf(request).tenantId,
        teamId: q.teamId ?? null,
        conversationId: q.conversationId ?? null,
        now: deps.clock(),
        atRiskShare: q.atRiskShare,
        limit: q.limit,
      });
    },
  );

  api.get(
    '/v1/analytics/sla/compliance',
    {
      config: supervisors,
      schema: {
        summary: 'SLA compliance per target: met / (met + breached); running waits count as breached once past due',
        tags: ['analytics'],
        querystring: SlaReport,
        response: { 200: itemsOf(ComplianceRow), ...errors },
      },
    },
    async (request, reply) => {
      const items = await slaCompliance(client, db, filter(principalOf(request).tenantId, request.query));
      return itemsOr(request, reply, request.query.format, 'sla-compliance', items, ComplianceRow);
    },
  );

  api.get(
    '/v1/analytics/sla/percentiles',
    {
      config: supervisors,
      schema: {
        summary:
          'p50/p90/p95 of first response, next response and resolution times (exact): the JSON has both clocks (wall = calendar); the CSV the clock hours chooses',
        tags: ['analytics'],
        querystring: SlaReport,
        response: { 200: orCsv(ResponseTimePercentiles), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const report = await responseTimePercentiles(client, db, filter(principalOf(request).tenantId, q));
      if (!wantsCsv(request, q.format)) return report;
      // One line per measure on the chosen clock: the nested JSON flattened.
      const clock = q.hours === 'calendar' ? 'wall' : 'business';
      return csv(
        reply,
        `sla-percentiles-${q.hours}`,
        durationRows(report).filter((r) => r.clock === clock),
        PERCENTILE_COLUMNS,
      );
    },
  );

  api.get(
    '/v1/analytics/sla/breaches',
    {
      config: supervisors,
      schema: {
        summary: 'SLA breaches grouped by team, agent, priority or day (the day the target was missed, in timeZone)',
        tags: ['analytics'],
        querystring: reportQuery(z.strictObject({ ...REPORT_SHAPE, ...HOURS, by: z.enum(BREACH_GROUPS) })),
        response: { 200: itemsOf(BreachRow), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const items = await breaches(client, db, filter(principalOf(request).tenantId, q), q.by);
      return itemsOr(request, reply, q.format, `sla-breaches-by-${q.by}-${q.hours}`, items, BreachRow);
    },
  );

  api.get(
    '/v1/analytics/volumes',
    {
      config: supervisors,
      schema: {
        summary:
          'Messages by hour, day, week or month, inbound and outbound, by message type (15-minute rollup; range rounded to 15 minutes); team and agent: who had the conversation then',
        tags: ['analytics'],
        querystring: reportQuery(z.strictObject({ ...REPORT_SHAPE, granularity: granularity('day') })),
        response: { 200: itemsOf(VolumeRow), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const items = await volumes(client, db, filter(principalOf(request).tenantId, q), q.granularity);
      return itemsOr(request, reply, q.format, `volumes-by-${q.granularity}`, items, VolumeRow);
    },
  );

  api.get(
    '/v1/analytics/response-times',
    {
      config: supervisors,
      schema: {
        summary: 'Answered waits per hour, day, week or month with approximate p50/p90/p95 of wall-clock time (t-digest rollup, for dashboards)',
        tags: ['analytics'],
        querystring: reportQuery(
          z.strictObject({
            ...REPORT_SHAPE,
            granularity: z.enum([...GRANULARITIES, 'total']).default('hour'),
            kind: z.enum(['first', 'reopen', 'next']).default('first'),
          }),
        ),
        response: { 200: itemsOf(HourlyResponseRow), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const items = await responseTimesByPeriod(client, db, filter(principalOf(request).tenantId, q), q.granularity, q.kind);
      return itemsOr(request, reply, q.format, `response-times-${q.kind}-by-${q.granularity}`, items, HourlyResponseRow);
    },
  );

  api.get(
    '/v1/analytics/agents/leaderboard',
    {
      config: supervisors,
      schema: {
        summary:
          'Per agent: conversations handled, first responses, median first response and resolution (on the hours clock), median handle time, CSAT; sortable by any column',
        tags: ['analytics'],
        querystring: reportQuery(
          z.strictObject({
            ...REPORT_SHAPE,
            ...HOURS,
            sort: z.enum(LEADERBOARD_SORTS).default('conversationsHandled').describe('Any column of a row; nulls always last, ties by agentId'),
            order: z.enum(['asc', 'desc']).default('desc'),
          }),
        ),
        response: { 200: itemsOf(LeaderboardRow), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const items = await agentLeaderboard(client, db, filter(principalOf(request).tenantId, q), { by: q.sort, order: q.order });
      return itemsOr(request, reply, q.format, `agent-leaderboard-${q.hours}`, items, LeaderboardRow);
    },
  );

  api.get(
    '/v1/analytics/sla/conversations',
    {
      config: supervisors,
      schema: {
        summary:
          'Drill-down: the waits (or, for resolution, conversations) behind an SLA figure, with the reports’ population, filters and verdicts; pages by cursor; CSV exports every row',
        tags: ['analytics'],
        querystring: reportQuery(
          z.strictObject({
            ...REPORT_SHAPE,
            ...HOURS,
            target: z.enum(SLA_TARGETS).describe('Which figure: first_response, first_response_all, next_response (waits) or resolution (conversations)'),
            outcome: z
              .enum(SLA_OUTCOMES)
              .default('any')
              .describe('met or breached: the compliance figures (waits with a target); any: every row of the population'),
            priority: Priority.optional().describe('A row of the breaches-by-priority report'),
            day: dateIn(DATE).optional().describe('A row of the breaches-by-day report: local date (timeZone) of the due instant'),
            ...BUCKET,
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            cursor: z.string().min(1).max(500).optional().describe('nextCursor of the previous page, with the same filters'),
          }),
        ),
        response: { 200: orCsv(SlaDrillPage), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const f = filter(principalOf(request).tenantId, q);
      const drill = { target: q.target, outcome: q.outcome, priority: q.priority ?? null, day: q.day ?? null, bucket: bucketOf(q) };
      const exporting = wantsCsv(request, q.format);
      if (exporting && q.cursor) throw badRequest('cursor pages the JSON answer; a CSV export has every row');
      const page = await slaConversations(client, db, f, drill, exporting ? { limit: MAX_EXPORT_ROWS } : { limit: q.limit, cursor: q.cursor });
      if (!exporting) return page;
      if (page.nextCursor !== null) throw badRequest(`more than ${MAX_EXPORT_ROWS} rows: narrow the range or the filters`);
      return csv(reply, `sla-${q.target}-${q.outcome}-${q.hours}`, page.items, DRILL_COLUMNS);
    },
  );

  api.get(
    '/v1/analytics/queue-wait',
    {
      config: supervisors,
      schema: {
        summary:
          'Wait time: first queued → first assigned (exact p50/p90/p95, wall-clock), still queued and closed unassigned, of conversations opened in the range',
        tags: ['analytics'],
        querystring: Report,
        response: { 200: orCsv(QueueWaitReport), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      // Refused rather than ignored: a filter that cannot narrow the figure would mislead.
      if (q.agentId) throw badRequest('agentId does not apply to wait time: it is the time before any agent holds the conversation; filter by teamId');
      const report = await queueWaitTimes(client, db, filter(principalOf(request).tenantId, q));
      if (!wantsCsv(request, q.format)) return report;
      const { wait, ...counts } = report;
      return csv(reply, 'queue-wait', [{ ...wait, ...counts }], QUEUE_WAIT_COLUMNS);
    },
  );

  api.get(
    '/v1/analytics/handle-time',
    {
      config: supervisors,
      schema: {
        summary: 'Handle time: how long conversations opened in the range were open and held by an agent (exact p50/p90/p95 of closed ones, wall-clock)',
        tags: ['analytics'],
        querystring: Report,
        response: { 200: orCsv(HandleTimeReport), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const report = await handleTimes(client, db, filter(principalOf(request).tenantId, q));
      if (!wantsCsv(request, q.format)) return report;
      const { handle, ...counts } = report;
      return csv(reply, 'handle-time', [{ ...handle, ...counts }], HANDLE_TIME_COLUMNS);
    },
  );

  api.get(
    '/v1/analytics/sla/compliance/by-period',
    {
      config: supervisors,
      schema: {
        summary:
          'SLA compliance per target and period in timeZone: waits by the period they started in, resolution by the period the conversation opened in; the periods add up to /sla/compliance',
        tags: ['analytics'],
        querystring: reportQuery(z.strictObject({ ...REPORT_SHAPE, ...HOURS, granularity: granularity('day') })),
        response: { 200: itemsOf(CompliancePeriodRow), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const items = await slaComplianceByPeriod(client, db, filter(principalOf(request).tenantId, q), q.granularity);
      return itemsOr(request, reply, q.format, `sla-compliance-by-${q.granularity}-${q.hours}`, items, CompliancePeriodRow);
    },
  );

  api.get(
    '/v1/analytics/conversations/volumes',
    {
      config: supervisors,
      schema: {
        summary:
          'Conversations opened (open in the period) and closed (closed now, last close in the period) per hour, day, week or month in timeZone; team: current team, agent: handled by',
        tags: ['analytics'],
        querystring: reportQuery(z.strictObject({ ...REPORT_SHAPE, granularity: granularity('day') })),
        response: { 200: itemsOf(ConversationVolumeRow), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const items = await conversationVolumes(client, db, filter(principalOf(request).tenantId, q), q.granularity);
      return itemsOr(request, reply, q.format, `conversations-by-${q.granularity}`, items, ConversationVolumeRow);
    },
  );

  api.get(
    '/v1/analytics/heatmap',
    {
      config: supervisors,
      schema: {
        summary:
          'Day of week × hour of day in timeZone (168 cells, Monday 0h first): inbound messages (with the conversations they belong to) or conversations opened',
        tags: ['analytics'],
        querystring: reportQuery(z.strictObject({ ...REPORT_SHAPE, measure: z.enum(HEATMAP_MEASURES).default('inbound_messages') })),
        response: { 200: itemsOf(HeatmapCell), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const items = await heatmap(client, db, filter(principalOf(request).tenantId, q), q.measure);
      return itemsOr(request, reply, q.format, `heatmap-${q.measure}`, items, HeatmapCell);
    },
  );

  api.get(
    '/v1/analytics/csat',
    {
      config: supervisors,
      schema: {
        summary:
          'CSAT of conversations opened in the range and closed: response rate, average and the 1–5 distribution (CSV: the distribution rows); team: current team, agent: handled by',
        tags: ['analytics'],
        querystring: Report,
        response: { 200: orCsv(CsatReport), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const report = await csatReport(client, db, filter(principalOf(request).tenantId, q));
      if (!wantsCsv(request, q.format)) return report;
      return csv(reply, 'csat-distribution', report.distribution, CSAT_COLUMNS);
    },
  );

  api.get(
    '/v1/analytics/csat/comments',
    {
      config: supervisors,
      schema: {
        summary: 'CSAT comments of the CSAT report’s responses, newest first; pages by cursor; CSV exports every row',
        tags: ['analytics'],
        querystring: reportQuery(
          z.strictObject({
            ...REPORT_SHAPE,
            score: z.coerce.number().int().min(1).max(5).optional().describe('Only comments with this score'),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            cursor: z.string().min(1).max(500).optional().describe('nextCursor of the previous page, with the same filters'),
          }),
        ),
        response: { 200: orCsv(CsatCommentPage), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const exporting = wantsCsv(request, q.format);
      if (exporting && q.cursor) throw badRequest('cursor pages the JSON answer; a CSV export has every row');
      const page = await csatComments(
        client,
        db,
        filter(principalOf(request).tenantId, q),
        { score: q.score ?? null },
        exporting ? { limit: MAX_EXPORT_ROWS } : { limit: q.limit, cursor: q.cursor },
      );
      if (!exporting) return page;
      if (page.nextCursor !== null) throw badRequest(`more than ${MAX_EXPORT_ROWS} rows: narrow the range or the filters`);
      return csv(reply, 'csat-comments', page.items, CSAT_COMMENT_COLUMNS);
    },
  );

  api.get(
    '/v1/analytics/drilldown',
    {
      config: supervisors,
      schema: {
        summary:
          'Drill-down of any figure: the conversations (or waits) behind it, with the same range, zone, filters and clock as its report; total equals the figure; pages by cursor; CSV exports every row',
        description: `Figures:\n${Object.entries(DRILL_FIGURES)
          .map(([name, d]) => `- ${name}: ${d.rows} behind ${d.of}; takes ${d.takes.length ? d.takes.join(', ') : 'no narrowing parameter'}`)
          .join('\n')}`,
        tags: ['analytics'],
        querystring: reportQuery(
          z.strictObject({
            ...REPORT_SHAPE,
            ...HOURS,
            figure: DrillFigureName.describe('Which figure (see the description)'),
            ...BUCKET,
            dayOfWeek: z.coerce.number().int().min(1).max(7).optional().describe('A heatmap cell: local day of week, 1 = Monday'),
            hour: z.coerce.number().int().min(0).max(23).optional().describe('A heatmap cell: local hour'),
            direction: z.enum(['inbound', 'outbound']).optional().describe('messages: a volumes row'),
            messageType: z.string().min(1).max(40).optional().describe('messages: a volumes row'),
            score: z.coerce.number().int().min(1).max(5).optional().describe('csat_responses: a distribution bar'),
            target: z.enum(SLA_TARGETS).optional().describe('sla: which target (required)'),
            outcome: z.enum(SLA_OUTCOMES).optional().describe('sla: met or breached (the compliance figures), any (default)'),
            priority: Priority.optional().describe('sla: a breaches-by-priority row'),
            day: dateIn(DATE).optional().describe('sla: a breaches-by-day row (local date of the due instant)'),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            cursor: z.string().min(1).max(500).optional().describe('nextCursor of the previous page, with the same filters'),
          }),
        ),
        response: { 200: orCsv(DrillPage), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const takes: readonly DrillParam[] = DRILL_FIGURES[q.figure].takes;
      for (const param of DRILL_PARAMS) {
        if (q[param] !== undefined && !takes.includes(param)) {
          throw badRequest(`${param} does not apply to figure ${q.figure}: it takes ${takes.length ? takes.join(', ') : 'none'}`);
        }
      }
      if (q.figure === 'sla' && !q.target) throw badRequest('figure sla needs a target: first_response, first_response_all, next_response or resolution');
      const drill = {
        figure: q.figure as DrillFigure,
        bucket: bucketOf(q),
        dayOfWeek: q.dayOfWeek ?? null,
        hour: q.hour ?? null,
        direction: q.direction ?? null,
        messageType: q.messageType ?? null,
        score: q.score ?? null,
        target: q.target ?? null,
        outcome: q.outcome ?? null,
        priority: q.priority ?? null,
        day: q.day ?? null,
      };
      const exporting = wantsCsv(request, q.format);
      if (exporting && q.cursor) throw badRequest('cursor pages the JSON answer; a CSV export has every row');
      const f = filter(principalOf(request).tenantId, q);
      const page = await drillDown(client, db, f, drill, exporting ? { limit: MAX_EXPORT_ROWS } : { limit: q.limit, cursor: q.cursor });
      if (!exporting) return page;
      if (page.nextCursor !== null) throw badRequest(`more than ${MAX_EXPORT_ROWS} rows: narrow the range or the filters`);
      return csv(reply, `drilldown-${q.figure}-${q.hours}`, page.items, FIGURE_DRILL_COLUMNS);
    },
  );

  api.post(
    '/v1/analytics/sql',
    {
      config: accessFor('analyst'),
      schema: {
        summary:
          'Read-only SQL over the analytics tables: a tenant analyst sees their tenant’s rows, the platform analyst key every tenant’s (see docs/analytics.md)',
        tags: ['analytics'],
        body: z.strictObject({
          sql: z.string().min(1).max(100_000).describe('One SELECT (or WITH … SELECT) over the plain table names, calling allowed functions only'),
          params: z
            .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.union([z.string(), z.number(), z.boolean()]))
            .default({})
            .describe('Values for {name:Type} placeholders in the SQL'),
        }),
        response: { 200: z.object({ rows: z.array(z.record(z.string(), z.unknown())), rowCount: z.number() }), ...errors, ...errorResponses(429) },
      },
    },
    async (request, reply) => {
      const { sql, params } = request.body;
      const scope: AnalystScope = request.principal ? { kind: 'tenant', tenantId: request.principal.tenantId } : { kind: 'platform' };
      try {
        return await deps.analytics.analyst.run(scope, sql, params);
      } catch (error) {
        if (error instanceof AnalystSqlRefused || error instanceof AnalystQueryFailed) throw badRequest(error.message);
        if (error instanceof AnalystBusy) {
          reply.header('retry-after', String(error.retryAfterSeconds));
          throw tooManyRequests(error.message);
        }
        throw error;
      }
    },
  );
}

/** The percentiles report in CSV: one line per measure and clock, the nested JSON flattened. */
const PercentileLine = z.object({ measure: z.string(), clock: z.enum(['wall', 'business']), ...Percentiles.shape });
const durationRows = (report: ResponseTimePercentiles): z.infer<typeof PercentileLine>[] =>
  Object.entries(report).flatMap(([measure, d]) => [
    { measure, clock: 'wall' as const, ...d.wall },
    { measure, clock: 'business' as const, ...d.business },
  ]);
const PERCENTILE_COLUMNS = columnsFrom(PercentileLine);
/** Queue wait and handle time in CSV: one line, the figure's percentiles and then the counts. */
const QUEUE_WAIT_COLUMNS = columnsFrom(Percentiles.extend(QueueWaitReport.omit({ wait: true }).shape));
const HANDLE_TIME_COLUMNS = columnsFrom(Percentiles.extend(HandleTimeReport.omit({ handle: true }).shape));
const DRILL_COLUMNS = columnsFrom(SlaDrillItem);
const FIGURE_DRILL_COLUMNS = columnsFrom(DrillItem);
const CSAT_COLUMNS = columnsFrom(CsatScoreRow);
const CSAT_COMMENT_COLUMNS = columnsFrom(CsatComment);
