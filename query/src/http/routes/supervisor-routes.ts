import { type Api, allow, principalOf } from '@parley/kit';
import { z } from 'zod';
import { AgentWorkload, Consistency, errors, TeamQueue, WorkloadQuery } from '../query-schemas.ts';

const supervisors = { ...allow('watchQueues'), readYourWrites: true };

/** What supervisors watch live: queues per team, agents' open load. */
export async function supervisorRoutes(api: Api) {
  const { inbox } = api;

  api.get(
    '/v1/supervisor/queues',
    {
      config: supervisors,
      schema: {
        summary: 'Live queue per team: waiting conversations, the oldest wait, open conversations by status',
        tags: ['supervisor'],
        querystring: Consistency,
        response: { 200: z.object({ items: z.array(TeamQueue) }), ...errors },
      },
    },
    async (request) => ({ items: await inbox.queues(principalOf(request).tenantId) }),
  );

  api.get(
    '/v1/supervisor/workload',
    {
      config: supervisors,
      schema: {
        summary: 'Open conversations per agent (optionally of one team), most loaded first',
        tags: ['supervisor'],
        querystring: WorkloadQuery,
        response: { 200: z.object({ items: z.array(AgentWorkload) }), ...errors },
      },
    },
    async (request) => ({ items: await inbox.workload(principalOf(request).tenantId, request.query.team) }),
  );
}
