import type { Api } from '@parley/kit';
import { BillingSubscriptionView, PaymentView } from '@parley/projections/billing';
import { z } from 'zod';
import { billingAccess, billingTenantOf, TenantParam } from '../billing-tenant.ts';
import { errors } from '../query-schemas.ts';

const billing = billingAccess;

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
    async (request) => ({ subscription: await queries.subscription(billingTenantOf(request, request.query.tenantId)) }),
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
    async (request) => ({ items: await queries.payments(billingTenantOf(request, request.query.tenantId), request.query.limit) }),
  );
}
