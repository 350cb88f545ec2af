import { Priority } from '@parley/events';
import { type Api, allow, principalOf } from '@parley/kit';
import { z } from 'zod';
import { commandContext } from '../command-context.ts';
import { BusinessHoursBody, errors, Id, SlaPolicyBody, Written } from '../command-schemas.ts';

const slaManagers = allow('manageServiceLevels');

/** A team's service levels: SLA targets per priority, and the business hours they count in. */
export async function serviceLevelRoutes(api: Api) {
  const { tenancy } = api;

  api.put(
    '/v1/teams/:id/sla-policies/:priority',
    {
      config: slaManagers,
      schema: {
        summary: 'Set the SLA targets of a team for one priority (business hours when the team has them)',
        tags: ['service levels'],
        params: z.object({ id: Id, priority: Priority }),
        body: SlaPolicyBody,
        response: { 200: Written, ...errors },
      },
    },
    async (request) => {
      const { id, priority } = request.params;
      return tenancy.setSlaPolicy(id, priority, request.body, commandContext(request, principalOf(request)));
    },
  );

  api.put(
    '/v1/teams/:id/business-hours',
    {
      config: slaManagers,
      schema: {
        summary: "Replace a team's business hours (time zone, weekly periods, holidays)",
        tags: ['service levels'],
        params: z.object({ id: Id }),
        body: BusinessHoursBody,
        response: { 200: Written, ...errors },
      },
    },
    async (request) => {
      return tenancy.setBusinessHours(request.params.id, request.body, commandContext(request, principalOf(request)));
    },
  );
}
