import { badRequest, LogPosition } from '@parley/kit';
import type { CheckpointWatcher } from '@parley/projections';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route reads the inbox and takes the position a command returned
     * (`minPosition`, or the Parley-Min-Position header) to read its own writes.
     */
    readYourWrites?: boolean;
  }
}

const POSITION_HEADER = 'parley-min-position';

/**
 * Read-your-writes as route config: before a marked route's handler, waits (bounded by
 * the query's `waitMs`) until the inbox has applied the position the caller wrote at, and
 * says in Parley-Consistency whether the answer includes it.
 */
export const readYourWrites = fp<{ progress: CheckpointWatcher }>(
  async (app: FastifyInstance, { progress }) => {
    app.addHook('preHandler', async (request, reply) => {
      if (!request.routeOptions.config.readYourWrites) return;
      const q = request.query as { minPosition?: string; waitMs: number };
      const header = request.headers[POSITION_HEADER];
      const wanted = q.minPosition ?? (typeof header === 'string' ? header : undefined);
      if (wanted === undefined) return;
      // The schema checks the characters; only the store knows its positions' form (1/2/3
      // passes the schema but is no PostgreSQL position), and comparing another form throws.
      if (!LogPosition.safeParse(wanted).success || !progress.isPosition(wanted)) {
        throw badRequest(`${q.minPosition === undefined ? POSITION_HEADER : 'querystring.minPosition'}: not a position returned by the command API`);
      }
      const reached = await progress.waitFor(wanted, q.waitMs);
      reply.header('parley-consistency', reached ? 'fresh' : 'stale');
    });
  },
  { name: 'read-your-writes' },
);
