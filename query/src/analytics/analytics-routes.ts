import type { ClickHouseClient } from '@clickhouse/client';
import { type Access, badRequest, principalOf } from '@parley/command';
import {
  agentLeaderboard,
  BREACH_GROUPS,
  breaches,
  type ReportFilter,
  responseTimePercentiles,
  responseTimesByPeriod,
  SLA_TARGETS,
  slaCompliance,
  volumes,
} from '@parley/projections/analytics';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

export interface AnalystLimits {
  /** max_execution_time, seconds. */
  maxExecutionSeconds: number;
  /** Rows returned at most (max_result_rows, result_overflow_mode=throw). */
  maxRows: number;
  /** max_memory_usage, bytes. */
  maxMemoryBytes: number;
}

export interface AnalyticsRouteDeps {
  analytics: { client: ClickHouseClient; database: string };
  clock: () => Date;
  analystLimits?: Partial<AnalystLimits>;
}

const DEFAULT_LIMITS: AnalystLimits = { maxExecutionSeconds: 30, maxRows: 10_000, maxMemoryBytes: 1_000_000_000 };
const MAX_RANGE_DAYS = 400;

const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Europe/Madrid')
  .default('UTC')
  .describe('Groups days and hours in this zone');

const Range = z
  .object({
    from: z.iso.datetime({ offset: true }).describe('Start (inclusive): conversations opened / waits started from here'),
    to: z.iso.datetime({ offset: true }).describe('End (exclusive)'),
    timeZone: TimeZone,
    teamId: z.uuid().optional(),
    agentId: z.uuid().optional(),
  })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'to must be after from', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_RANGE_DAYS * 86_400_000, {
    message: `a range of at most ${MAX_RANGE_DAYS} days`,
    path: ['to'],
  });
type Range = z.infer<typeof Range>;

const Percentiles = z.object({ count: z.number(), p50: z.number().nullable(), p90: z.number().nullable(), p95: z.number().nullable() });
const Durations = z.object({ wall: Percentiles, business: Percentiles });
const ErrorBody = z.object({ error: z.string(), message: z.string() });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

const supervisors = { access: { kind: 'roles', roles: ['admin', 'supervisor', 'analyst'] } satisfies Access };
const platformAnalyst = { access: { kind: 'platform-analyst' } satisfies Access };

/**
 * Supervisor reports (tenant of the API key) and the platform analyst's read-only SQL.
 * Definitions of every figure: docs/metrics.md.
 */
