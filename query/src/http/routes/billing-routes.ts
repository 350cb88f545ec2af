import { type Api, allowOrPlatformAdmin, badRequest, forbidden } from '@parley/kit';
import { BillingSubscriptionView, PaymentView } from '@parley/projections/billing';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errors } from '../query-schemas.ts';

const billing = allowOrPlatformAdmin('readBilling');
const TenantParam = z.uuid().optional().describe('Platform admin key only: the tenant to read (a tenant user reads their own)');

/** The tenant a billing read is for: a user's own; the platform admin names one. */
function tenantOf(request: FastifyRequest, asked: string | undefined): string {
  const principal = request.principal;
  if (!principal) {
    if (!asked) throw badRequest('querystring.tenantId: the platform admin key reads one tenant at a time: name it');
    return asked;
  }
  if (asked !== undefined && asked !== principal.tenantId) throw forbidden('tenantId is for the platform admin key: a tenant user reads their own tenant');
  return principal.tenantId;
}

/** A tenant's Stripe subscription and payments (docs/billing.md), for the billing role, tenant admins and platform admins. */
export async function billingRoutes(api: Api) {
  const { billingReads: queries } = api;

  api.get(
    '/v1/billing/subscription',
    {
      config: billing,
      schema: {
        summary: "The tenant's subscription as Stripe last reported it, with its dunning state",
        tags: ['billing'],
        querystring: z.strictObject({ tenantId: TenantParam }),
        response: { 200: z.object({ subscription: BillingSubscriptionView.nullable() }), ...errors },
      },
    },
    async (request) => ({ subscription: await queries.subscription(tenantOf(request, request.query.tenantId)) }),
  );

  api.get(
    '/v1/billing/payments',
    {
      config: billing,
      schema: {
        summary: "The tenant's payments, newest first: amounts in minor units, failures with their reason, refunds and disputes",
        tags: ['billing'],
        querystring: z.strictObject({ tenantId: TenantParam, limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: z.array(PaymentView) }), ...errors },
      },
    },
    async (request) => ({ items: await queries.payments(tenantOf(request, request.query.tenantId), request.query.limit) }),
  );
}
