import { Plan, PlanKey, PlanTerms, TenantPlanSummary, TimeZone } from '@parley/events';
import { type Api, accessFor, allow, principalOf } from '@parley/kit';
import { z } from 'zod';
import { PLAN_CHANGES } from '../../application/plans.ts';
import type { CommandContext } from '../../handling/command-handler.ts';
import { commandContext, platformAdminContext } from '../command-context.ts';
import { errors, Id, Written } from '../command-schemas.ts';

const PlanChoiceBody = z.strictObject({
  planKey: PlanKey,
  timeZone: TimeZone.optional().describe('IANA zone the billing periods are counted in: required with the first plan, fixed after'),
});
const PlanChoice = Written.extend({
  change: z.enum(PLAN_CHANGES),
  subscription: TenantPlanSummary.nullable(),
});

/** The plan catalog (platform admin) and a tenant's plan (its admins, or the platform admin): docs/billing.md#plans. */
export async function planRoutes(api: Api) {
  const { plans, tenancy } = api;

  api.put(
    '/v1/plans/:planKey',
    {
      config: accessFor('platform-admin'),
      schema: {
        summary: 'Define a plan, or redefine it as a new version (platform admin key); tenants keep the version they chose',
        tags: ['billing'],
        params: z.object({ planKey: PlanKey }),
        body: PlanTerms,
        response: { 200: Written.extend({ plan: Plan }), ...errors },
      },
    },
    async (request) => plans.define(request.params.planKey, request.body, platformAdminContext(request)),
  );

  const choose = (body: z.infer<typeof PlanChoiceBody>, context: CommandContext) => plans.choose(body, context);
  const chooseSchema = {
    tags: ['billing'],
    body: PlanChoiceBody,
    response: { 200: PlanChoice, ...errors },
  };

  api.post(
    '/v1/billing/plan',
    {
      config: allow('manageTenant'),
      schema: {
        ...chooseSchema,
        summary: 'Choose the tenant’s plan: the first choice starts any trial; an upgrade applies at once, a downgrade at the period end',
      },
    },
    async (request) => choose(request.body, commandContext(request, principalOf(request))),
  );

  api.post(
    '/v1/billing/plan/scheduled-change/cancel',
    {
      config: allow('manageTenant'),
      schema: {
        summary: 'Drop the downgrade waiting for the period end',
        tags: ['billing'],
        body: z.strictObject({}).optional(),
        response: { 200: Written.extend({ subscription: TenantPlanSummary.nullable() }), ...errors },
      },
    },
    async (request) => plans.cancelScheduledChange(commandContext(request, principalOf(request))),
  );

  api.post(
    '/v1/tenants/:tenantId/billing/plan',
    {
      config: accessFor('platform-admin'),
      schema: {
        ...chooseSchema,
        summary: 'Choose a tenant’s plan (platform admin key), as its admins would',
        params: z.object({ tenantId: Id }),
      },
    },
    async (request) => {
      await tenancy.directory(request.params.tenantId); // 404 for a tenant that does not exist
      return choose(request.body, { ...platformAdminContext(request), tenantId: request.params.tenantId });
    },
  );
}
