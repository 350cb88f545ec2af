import { Plan, TenantPlanSummary } from '@parley/events';
import { type Api, accessFor, allow, principalOf } from '@parley/kit';
import { z } from 'zod';
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
      config: allow('readBilling'),
      schema: {
        summary: 'The tenant’s plan: in force now, its trial, current period and any downgrade waiting',
        tags: ['billing'],
        response: { 200: TenantPlanAnswer, ...errors },
      },
    },
    async (request) => ({ subscription: await plans.tenantPlan(principalOf(request).tenantId) }),
  );

  api.get(
    '/v1/tenants/:tenantId/billing/plan',
    {
      config: accessFor('platform-admin'),
      schema: {
        summary: 'A tenant’s plan (platform admin key)',
        tags: ['billing'],
        params: z.object({ tenantId: z.uuid() }),
        response: { 200: TenantPlanAnswer, ...errors },
      },
    },
    async (request) => ({ subscription: await plans.tenantPlan(request.params.tenantId) }),
  );
}
