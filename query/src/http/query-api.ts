import { accessFor, allow, badRequest, createApi, type IdentityPort, LogPosition, notFound, type PlatformKeys, principalOf } from '@parley/kit';
import { type CheckpointWatcher, HealthReport, healthReport, type MonitoredProjector, type PgProjector, ProjectorStatus } from '@parley/projections';
import type { InboxQueries } from '@parley/projections/inbox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AgentWorkload,
  Consistency,
  Contact,
  ConversationDetail,
  ConversationListQuery,
  ConversationSummary,
  errors,
  IdParams,
  Message,
  MessageListQuery,
  page,
  ParkedEvent,
  TeamQueue,
  WorkloadQuery,
} from './query-schemas.ts';

export interface QueryApiDeps {
  /** Resolves tenant users' keys (the inbox read model's identity tables). */
  identity: IdentityPort;
  inbox: InboxQueries;
  /** The inbox projector's checkpoint, for read-your-writes. */
  inboxProgress: CheckpointWatcher;
  /** The PostgreSQL projectors, wherever they run: lag, parked events, replay, rebuild. */
  projectors: readonly PgProjector[];
  /** Projectors this API reports on but does not administer (ClickHouse). */
  moreProjectors?: readonly MonitoredProjector[];
  /** /health: seconds without progress while events wait before a projector counts as stalled (default 10). */
  stallAfterSeconds?: number;
  platformAdminKey: PlatformKeys;
  platformAnalystKey?: PlatformKeys | null;
  /** Adds more routes (the analytics endpoints) to the same app. */
  extend?: (app: FastifyInstance) => void | Promise<void>;
  logger?: boolean;
}

const POSITION_HEADER = 'parley-min-position';