export function registerAnalyticsRoutes(app: FastifyInstance, deps: AnalyticsRouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { client, database: db } = deps.analytics;
  const limits = { ...DEFAULT_LIMITS, ...deps.analystLimits };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`analyst limit ${name} must be a positive integer`);
  }
  const filter = (tenantId: string, q: Range): ReportFilter => ({
    tenantId,
    from: new Date(q.from),
    to: new Date(q.to),
    timeZone: q.timeZone,
    teamId: q.teamId ?? null,
    agentId: q.agentId ?? null,
    now: deps.clock(),
  });

  api.get(
    '/v1/analytics/sla/compliance',
    {
      config: supervisors,
      schema: {
        summary: 'SLA compliance per target: met / (met + breached); running waits count as breached once past due',
        tags: ['analytics'],
        querystring: Range,
        response: {
          200: z.object({ items: z.array(z.object({ target: z.enum(SLA_TARGETS), met: z.number(), breached: z.number(), compliancePct: z.number().nullable() })) }),
          ...errors,
        },
      },
    },
    async (request) => ({ items: await slaCompliance(client, db, filter(principalOf(request).tenantId, request.query)) }),
  );

  api.get(
    '/v1/analytics/sla/percentiles',
    {
      config: supervisors,
      schema: {
        summary: 'p50/p90/p95 of first response, next response and resolution times (exact), wall-clock and business hours',
        tags: ['analytics'],
        querystring: Range,
        response: {
          200: z.object({ firstResponse: Durations, firstResponseAll: Durations, nextResponse: Durations, resolution: Durations, firstResolution: Durations }),
          ...errors,
        },
      },
    },
    async (request) => responseTimePercentiles(client, db, filter(principalOf(request).tenantId, request.query)),
  );

  api.get(
    '/v1/analytics/sla/breaches',
    {
      config: supervisors,
      schema: {
        summary: 'SLA breaches grouped by team, agent, priority or day (the day the target was missed, in timeZone)',
        tags: ['analytics'],
        querystring: Range.and(z.object({ by: z.enum(BREACH_GROUPS) })),
        response: { 200: z.object({ items: z.array(z.object({ key: z.string(), target: z.enum(SLA_TARGETS), breaches: z.number() })) }), ...errors },
      },
    },
    async (request) => ({ items: await breaches(client, db, filter(principalOf(request).tenantId, request.query), request.query.by) }),
  );

  api.get(
    '/v1/analytics/volumes',
    {
      config: supervisors,
      schema: {
        summary: 'Messages by hour or day, inbound and outbound, by message type (15-minute rollup; range rounded to 15 minutes)',
        tags: ['analytics'],
        querystring: Range.and(z.object({ granularity: z.enum(['hour', 'day']).default('day') })),
        response: {
          200: z.object({ items: z.array(z.object({ period: z.string(), direction: z.string(), messageType: z.string(), messages: z.number() })) }),
          ...errors,
        },
      },
    },
    async (request) => ({ items: await volumes(client, db, filter(principalOf(request).tenantId, request.query), request.query.granularity) }),
  );

  api.get(
    '/v1/analytics/response-times',
    {
      config: supervisors,
      schema: {
        summary: 'Answered waits per hour or day with approximate p50/p90/p95 (t-digest rollup, for dashboards)',
        tags: ['analytics'],
        querystring: Range.and(
          z.object({ granularity: z.enum(['hour', 'day', 'total']).default('hour'), kind: z.enum(['first', 'reopen', 'next']).default('first') }),
        ),
        response: {
          200: z.object({ items: z.array(z.object({ period: z.string(), responses: z.number(), p50: z.number(), p90: z.number(), p95: z.number() })) }),
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query;
      return { items: await responseTimesByPeriod(client, db, filter(principalOf(request).tenantId, q), q.granularity, q.kind) };
    },
  );

  api.get(
    '/v1/analytics/agents/leaderboard',
    {
      config: supervisors,
      schema: {
        summary: 'Per agent: conversations handled, median first response, median resolution, CSAT',
        tags: ['analytics'],
        querystring: Range,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                agentId: z.string(),
                conversationsHandled: z.number(),
                medianFirstResponseSeconds: z.number().nullable(),
                medianResolutionSeconds: z.number().nullable(),
                csatAverage: z.number().nullable(),
                csatResponses: z.number(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => ({ items: await agentLeaderboard(client, db, filter(principalOf(request).tenantId, request.query)) }),
  );

  api.post(
    '/v1/analytics/sql',
    {
      config: platformAnalyst,
      schema: {
        summary: 'Read-only SQL over the analytics tables (platform analyst key; all tenants; see docs/analytics.md)',
        tags: ['analytics'],
        body: z.strictObject({
          sql: z.string().min(1).max(100_000).describe('One SELECT (or WITH … SELECT) statement'),
          params: z
            .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.union([z.string(), z.number(), z.boolean()]))
            .default({})
            .describe('Values for {name:Type} placeholders in the SQL'),
        }),
        response: { 200: z.object({ rows: z.array(z.record(z.string(), z.unknown())), rowCount: z.number() }), ...errors },
      },
    },
    async (request) => {
      const { sql, params } = request.body;
      // ClickHouse's own parser says whether this is exactly one statement, and of what kind.
      let formatted: string;
      try {
        const check = await client.query({ query: 'SELECT formatQuerySingleLine({sql:String}) AS q', query_params: { sql }, format: 'JSONEachRow' });
        const [row] = await check.json<{ q: string }>();
        formatted = row?.q ?? '';
      } catch (error) {
        throw badRequest(`not one valid statement: ${clickhouseMessage(error)}`);
      }
      if (!/^(SELECT|WITH)\b/i.test(formatted)) throw badRequest('only SELECT statements (optionally with WITH) are allowed');
      // A SETTINGS clause inside the subquery would apply to it (readonly=1 stops only
      // the outer level): refused, conservatively also when the word is in a literal.
      if (/\bSETTINGS\b/i.test(formatted)) throw badRequest('SETTINGS clauses are not allowed: the limits are fixed (readonly)');
      // The statement runs as a subquery, so nothing but a SELECT parses (no FORMAT, no
      // INTO OUTFILE, no second statement); the limits are set per query and readonly=1
      // last, so the statement cannot lift them. Limits are integers from configuration.
      const bounded =
        `SELECT * FROM (${formatted}) SETTINGS max_execution_time = ${limits.maxExecutionSeconds}, ` +
        `max_result_rows = ${limits.maxRows}, result_overflow_mode = 'throw', max_memory_usage = ${limits.maxMemoryBytes}, readonly = 1`;
      try {
        const result = await client.query({ query: bounded, query_params: params, format: 'JSONEachRow' });
        const rows = await result.json<Record<string, unknown>>();
        return { rows, rowCount: rows.length };
      } catch (error) {
        throw badRequest(`query refused or failed: ${clickhouseMessage(error)}`);
      }
    },
  );
}

const clickhouseMessage = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 2000);
