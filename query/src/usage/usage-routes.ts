import type { Position } from '@parley/events';
import { TimeZone } from '@parley/events';
import { badRequest, errorResponses } from '@parley/kit';
import { type Analytics, DATETIME, dateIn, instantIn } from '@parley/projections/analytics';
import { DailyUsageRow, dailyUsage, USAGE_BUCKET_MS, UsageReport, usageForPeriod } from '@parley/projections/usage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { billingAccess, billingTenantOf, TenantParam } from '../http/billing-tenant.ts';
import { Consistency } from '../http/query-schemas.ts';

export interface UsageRouteDeps {
  /** `usage`: the usage projector, for read-your-writes (`minPosition`) when it runs in this process. */
  analytics: Pick<Analytics, 'client' | 'database'> & Partial<Pick<Analytics, 'usage'>>;
}

/** A billing period is at most a year; a little more lets a caller compare two calendar years' edges. */
const MAX_RANGE_DAYS = 400;
const DAY_MS = 86_400_000;

const TENANT = { tenantId: TenantParam };

const Current = z
  .strictObject({
    from: instantIn(DATETIME).describe(
      'Start of the period (inclusive): an ISO instant on a quarter hour, e.g. the tenant’s local midnight 2026-10-01T00:00:00+02:00',
    ),
    to: instantIn(DATETIME).describe('End of the period (exclusive), on a quarter hour'),
    ...TENANT,
    // The billing job reads usage at a log position it records on the invoice.
    minPosition: Consistency.shape.minPosition.describe('Wait until the usage projection includes this log position (e.g. the head the billing job read)'),
    waitMs: Consistency.shape.waitMs,
  })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'to must be after from', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_RANGE_DAYS * DAY_MS, { message: `a period of at most ${MAX_RANGE_DAYS} days`, path: ['to'] })
  .refine((q) => Date.parse(q.from) % USAGE_BUCKET_MS === 0 && Date.parse(q.to) % USAGE_BUCKET_MS === 0, {
    message: 'from and to must fall on a quarter hour (usage is kept per 15 minutes; every time zone’s midnight is one)',
    path: ['from'],
  });

const Daily = z
  .strictObject({
    from: dateIn(DATETIME).describe('First local date (inclusive), YYYY-MM-DD'),
    to: dateIn(DATETIME).describe('Last local date (exclusive), YYYY-MM-DD'),
    timeZone: TimeZone.default('UTC').describe('Days are this zone’s calendar days (a DST day has 23 or 25 hours)'),
    ...TENANT,
  })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_RANGE_DAYS * DAY_MS, { message: `a range of at most ${MAX_RANGE_DAYS} days`, path: ['to'] });

const errors = errorResponses(400, 401, 403);

/**
 * Metered usage (docs/billing.md, "Meters and usage"): per meter and group over a period
 * the caller gives, and per local day. For the billing role and tenant admins; the
 * platform admin key names a tenant.
 */
export function registerUsageRoutes(app: FastifyInstance, deps: UsageRouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { client, database: db, usage } = deps.analytics;
  /** Whether the usage projection reached the position within the wait (here, or as the process running it stored). */
  const reached = async (position: string, waitMs: number) => {
    if (!usage) return false;
    try {
      return await usage.reached(position as Position, waitMs);
    } catch {
      // Only the store knows its positions' form: comparing another one throws.
      throw badRequest('querystring.minPosition: not a position returned by the command API');
    }
  };

  api.get(
    '/v1/usage/current',
    {
      config: billingAccess,
      schema: {
        summary: 'Usage per meter and group over a billing period [from, to) the caller gives (the tenant’s current period, in its time zone)',
        tags: ['usage'],
        querystring: Current,
        response: { 200: UsageReport, ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const tenantId = billingTenantOf(request, q.tenantId);
      if (q.minPosition !== undefined) reply.header('parley-consistency', (await reached(q.minPosition, q.waitMs)) ? 'fresh' : 'stale');
      return usageForPeriod(client, db, { tenantId, from: new Date(q.from), to: new Date(q.to) });
    },
  );

  api.get(
    '/v1/usage/daily',
    {
      config: billingAccess,
      schema: {
        summary: 'Usage per local day of timeZone, meter and group, over the dates [from, to)',
        tags: ['usage'],
        querystring: Daily,
        response: { 200: z.object({ timeZone: z.string(), items: z.array(DailyUsageRow) }), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const items = await dailyUsage(client, db, { tenantId: billingTenantOf(request, q.tenantId), from: q.from, to: q.to, timeZone: q.timeZone });
      return { timeZone: q.timeZone, items };
    },
  );
}
