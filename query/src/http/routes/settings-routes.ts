import { type Api, allow, principalOf } from '@parley/kit';
import { z } from 'zod';
import { Consistency, errors, TeamSettings, TenantUser } from '../query-schemas.ts';

/**
 * The tenant's settings as the command API last set them: teams with their members, SLA
 * targets and business hours, and the tenant's users (the member picker). Read by those
 * who may change service levels (admins, supervisors): the same people the command API
 * lets edit SLA targets and business hours, and who see every user on the workload view.
 */
export async function settingsRoutes(api: Api) {
  const { inbox } = api;

  api.get(
    '/v1/teams',
    {
      config: { ...allow('manageServiceLevels'), readYourWrites: true },
      schema: {
        summary: "The tenant's teams with their members, SLA targets per priority and business hours",
        tags: ['settings'],
        querystring: Consistency,
        response: { 200: z.object({ items: z.array(TeamSettings) }), ...errors },
      },
    },
    async (request) => ({ items: await inbox.teams(principalOf(request).tenantId) }),
  );

  api.get(
    '/v1/users',
    {
      config: { ...allow('watchQueues'), readYourWrites: true },
      schema: {
        summary: "The tenant's users (deactivated ones too): name, email, role, active, teams",
        tags: ['settings'],
        querystring: Consistency,
        response: { 200: z.object({ items: z.array(TenantUser) }), ...errors },
      },
    },
    async (request) => ({ items: await inbox.users(principalOf(request).tenantId) }),
  );
}
