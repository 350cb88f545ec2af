import type { Position } from '@parley/events';
import { TimeZone } from '@parley/events';
import { accessFor, badRequest, errorResponses } from '@parley/kit';
import { type Analytics, DATETIME, dateIn, instantIn } from '@parley/projections/analytics';
import { DailyUsageRow, dailyUsage, USAGE_BUCKET_MS, UsageReport, usageForPeriod, usageForTenants } from '@parley/projections/usage';
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

const PERIOD = {
  from: instantIn(DATETIME).describe(
    'Start of the period (inclusive): an ISO instant on a quarter hour, e.g. the tenant’s local midnight 2026-10-01T00:00:00+02:00',
  ),
  to: instantIn(DATETIME).describe('End of the period (exclusive), on a quarter hour'),
  // The billing job reads usage at a log position it records on the invoice.
  minPosition: Consistency.shape.minPosition.describe('Wait until the usage projection includes this log position (e.g. the head the billing job read)'),
  waitMs: Consistency.shape.waitMs,
};

/** What a usage period must be: after its start, at most MAX_RANGE_DAYS, on quarter hours. */
const checkedPeriod = <T extends z.ZodType<{ from: string; to: string }>>(schema: T) =>
  schema
    .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'to must be after from', path: ['to'] })
    .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_RANGE_DAYS * DAY_MS, { message: `a period of at most ${MAX_RANGE_DAYS} days`, path: ['to'] })
    .refine((q) => Date.parse(q.from) % USAGE_BUCKET_MS === 0 && Date.parse(q.to) % USAGE_BUCKET_MS === 0, {
      message: 'from and to must fall on a quarter hour (usage is kept per 15 minutes; every time zone’s midnight is one)',
      path: ['from'],
    });

const Current = checkedPeriod(z.strictObject({ ...PERIOD, ...TENANT }));

/** Tenants per call of the many-tenant read: one query, and a body well under the API's limit. */
export const MAX_USAGE_TENANTS = 1_000;
const ManyTenants = checkedPeriod(
  z.strictObject({
    ...PERIOD,
    tenantIds: z
      .array(z.uuid())
      .min(1)
      .max(MAX_USAGE_TENANTS)
      .refine((ids) => new Set(ids).size === ids.length, 'each tenant once')
      .describe(`The tenants, at most ${MAX_USAGE_TENANTS.toLocaleString('en')} per call`),
  }),
);

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

  api.post(
    '/v1/usage/tenants/current',
    {
      config: accessFor('platform-admin'),
      schema: {
        summary: 'Many tenants’ usage over one period in one read (platform admin key; the billing job): the same report per tenant as GET /v1/usage/current',
        description: 'A POST because a thousand tenant ids do not fit a URL; it changes nothing. Parley-Consistency as on GET /v1/usage/current.',
        tags: ['usage'],
        body: ManyTenants,
        response: { 200: z.object({ items: z.array(UsageReport).describe('One per tenant asked, in the order asked') }), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.body;
      if (q.minPosition !== undefined) reply.header('parley-consistency', (await reached(q.minPosition, q.waitMs)) ? 'fresh' : 'stale');
      const reports = await usageForTenants(client, db, { tenantIds: q.tenantIds, from: new Date(q.from), to: new Date(q.to) });
      return { items: q.tenantIds.map((tenantId) => reports.get(tenantId)!) };
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
