import { CloseReason, OutboundContent, Priority } from '@parley/events';
import { type Api, allow, principalOf } from '@parley/kit';
import type { FastifyRequest, RawRequestDefaultExpression, RawServerDefault, RouteGenericInterface } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConversationInput } from '../../application/conversations.ts';
import { commandContext } from '../command-context.ts';
import { ConversationParams, errors, Id, IdempotencyHeaders, Tag, Written } from '../command-schemas.ts';

const conversationWorkers = allow('workConversations');

/**
 * The body a route with schema S hands its handler: the schema's output. Spelled through
 * Fastify's request type, not z.output<S>: while S is generic TypeScript cannot see that
 * the two are one type, and for any given schema they are.
 */
type ValidatedBody<S extends z.ZodType> = FastifyRequest<
  RouteGenericInterface,
  RawServerDefault,
  RawRequestDefaultExpression,
  { body: S },
  ZodTypeProvider
>['body'];

interface CommandSpec<S extends z.ZodType> {
  summary: string;
  body: S;
  toInput: (body: ValidatedBody<S>) => ConversationInput;
}

/** Registers a command's route at a path of the table's choosing. */
type CommandRoute = (api: Api, path: string) => void;

/**
 * One conversation command. Binding the route here, while the body's schema type is
 * still known, keeps the handler's body typed: a table of specs would widen to a union.
 */
function defineCommand<S extends z.ZodType>(spec: CommandSpec<S>): CommandRoute {
  return (api, path) =>
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
        return api.conversations.execute(
          request.params.id,
          principal,
          spec.toInput(request.body),
          commandContext(request, principal),
          request.headers['idempotency-key'] ?? null,
        );
      },
    );
}

/**
 * Conversation commands: one route each, from this one table. The schema validates the
 * body, types the handler and documents the route.
 */
const conversationCommands: Record<string, CommandRoute> = {
  messages: defineCommand({
    summary: 'Send a message (free-form text inside the 24 h window, or an approved template)',
    body: OutboundContent,
    toInput: (b) => ({ type: 'SendMessage', content: b }),
  }),
  queue: defineCommand({
    summary: 'Put the conversation in a team queue',
    body: z.strictObject({ teamId: Id }),
    toInput: (b) => ({ type: 'Queue', teamId: b.teamId }),
  }),
  assign: defineCommand({
    summary: 'Assign to an agent (agents may take unassigned conversations for themselves)',
    body: z.strictObject({ agentId: Id }),
    toInput: (b) => ({ type: 'Assign', agentId: b.agentId }),
  }),
  transfer: defineCommand({
    summary: 'Transfer to another agent and/or team',
    body: z
      .strictObject({ toAgentId: Id.nullable().default(null), toTeamId: Id.nullable().default(null), note: z.string().max(2000).nullable().default(null) })
      .refine((b) => b.toAgentId !== null || b.toTeamId !== null, 'give toAgentId, toTeamId or both'),
    toInput: (b) => ({ type: 'Transfer', ...b }),
  }),
  unassign: defineCommand({
    summary: 'Take the conversation away from its agent (back to the team queue)',
    body: z.strictObject({}),
    toInput: () => ({ type: 'Unassign' }),
  }),
  status: defineCommand({
    summary: 'Move between assigned, pending_customer and pending_agent',
    body: z.strictObject({ status: z.enum(['assigned', 'pending_customer', 'pending_agent']) }),
    toInput: (b) => ({ type: 'SetStatus', to: b.status }),
  }),
  priority: defineCommand({
    summary: 'Change the priority',
    body: z.strictObject({ priority: Priority }),
    toInput: (b) => ({ type: 'SetPriority', priority: b.priority }),
  }),
  tags: defineCommand({
    summary: 'Add a tag',
    body: z.strictObject({ tag: Tag }),
    toInput: (b) => ({ type: 'Tag', tag: b.tag }),
  }),
  notes: defineCommand({
    summary: 'Add a private note (never sent, never a response)',
    body: z.strictObject({ body: z.string().trim().min(1).max(10_000) }),
    toInput: (b) => ({ type: 'AddNote', body: b.body }),
  }),
  close: defineCommand({
    summary: 'Close with a reason and an optional business outcome',
    body: z.strictObject({ reason: CloseReason, outcome: z.string().trim().min(1).max(64).nullable().default(null) }),
    toInput: (b) => ({ type: 'Close', ...b }),
  }),
  reopen: defineCommand({
    summary: 'Reopen the latest, closed conversation (back to its agent, or its queue)',
    body: z.strictObject({}),
    toInput: () => ({ type: 'Reopen' }),
  }),
  csat: defineCommand({
    summary: 'Record the customer satisfaction score of a closed conversation',
    body: z.strictObject({ score: z.number().int().min(1).max(5), comment: z.string().max(2000).nullable().default(null) }),
    toInput: (b) => ({ type: 'RecordCsat', ...b }),
  }),
};

/** Commands on one conversation: the conversationCommands table, and removing a tag. */
export async function conversationRoutes(api: Api) {
  for (const [path, route] of Object.entries(conversationCommands)) route(api, path);

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
      return api.conversations.execute(request.params.id, principal, { type: 'Untag', tag: request.params.tag }, commandContext(request, principal), null);
    },
  );
}
