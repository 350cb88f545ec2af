import { ClockTime, CloseReason, OutboundContent, Priority, TimeZone, UserRole, Weekday } from '@parley/events';
import { accessFor, allow, createApi, errorResponses, LogPosition, may, type PlatformKeys, type Principal, principalOf } from '@parley/kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConversationInput, Conversations } from '../application/conversations.ts';
import type { Tenancy } from '../application/tenancy.ts';
import type { WhatsAppNumbers } from '../application/whatsapp-numbers.ts';
import type { CommandContext } from '../handling/command-handler.ts';
import type { DeadLetters } from '../whatsapp/dead-letters.ts';
import type { WebhookIngest } from '../whatsapp/webhook-ingest.ts';

export interface CommandApiDeps {
  tenancy: Tenancy;
  numbers: WhatsAppNumbers;
  conversations: Conversations;
  webhook: WebhookIngest;
  deadLetters: DeadLetters;
  platformAdminKey: PlatformKeys;
  clock: () => Date;
  logger?: boolean;
}

const Position = LogPosition;
const Written = z.object({ position: Position, events: z.array(z.string()).describe('Types of the events appended (empty: nothing changed)') });
const errors = errorResponses(400, 401, 403, 404, 409, 422);
const Name = z.string().trim().min(1).max(200);
const Email = z.email().max(320);
const Id = z.uuid();
const ConversationParams = z.object({ id: z.string().describe('Conversation id') });
const IdempotencyHeaders = z.looseObject({
  'idempotency-key': z.string().min(8).max(200).optional().describe('Retries with the same key store nothing twice'),
});
const Seconds = z.number().int().min(1).max(366 * 24 * 3600);
const SlaPolicyBody = z.strictObject({
  firstResponseSeconds: Seconds.describe('Target from the start of a wait to the first human reply'),
  nextResponseSeconds: Seconds.nullable().default(null).describe('Target for later waits in the conversation; null: no target'),
  resolutionSeconds: Seconds.describe('Target from opened to (last) close'),
});
const BusinessHoursBody = z.strictObject({
  timeZone: TimeZone,
  periods: z
    .array(z.strictObject({ day: Weekday.describe('0 = Monday … 6 = Sunday'), open: ClockTime, close: ClockTime }))
    .max(100)
    .describe('Open periods; close not after open runs overnight into the next day'),
  holidays: z.array(z.iso.date()).max(1000).default([]).describe('Local dates closed all day'),
});
const Tag = z.string().trim().min(1).max(64).regex(/^[\p{L}\p{N}_\-:. ]+$/u, 'letters, digits, spaces and _-:. only');

/**
 * Conversation commands: one route each, from this one table. The schema validates the
 * body, types the handler and documents the route.
 */
