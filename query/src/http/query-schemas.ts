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

export const ActivityListQuery = Consistency.extend({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(500).optional().describe('nextCursor of the previous page'),
});

export const WorkloadQuery = Consistency.extend({ team: Id.optional() });

export const IdParams = z.object({ id: Id });

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

export {
  ActivityEntry,
  AgentWorkload,
  Contact,
  ConversationDetail,
  ConversationSummary,
  Me,
  MessageView as Message,
  page,
  TeamQueue,
  TeamSettings,
  TenantUser,
} from '@parley/projections/inbox';
