import { Plan, TenantPlanSummary } from '@parley/events';
import { type Api, accessFor, allow } from '@parley/kit';
import { z } from 'zod';
import { billingAccess, billingTenantOf, TenantParam } from '../billing-tenant.ts';
import { errors } from '../query-schemas.ts';

const TenantPlanAnswer = z.object({ subscription: TenantPlanSummary.nullable().describe('null: no plan chosen yet') });

/** The plan catalog and a tenant's plan (docs/billing.md#plans), from the plans read model. */
export async function planRoutes(api: Api) {
  const { planViews: plans } = api;

  api.get(
    '/v1/plans',
    {
      config: allow('anyUser'),
      schema: {
        summary: 'The plan catalog: every plan’s latest version',
        tags: ['billing'],
        response: { 200: z.object({ items: z.array(Plan) }), ...errors },
      },
    },
    async () => ({ items: await plans.plans() }),
  );

  api.get(
    '/v1/billing/plan',
    {
      config: billingAccess,
      schema: {
        summary: 'The tenant’s plan: in force now with its terms, its trial, current period and any downgrade waiting',
        tags: ['billing'],
        querystring: z.strictObject({ tenantId: TenantParam }),
        response: { 200: TenantPlanAnswer, ...errors },
      },
    },
    async (request) => ({ subscription: await plans.tenantPlan(billingTenantOf(request, request.query.tenantId)) }),
  );

  api.get(
    '/v1/tenants/:tenantId/billing/plan',
    {
      config: accessFor('platform-admin'),
      schema: {
        summary: 'A tenant’s plan (platform admin key). Deprecated: GET /v1/billing/plan?tenantId= reads it as every other billing read does',
        tags: ['billing'],
        deprecated: true,
        params: z.object({ tenantId: z.uuid() }),
        response: { 200: TenantPlanAnswer, ...errors },
      },
    },
    async (request) => ({ subscription: await plans.tenantPlan(request.params.tenantId) }),
  );
}