const conversationCommands = {
  messages: {
    summary: 'Send a message (free-form text inside the 24 h window, or an approved template)',
    body: OutboundContent,
    toInput: (b: z.infer<typeof OutboundContent>): ConversationInput => ({ type: 'SendMessage', content: b }),
  },
  queue: {
    summary: 'Put the conversation in a team queue',
    body: z.strictObject({ teamId: Id }),
    toInput: (b: { teamId: string }): ConversationInput => ({ type: 'Queue', teamId: b.teamId }),
  },
  assign: {
    summary: 'Assign to an agent (agents may take unassigned conversations for themselves)',
    body: z.strictObject({ agentId: Id }),
    toInput: (b: { agentId: string }): ConversationInput => ({ type: 'Assign', agentId: b.agentId }),
  },
  transfer: {
    summary: 'Transfer to another agent and/or team',
    body: z
      .strictObject({ toAgentId: Id.nullable().default(null), toTeamId: Id.nullable().default(null), note: z.string().max(2000).nullable().default(null) })
      .refine((b) => b.toAgentId !== null || b.toTeamId !== null, 'give toAgentId, toTeamId or both'),
    toInput: (b: { toAgentId: string | null; toTeamId: string | null; note: string | null }): ConversationInput => ({ type: 'Transfer', ...b }),
  },
  unassign: {
    summary: 'Take the conversation away from its agent (back to the team queue)',
    body: z.strictObject({}),
    toInput: (): ConversationInput => ({ type: 'Unassign' }),
  },
  status: {
    summary: 'Move between assigned, pending_customer and pending_agent',
    body: z.strictObject({ status: z.enum(['assigned', 'pending_customer', 'pending_agent']) }),
    toInput: (b: { status: 'assigned' | 'pending_customer' | 'pending_agent' }): ConversationInput => ({ type: 'SetStatus', to: b.status }),
  },
  priority: {
    summary: 'Change the priority',
    body: z.strictObject({ priority: Priority }),
    toInput: (b: { priority: Priority }): ConversationInput => ({ type: 'SetPriority', priority: b.priority }),
  },
  tags: {
    summary: 'Add a tag',
    body: z.strictObject({ tag: Tag }),
    toInput: (b: { tag: string }): ConversationInput => ({ type: 'Tag', tag: b.tag }),
  },
  notes: {
    summary: 'Add a private note (never sent, never a response)',
    body: z.strictObject({ body: z.string().trim().min(1).max(10_000) }),
    toInput: (b: { body: string }): ConversationInput => ({ type: 'AddNote', body: b.body }),
  },
  close: {
    summary: 'Close with a reason and an optional business outcome',
    body: z.strictObject({ reason: CloseReason, outcome: z.string().trim().min(1).max(64).nullable().default(null) }),
    toInput: (b: { reason: CloseReason; outcome: string | null }): ConversationInput => ({ type: 'Close', ...b }),
  },
  reopen: {
    summary: 'Reopen the latest, closed conversation (back to its agent, or its queue)',
    body: z.strictObject({}),
    toInput: (): ConversationInput => ({ type: 'Reopen' }),
  },
  csat: {
    summary: 'Record the customer satisfaction score of a closed conversation',
    body: z.strictObject({ score: z.number().int().min(1).max(5), comment: z.string().max(2000).nullable().default(null) }),
    toInput: (b: { score: number; comment: string | null }): ConversationInput => ({ type: 'RecordCsat', ...b }),
  },
} as const;

