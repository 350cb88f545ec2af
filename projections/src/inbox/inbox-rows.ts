import { ActorType, ConversationStatus, type EventType, Priority, UserRole } from '@parley/events';
import { z } from 'zod';

/**
 * The inbox read model's rows as readers get them: the query API answers with these
 * schemas (validation, OpenAPI), and the queries' types are inferred from them.
 */

const Instant = z.string().describe('ISO 8601 instant');
const Id = z.uuid();

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

export const MessageView = z.object({
  id: Id,
  direction: z.enum(['inbound', 'outbound']),
  wamid: z.string().nullable(),
  type: z.string(),
  text: z.string().nullable(),
  content: z.record(z.string(), z.unknown()),
  sender: z.object({ type: z.string(), id: z.string() }),
  sentAt: Instant,
  status: z.string().nullable().describe('Furthest delivery status reached (outbound: queued until WhatsApp reports)'),
  statuses: z
    .array(
      z.object({
        status: z.string(),
        at: Instant,
        error: z.object({ code: z.number().int(), title: z.string(), details: z.string().nullable() }).nullable(),
        pricing: z
          .object({ billable: z.boolean().nullable(), category: z.string().nullable() })
          .nullable()
          .describe('What WhatsApp said this status costs (usage billing reads it); null: it said nothing'),
      }),
    )
    .describe('In the order they happened (lifecycle order within one second), whatever order WhatsApp reported them in'),
});

/** The events a conversation's timeline shows, one entry each (table conversation_activity). */
export const MESSAGE_ACTIVITY_TYPES = ['MessageReceived', 'MessageQueued'] as const satisfies readonly EventType[];
export const ACTIVITY_EVENT_TYPES = [
  'ConversationOpened',
  ...MESSAGE_ACTIVITY_TYPES,
  'ConversationQueued',
  'ConversationAssigned',
  'ConversationTransferred',
  'ConversationUnassigned',
  'ConversationStatusChanged',
  'ConversationPriorityChanged',
  'ConversationTagged',
  'ConversationUntagged',
  'NoteAdded',
  'ConversationClosed',
  'ConversationReopened',
  'CsatRecorded',
] as const satisfies readonly EventType[];
export const ActivityType = z.enum(ACTIVITY_EVENT_TYPES);
export type ActivityType = z.infer<typeof ActivityType>;

export const ActivityEntry = z.object({
  id: Id.describe('The event id: stable, so an entry can be linked to and deduplicated'),
  type: ActivityType,
  at: Instant.describe('When it happened (the event’s occurredAt)'),
  actor: z.object({ type: ActorType, id: z.string() }).describe('Who did it: a user id for agents and supervisors'),
  data: z
    .record(z.string(), z.unknown())
    .describe('The event’s data as the event catalog defines it for `type` (by whom to whom, from/to, tag, note body, score); {} for messages: see `message`'),
  message: MessageView.nullable().describe('MessageReceived, MessageQueued: the message with its delivery statuses; null for other types'),
});
export type ActivityEntry = z.infer<typeof ActivityEntry>;

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

export const Me = z.object({
  tenantId: Id,
  tenantName: z.string(),
  userId: Id,
  name: z.string(),
  email: z.string(),
  role: UserRole,
  timeZone: z
    .string()
    .describe("The tenant's default time zone: the business-hours time zone of its first team (by name) that has business hours; UTC when no team has any"),
  timeZoneSource: z.enum(['business-hours', 'default']).describe('business-hours: taken from a team calendar; default: UTC, no team has business hours'),
  teams: z.array(z.object({ teamId: Id, name: z.string(), timeZone: z.string().nullable().describe('Its business-hours time zone; null: none set') })),
});

export const TenantUser = z.object({
  userId: Id,
  name: z.string(),
  email: z.string(),
  role: UserRole,
  active: z.boolean().describe('false: deactivated (no key works, no conversations are given to them)'),
  teamIds: z.array(Id).describe('The teams they are a member of'),
});

const Seconds = z.number().int().positive();

export const TeamSettings = z.object({
  teamId: Id,
  name: z.string(),
  members: z.array(TenantUser.pick({ userId: true, name: true, role: true, active: true })).describe('By name'),
  slaPolicies: z
    .array(
      z.object({
        priority: Priority,
        firstResponseSeconds: Seconds,
        nextResponseSeconds: Seconds.nullable().describe('null: later waits have no target'),
        resolutionSeconds: Seconds,
      }),
    )
    .describe('One per priority that has targets, low to urgent; a priority without an entry has none'),
  businessHours: z
    .object({
      timeZone: z.string(),
      periods: z.array(z.object({ day: z.number().int().min(0).max(6).describe('0 = Monday … 6 = Sunday'), open: z.string(), close: z.string() })),
      holidays: z.array(z.string().describe('YYYY-MM-DD')),
    })
    .nullable()
    .describe('As last set; null: none set (SLA targets count wall-clock time)'),
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null: last page') });

export type ConversationSummary = z.infer<typeof ConversationSummary>;
export type ConversationDetail = z.infer<typeof ConversationDetail>;
export type MessageView = z.infer<typeof MessageView>;
export type Contact = z.infer<typeof Contact>;
export type TeamQueue = z.infer<typeof TeamQueue>;
export type AgentWorkload = z.infer<typeof AgentWorkload>;
export type Me = z.infer<typeof Me>;
export type TenantUser = z.infer<typeof TenantUser>;
export type TeamSettings = z.infer<typeof TeamSettings>;
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
