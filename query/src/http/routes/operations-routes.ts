import { type Api, accessFor, conflict, notFound } from '@parley/kit';
import { type PgProjector, ProjectorStatus } from '@parley/projections';
import { z } from 'zod';
import { errors, ParkedEvent } from '../query-schemas.ts';

const platformAdmin = accessFor('platform-admin');
const ProjectorParams = z.object({ name: z.string().min(1).max(100) });

/** The platform operator's view of the projectors: lag, parked events, replay, rebuild. */
export async function operationsRoutes(api: Api) {
  const { projectors } = api;
  const projectorNamed = (name: string): PgProjector => {
    const found = projectors.administered.find((p) => p.name === name);
    if (!found) throw notFound(`no PostgreSQL projector named ${name}`);
    return found;
  };

  api.get(
    '/v1/admin/projections',
    {
      config: platformAdmin,
      schema: {
        summary: 'Every projector: checkpoint, lag, parked events',
        tags: ['operations'],
        response: { 200: z.object({ items: z.array(ProjectorStatus) }), ...errors },
      },
    },
    async () => ({ items: await Promise.all(projectors.monitored.map((p) => p.status())) }),
  );

  api.get(
    '/v1/admin/projections/:name/parked',
    {
      config: platformAdmin,
      schema: {
        summary: 'Events a projector parked because its handler threw',
        tags: ['operations'],
        params: ProjectorParams,
        querystring: z.strictObject({
          includeReplayed: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .default(false),
        }),
        response: { 200: z.object({ items: z.array(ParkedEvent) }), ...errors },
      },
    },
    async (request) => {
      const parked = await projectorNamed(request.params.name).parked({ includeReplayed: request.query.includeReplayed, limit: 500 });
      return { items: parked.map((p) => ({ ...p, parkedAt: p.parkedAt.toISOString(), replayedAt: p.replayedAt?.toISOString() ?? null })) };
    },
  );

  api.post(
    '/v1/admin/projections/:name/parked/:id/replay',
    {
      config: platformAdmin,
      schema: {
        summary: 'Apply a parked event again (after its handler was fixed)',
        tags: ['operations'],
        params: ProjectorParams.extend({ id: z.string().regex(/^[0-9]{1,18}$/) }),
        response: { 200: z.object({ replayed: z.literal(true) }), 409: errors[400], ...errors },
      },
    },
    async (request) => {
      const projector = projectorNamed(request.params.name);
      const replayed = await projector.replay(request.params.id).catch((err: unknown) => {
        throw conflict(`the handler failed again: ${(err as Error).message.slice(0, 500)}`);
      });
      if (!replayed) throw notFound('no parked, unreplayed event with that id');
      return { replayed: true as const };
    },
  );

  api.post(
    '/v1/admin/projections/:name/rebuild',
    {
      config: platformAdmin,
      schema: {
        summary: 'Rebuild from zero into fresh tables, swapped in once caught up (readers keep the old ones meanwhile)',
        tags: ['operations'],
        params: ProjectorParams,
        response: { 202: z.object({ started: z.literal(true) }), ...errors },
      },
    },
    async (request, reply) => {
      const projector = projectorNamed(request.params.name);
      // Progress shows in GET /v1/admin/projections (`rebuilding`); a failure is logged
      // whatever the log setting: nobody waits on this request to hear about it.
      projector.rebuild().catch((err: unknown) => request.log.error({ err, projector: projector.name }, 'rebuild failed'));
      return reply.status(202).send({ started: true as const });
    },
  );
}