export async function buildQueryApi(deps: QueryApiDeps): Promise<FastifyInstance> {
  const api = await createApi({
    title: 'Parley query API',
    description: 'Reads: inbox read models projected from the event log.',
    identity: deps.identity,
    platformAdminKey: deps.platformAdminKey,
    platformAnalystKey: deps.platformAnalystKey,
    requestLog: deps.logger ?? false,
  });
  const app = api;
  const readers = allow('readInbox');
  const supervisors = allow('watchQueues');
  const platformAdmin = accessFor('platform-admin');
  const open = accessFor('public');

  /**
   * Waits (bounded) until the inbox has applied the position the caller wrote at, and
   * says in Parley-Consistency whether the answer includes it.
   */
  const readYourWrites = async (request: FastifyRequest, reply: FastifyReply, q: z.infer<typeof Consistency>) => {
    const header = request.headers[POSITION_HEADER];
    const wanted = q.minPosition ?? (typeof header === 'string' ? header : undefined);
    if (wanted === undefined) return;
    // The schema checks the characters; only the store knows its positions' form (1/2/3
    // passes the schema but is no PostgreSQL position), and comparing another form throws.
    if (!LogPosition.safeParse(wanted).success || !deps.inboxProgress.isPosition(wanted)) {
      throw badRequest(`${q.minPosition === undefined ? POSITION_HEADER : 'querystring.minPosition'}: not a position returned by the command API`);
    }
    const reached = await deps.inboxProgress.waitFor(wanted, q.waitMs);
    reply.header('parley-consistency', reached ? 'fresh' : 'stale');
  };

  const monitored: readonly MonitoredProjector[] = [...deps.projectors, ...(deps.moreProjectors ?? [])];
  const statuses = (): Promise<ProjectorStatus[]> => Promise.all(monitored.map((p) => p.status()));
  const stallAfterSeconds = deps.stallAfterSeconds ?? 10;

  api.get('/health', { config: open, schema: { hide: true, response: { 200: HealthReport, 503: HealthReport } } }, async (request, reply) => {
    const report = await healthReport(monitored, { stallAfterSeconds });
    if (report.ok) return report;
    // A 5xx is logged whatever the log setting; the answer itself says why.
    request.log.error({ problems: report.problems }, 'projectors unhealthy');
    return reply.status(503).send(report);
  });

  api.get(
    '/v1/conversations',
    {
      config: readers,
      schema: {
        summary: 'The inbox: conversations filtered, sorted and paged by cursor',
        tags: ['inbox'],
        querystring: ConversationListQuery,
        response: { 200: page(ConversationSummary), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      await readYourWrites(request, reply, q);
      const principal = principalOf(request);
      return (
        deps.inbox.listConversations(
          principal.tenantId,
          {
            status: q.status,
            assignee: q.assignee === 'me' ? principal.userId : q.assignee,
            teamId: q.team,
            tag: q.tag,
            priority: q.priority,
            unread: q.unread,
            text: q.q,
          },
          { sort: q.sort, limit: q.limit, cursor: q.cursor },
        )
      );
    },
  );

  api.get(
    '/v1/conversations/:id',
    {
      config: readers,
      schema: { summary: 'One conversation with its private notes', tags: ['inbox'], params: IdParams, querystring: Consistency, response: { 200: ConversationDetail, ...errors } },
    },
    async (request, reply) => {
      await readYourWrites(request, reply, request.query);
      const found = await deps.inbox.conversation(principalOf(request).tenantId, request.params.id);
      if (!found) throw notFound('conversation not found');
      return found;
    },
  );

  api.get(
    '/v1/conversations/:id/messages',
    {
      config: readers,
      schema: {
        summary: "A conversation's messages with each one's delivery status timeline",
        tags: ['inbox'],
        params: IdParams,
        querystring: MessageListQuery,
        response: { 200: page(Message), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      await readYourWrites(request, reply, q);
      const found = await (
        deps.inbox.messages(principalOf(request).tenantId, request.params.id, { limit: q.limit, cursor: q.cursor, order: q.order })
      );
      if (!found) throw notFound('conversation not found');
      return found;
    },
  );

  api.get(
    '/v1/contacts/:id',
    {
      config: readers,
      schema: { summary: 'A contact with its conversation history', tags: ['inbox'], params: IdParams, querystring: Consistency, response: { 200: Contact, ...errors } },
    },
    async (request, reply) => {
      await readYourWrites(request, reply, request.query);
      const found = await deps.inbox.contact(principalOf(request).tenantId, request.params.id);
      if (!found) throw notFound('contact not found');
      return found;
    },
  );

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
    async (request, reply) => {
      await readYourWrites(request, reply, request.query);
      return { items: await deps.inbox.queues(principalOf(request).tenantId) };
    },
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
    async (request, reply) => {
      await readYourWrites(request, reply, request.query);
      return { items: await deps.inbox.workload(principalOf(request).tenantId, request.query.team) };
    },
  );

  // ------------------------------------------------------------ operators (platform admin)

  const projectorNamed = (name: string): PgProjector => {
    const found = deps.projectors.find((p) => p.name === name);
    if (!found) throw notFound(`no PostgreSQL projector named ${name}`);
    return found;
  };
  const ProjectorParams = z.object({ name: z.string().min(1).max(100) });

  api.get(
    '/v1/admin/projections',
    { config: platformAdmin, schema: { summary: 'Every projector: checkpoint, lag, parked events', tags: ['operations'], response: { 200: z.object({ items: z.array(ProjectorStatus) }), ...errors } } },
    async () => ({ items: await statuses() }),
  );

  api.get(
    '/v1/admin/projections/:name/parked',
    {
      config: platformAdmin,
      schema: {
        summary: 'Events a projector parked because its handler threw',
        tags: ['operations'],
        params: ProjectorParams,
        querystring: z.strictObject({ includeReplayed: z.enum(['true', 'false']).transform((v) => v === 'true').default(false) }),
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
    async (request, reply) => {
      const projector = projectorNamed(request.params.name);
      let replayed: boolean;
      try {
        replayed = await projector.replay(request.params.id);
      } catch (err) {
        return reply.status(409).send({ error: 'conflict', message: `the handler failed again: ${(err as Error).message.slice(0, 500)}` });
      }
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
      projector.rebuild().catch((err: unknown) => console.error(`rebuild of projection ${projector.name} failed:`, err));
      return reply.status(202).send({ started: true as const });
    },
  );

  await deps.extend?.(app);
  return app;
}