export async function buildCommandApi(deps: CommandApiDeps): Promise<FastifyInstance> {
  const api = await createApi({
    title: 'Parley command API',
    description: 'Writes: every change becomes an event.',
    identity: deps.tenancy,
    platformAdminKey: deps.platformAdminKey,
    requestLog: deps.logger ?? false,
    bodyLimit: 1024 * 1024,
  });
  const app = api;
  const admins = allow('manageTenant');
  const slaManagers = allow('manageServiceLevels');
  const conversationWorkers = allow('workConversations');
  const platformAdmin = accessFor('platform-admin');
  const open = accessFor('public');
  const context = (request: FastifyRequest, principal: Principal): CommandContext => ({
    tenantId: principal.tenantId,
    actor: { type: may(principal.role, 'watchQueues') ? 'supervisor' : 'agent', id: principal.userId },
    correlationId: request.id,
    causationId: null,
    now: deps.clock(),
  });

  api.get('/health', { config: open, schema: { hide: true } }, async () => ({ ok: true }));

  api.post(
    '/v1/tenants',
    {
      config: platformAdmin,
      schema: {
        summary: 'Register a tenant with its first admin (platform admin key)',
        tags: ['tenants'],
        body: z.strictObject({ name: Name, admin: z.strictObject({ name: Name, email: Email }) }),
        response: { 201: z.object({ tenantId: Id, userId: Id, apiKey: z.string(), position: Position }), ...errors },
      },
    },
    async (request, reply) => {
      const result = await deps.tenancy.registerTenant(request.body, {
        actor: { type: 'system', id: 'platform-admin' },
        correlationId: request.id,
        causationId: null,
        now: deps.clock(),
      });
      return reply.status(201).send(result);
    },
  );

  api.post(
    '/v1/users',
    {
      config: admins,
      schema: {
        summary: 'Add a user; the answer carries the only copy of their API key',
        tags: ['tenants'],
        body: z.strictObject({ name: Name, email: Email, role: UserRole }),
        response: { 201: z.object({ userId: Id, apiKey: z.string(), position: Position }), ...errors },
      },
    },
    async (request, reply) => {
      return reply.status(201).send(await deps.tenancy.addUser(request.body, context(request, principalOf(request))));
    },
  );

  // Keys and users: every tenant user may rotate their own key, admins anyone's; the
  // decider checks who is asked about (403 for another user's key, 404 outside the tenant).
  const UserParams = z.object({ id: Id.describe('User id') });
  api.post(
    '/v1/users/:id/api-key/rotate',
    {
      config: allow('anyUser'),
      schema: {
        summary: "Replace a user's API key (your own, or as admin anyone's); the answer carries the only copy of the new key",
        tags: ['tenants'],
        params: UserParams,
        body: z.strictObject({}),
        response: { 200: Written.extend({ userId: Id, apiKey: z.string() }), ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return deps.tenancy.rotateApiKey(request.params.id, principal, context(request, principal));
    },
  );
  api.delete(
    '/v1/users/:id/api-key',
    {
      config: admins,
      schema: {
        summary: "Revoke a user's API key: it stops working on every Parley process within a second",
        tags: ['tenants'],
        params: UserParams,
        response: { 200: Written, ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return deps.tenancy.revokeApiKey(request.params.id, principal, context(request, principal));
    },
  );
  const userChanges = {
    deactivate: {
      summary: 'Deactivate a user: their key stops working and they get no more conversations',
      run: (id: string, by: Principal, c: CommandContext) => deps.tenancy.deactivateUser(id, by, c),
    },
    reactivate: {
      summary: 'Reactivate a user: their current key works again',
      run: (id: string, by: Principal, c: CommandContext) => deps.tenancy.reactivateUser(id, by, c),
    },
  };
  for (const [path, { summary, run }] of Object.entries(userChanges)) {
    api.post(
      `/v1/users/:id/${path}`,
      {
        config: admins,
        schema: { summary, tags: ['tenants'], params: UserParams, body: z.strictObject({}), response: { 200: Written, ...errors } },
      },
      async (request) => {
        const principal = principalOf(request);
        return run(request.params.id, principal, context(request, principal));
      },
    );
  }

  api.post(
    '/v1/teams',
    {
      config: admins,
      schema: {
        summary: 'Create a team',
        tags: ['tenants'],
        body: z.strictObject({ name: Name }),
        response: { 201: z.object({ teamId: Id, position: Position }), ...errors },
      },
    },
    async (request, reply) => {
      return reply.status(201).send(await deps.tenancy.createTeam(request.body, context(request, principalOf(request))));
    },
  );

  api.post(
    '/v1/teams/:id/agents',
    {
      config: admins,
      schema: {
        summary: 'Add an agent or supervisor to a team',
        tags: ['tenants'],
        params: z.object({ id: Id }),
        body: z.strictObject({ userId: Id }),
        response: { 200: z.object({ position: Position }), ...errors },
      },
    },
    async (request) => {
      return deps.tenancy.addAgentToTeam(request.params.id, request.body.userId, context(request, principalOf(request)));
    },
  );

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
      return deps.tenancy.setSlaPolicy(id, priority, request.body, context(request, principalOf(request)));
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
      return deps.tenancy.setBusinessHours(request.params.id, request.body, context(request, principalOf(request)));
    },
  );

  api.post(
    '/v1/whatsapp-numbers',
    {
      config: admins,
      schema: {
        summary: 'Connect a WhatsApp Business phone number (its webhooks are then accepted)',
        tags: ['tenants'],
        body: z.strictObject({
          phoneNumberId: z.string().regex(/^\d{5,32}$/, 'digits only (Meta phone_number_id)'),
          displayPhoneNumber: z.string().trim().min(5).max(32),
          appSecret: z.string().min(16).max(256).describe('Meta app secret: signs the webhooks'),
          verifyToken: z.string().min(8).max(256).describe('Token Meta echoes in the subscription handshake'),
        }),
        response: { 201: z.object({ numberId: Id, position: Position }), ...errors },
      },
    },
    async (request, reply) => {
      return reply.status(201).send(await deps.numbers.connect(request.body, context(request, principalOf(request))));
    },
  );

  for (const [path, command] of Object.entries(conversationCommands)) {
    const spec = command as { summary: string; body: z.ZodType; toInput: (body: unknown) => ConversationInput };
    api.post(
      `/v1/conversations/:id/${path}`,
      {
        config: conversationWorkers,
        schema: {
          summary: spec.summary,
          tags: ['conversations'],
          params: ConversationParams,
          headers: IdempotencyHeaders,
          body: spec.body,
          response: {
            200: Written.extend({ messageId: Id.optional(), noteId: Id.optional() }),
            ...errors,
          },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        return deps.conversations.execute(
          request.params.id,
          principal,
          spec.toInput(request.body),
          context(request, principal),
          request.headers['idempotency-key'] ?? null,
        );
      },
    );
  }

  api.delete(
    '/v1/conversations/:id/tags/:tag',
    {
      config: conversationWorkers,
      schema: {
        summary: 'Remove a tag',
        tags: ['conversations'],
        params: ConversationParams.extend({ tag: Tag }),
        response: { 200: Written, ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return deps.conversations.execute(
        request.params.id,
        principal,
        { type: 'Untag', tag: request.params.tag },
        context(request, principal),
        null,
      );
    },
  );

  api.get(
    '/v1/admin/webhook-dead-letters',
    {
      config: platformAdmin,
      schema: {
        summary: 'Webhook content kept but not acted on, and unsigned content only counted (platform admin key)',
        tags: ['webhooks'],
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      },
    },
    async (request) => {
      const [items, counted] = await Promise.all([deps.deadLetters.list(request.query.limit), deps.deadLetters.counts(request.query.limit)]);
      return { items, counted };
    },
  );

  await app.register(async (webhooks) => {
    // The signature covers the raw bytes: keep them, parse later.
    webhooks.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    const hooks = webhooks.withTypeProvider<ZodTypeProvider>();

    hooks.get(
      '/webhooks/whatsapp',
      {
        config: open,
        schema: {
          summary: "Meta's subscription handshake",
          tags: ['webhooks'],
          security: [],
          querystring: z.looseObject({
            'hub.mode': z.string(),
            'hub.verify_token': z.string(),
            'hub.challenge': z.string().max(1000),
          }),
        },
      },
      async (request, reply) => {
        const q = request.query;
        if (q['hub.mode'] !== 'subscribe' || !(await deps.numbers.isKnownVerifyToken(q['hub.verify_token']))) {
          return reply.status(403).send({ error: 'forbidden', message: 'verify token does not match any connected number' });
        }
        return reply.type('text/plain').send(q['hub.challenge']);
      },
    );

    hooks.post(
      '/webhooks/whatsapp',
      {
        config: { ...open, rawText: true },
        schema: { summary: 'WhatsApp Cloud API webhook (signed with X-Hub-Signature-256)', tags: ['webhooks'], security: [] },
      },
      async (request, reply) => {
        const raw = request.body;
        if (!Buffer.isBuffer(raw)) return reply.status(415).send({ error: 'bad_request', message: 'send application/json' });
        const signature = request.headers['x-hub-signature-256'];
        const outcome = await deps.webhook.ingest(raw, typeof signature === 'string' ? signature : undefined, request.id);
        if (outcome.status !== 200) {
          const error = outcome.status === 401 ? 'unauthorized' : 'bad_request';
          return reply.status(outcome.status).send({ error, message: outcome.reason });
        }
        return reply.send({ ok: true, events: outcome.events, deadLetters: outcome.deadLetters, positions: outcome.positions });
      },
    );
  });

  return app;
}
