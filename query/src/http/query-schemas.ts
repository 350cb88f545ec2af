import { ConversationStatus, Priority } from '@parley/events';
import { errorResponses, LogPosition } from '@parley/kit';
import { z } from 'zod';

/** The query API's wire formats: validation, types and OpenAPI from one place. */

export const errors = errorResponses(400, 401, 403, 404);

const Instant = z.string().describe('ISO 8601 instant');
const Id = z.uuid();

/** Read-your-writes: every read takes the position a command returned. */

export const Consistency = z.strictObject({
  minPosition: LogPosition.optional().describe(
    'Wait until the read model includes this position (from a command answer); also accepted as the Parley-Min-Position header',
  ),
  waitMs: z.coerce.number().int().min(0).max(10_000).default(3_000).describe('Longest wait for minPosition; then the answer says Parley-Consistency: stale'),
});

const commaList = z.string().transform((s) =>
  s
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
);
const StatusList = commaList.pipe(z.array(ConversationStatus).min(1).max(10));
const PriorityList = commaList.pipe(z.array(Priority).min(1).max(4));

export const ConversationListQuery = Consistency.extend({
  status: StatusList.optional().describe('Comma-separated statuses'),
  assignee: z
    .union([z.literal('me'), z.literal('unassigned'), Id])
    .optional()
    .describe('"me", "unassigned" or an agent id'),
  team: Id.optional(),
  tag: z.string().min(1).max(64).optional(),
  priority: PriorityList.optional().describe('Comma-separated priorities'),
  unread: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  q: z.string().trim().min(1).max(200).optional().describe('Full-text search over message text (web search syntax: "quoted phrases", or, -not)'),
  sort: z.enum(['last_activity', 'longest_waiting', 'priority']).default('last_activity'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(500).optional().describe('nextCursor of the previous page, with the same sort'),
});

export const MessageListQuery = Consistency.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(500).optional(),
  order: z.enum(['asc', 'desc']).default('asc').describe('asc: oldest first; desc: newest first'),
});

export const WorkloadQuery = Consistency.extend({ team: Id.optional() });

export const IdParams = z.object({ id: Id });

export const ConversationSummary = z.object({
  id: Id,
  contactId: Id,
  contactName: z.string().nullable(),
  contactWaId: z.string().nullable(),
  numberId: Id,
  status: ConversationStatus,
  priority: Priority,
  teamId: Id.nullable(),
  assigneeId: Id.nullable(),
  tags: z.array(z.string()),
  unreadCount: z.number().int().describe('Customer messages since the last agent (human) reply'),
  messageCount: z.number().int(),
  lastMessage: z.object({ preview: z.string(), direction: z.enum(['inbound', 'outbound']), at: Instant }).nullable(),
  lastAssigneeId: Id.nullable().describe('Who had it last: the assignee of an open conversation, the agent who had it when it closed'),
  lastActivityAt: Instant,
  waitingSince: Instant.nullable().describe('Since when the customer waits for a human reply; null: not waiting'),
  openedAt: Instant,
  firstInboundAt: Instant.nullable(),
  firstResponseAt: Instant.nullable().describe('First human reply'),
  closedAt: Instant.nullable(),
  firstClosedAt: Instant.nullable(),
  reopenedCount: z.number().int(),
  closeReason: z.string().nullable(),
  outcome: z.string().nullable(),
  csatScore: z.number().int().nullable(),
});

export const ConversationDetail = ConversationSummary.extend({
  notes: z.array(z.object({ id: Id, authorId: z.string(), body: z.string(), createdAt: Instant })),
});

export const Message = z.object({
  id: Id,
  direction: z.enum(['inbound', 'outbound']),
  wamid: z.string().nullable(),
  type: z.string(),
  text: z.string().nullable(),
  content: z.record(z.string(), z.unknown()),
  sender: z.object({ type: z.string(), id: z.string() }),
  sentAt: Instant,
  status: z.string().nullable().describe('Furthest delivery status reached (outbound: queued until WhatsApp reports)'),
  statuses: z.array(
    z.object({ status: z.string(), at: Instant, error: z.object({ code: z.number().int(), title: z.string(), details: z.string().nullable() }).nullable() }),
  ),
});

export const Contact = z.object({
  id: Id,
  waId: z.string().nullable(),
  whatsappUserId: z.string().nullable(),
  name: z.string().nullable(),
  tags: z.array(z.string()).describe("Union of the tags on the contact's conversations"),
  firstContactAt: Instant.nullable(),
  lastContactAt: Instant.nullable(),
  messages: z.object({ inbound: z.number().int(), outbound: z.number().int() }),
  conversationCount: z.number().int(),
  conversations: z.array(ConversationSummary).describe('Most recent first, up to 100'),
});

const OpenStatusCounts = z.object({
  new: z.number().int(),
  queued: z.number().int(),
  assigned: z.number().int(),
  pending_customer: z.number().int(),
  pending_agent: z.number().int(),
});

export const TeamQueue = z.object({
  teamId: Id.nullable().describe('null: conversations not routed to a team yet'),
  teamName: z.string().nullable(),
  waiting: z.number().int().describe('Open and not with an agent (new or queued)'),
  oldestWaitingSince: Instant.nullable(),
  open: z.number().int(),
  byStatus: OpenStatusCounts,
});

export const AgentWorkload = z.object({
  agentId: Id,
  name: z.string(),
  role: z.string(),
  teamIds: z.array(Id),
  open: z.number().int(),
  awaitingReply: z.number().int().describe('Open conversations whose customer waits for a human reply'),
  oldestWaitingSince: Instant.nullable(),
  byStatus: z.record(z.string(), z.number()),
});

export const ParkedEvent = z.object({
  id: z.string(),
  eventId: z.string(),
  position: z.string(),
  streamId: z.string(),
  eventType: z.string(),
  error: z.string(),
  attempts: z.number().int(),
  parkedAt: Instant,
  replayedAt: Instant.nullable(),
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null: last page') });
