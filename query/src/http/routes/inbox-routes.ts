import { type Api, allow, notFound, principalOf } from '@parley/kit';
import {
  ActivityEntry,
  ActivityListQuery,
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
} from '../query-schemas.ts';

const readers = { ...allow('readInbox'), readYourWrites: true };

/** The agents' inbox: conversations, their messages, contacts. */
export async function inboxRoutes(api: Api) {
  const { inbox } = api;

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
    async (request) => {
      const q = request.query;
      const principal = principalOf(request);
      return inbox.listConversations(
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
      );
    },
  );

  api.get(
    '/v1/conversations/:id',
    {
      config: readers,
      schema: {
        summary: 'One conversation with its private notes',
        tags: ['inbox'],
        params: IdParams,
        querystring: Consistency,
        response: { 200: ConversationDetail, ...errors },
      },
    },
    async (request) => {
      const found = await inbox.conversation(principalOf(request).tenantId, request.params.id);
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
    async (request) => {
      const q = request.query;
      const found = await inbox.messages(principalOf(request).tenantId, request.params.id, { limit: q.limit, cursor: q.cursor, order: q.order });
      if (!found) throw notFound('conversation not found');
      return found;
    },
  );

  api.get(
    '/v1/conversations/:id/activity',
    {
      config: readers,
      schema: {
        summary:
          "A conversation's timeline, oldest first: messages with their delivery statuses, assignments, transfers, notes, status, priority and tag changes, close, reopen, CSAT",
        tags: ['inbox'],
        params: IdParams,
        querystring: ActivityListQuery,
        response: { 200: page(ActivityEntry), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const found = await inbox.activity(principalOf(request).tenantId, request.params.id, { limit: q.limit, cursor: q.cursor });
      if (!found) throw notFound('conversation not found');
      return found;
    },
  );

  api.get(
    '/v1/contacts/:id',
    {
      config: readers,
      schema: {
        summary: 'A contact with its conversation history',
        tags: ['inbox'],
        params: IdParams,
        querystring: Consistency,
        response: { 200: Contact, ...errors },
      },
    },
    async (request) => {
      const found = await inbox.contact(principalOf(request).tenantId, request.params.id);
      if (!found) throw notFound('contact not found');
      return found;
    },
  );
}
