import type { ActorType, EventData, UserRole } from '@parley/events';

/** The query API's answers the dashboard reads (docs/api.md, "Query API"). */

export interface Me {
  tenantId: string;
  tenantName: string;
  userId: string;
  name: string;
  email: string;
  role: UserRole;
  timeZone: string;
  timeZoneSource: 'business-hours' | 'default';
  teams: { teamId: string; name: string; timeZone: string | null }[];
}

export type OpenStatus = 'new' | 'queued' | 'assigned' | 'pending_customer' | 'pending_agent';
export type ConversationStatus = OpenStatus | 'closed';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';

export interface TeamQueue {
  teamId: string | null;
  teamName: string | null;
  waiting: number;
  oldestWaitingSince: string | null;
  open: number;
  byStatus: Record<OpenStatus, number>;
}

export interface AgentWorkload {
  agentId: string;
  name: string;
  role: string;
  teamIds: string[];
  open: number;
  awaitingReply: number;
  oldestWaitingSince: string | null;
  byStatus: Partial<Record<OpenStatus, number>>;
}

export interface ConversationSummary {
  id: string;
  contactId: string;
  contactName: string | null;
  contactWaId: string | null;
  numberId: string;
  status: ConversationStatus;
  priority: Priority;
  teamId: string | null;
  assigneeId: string | null;
  lastAssigneeId: string | null;
  tags: string[];
  unreadCount: number;
  messageCount: number;
  lastMessage: { preview: string; direction: 'inbound' | 'outbound'; at: string } | null;
  lastActivityAt: string;
  waitingSince: string | null;
  openedAt: string;
  firstInboundAt: string | null;
  firstResponseAt: string | null;
  closedAt: string | null;
  firstClosedAt: string | null;
  reopenedCount: number;
  closeReason: string | null;
  outcome: string | null;
  csatScore: number | null;
}

export interface ConversationDetail extends ConversationSummary {
  notes: { id: string; authorId: string; body: string; createdAt: string }[];
}

export interface MessageView {
  id: string;
  direction: 'inbound' | 'outbound';
  wamid: string | null;
  type: string;
  text: string | null;
  sender: { type: string; id: string };
  sentAt: string;
  status: string | null;
}

/** One delivery status of a message, in the order it happened. */
export interface MessageStatus {
  status: string;
  at: string;
  error: { code: number; title: string; details: string | null } | null;
}

/** The events a conversation's timeline shows (GET /v1/conversations/{id}/activity, `type`). */
export type ActivityType =
  | 'ConversationOpened'
  | 'MessageReceived'
  | 'MessageQueued'
  | 'ConversationQueued'
  | 'ConversationAssigned'
  | 'ConversationTransferred'
  | 'ConversationUnassigned'
  | 'ConversationStatusChanged'
  | 'ConversationPriorityChanged'
  | 'ConversationTagged'
  | 'ConversationUntagged'
  | 'NoteAdded'
  | 'ConversationClosed'
  | 'ConversationReopened'
  | 'CsatRecorded';
type MessageActivity = 'MessageReceived' | 'MessageQueued';

/** One entry of a conversation's timeline: `data` is the event's, as the event catalog defines it; messages come whole in `message`. */
export type ActivityEntry = {
  [T in ActivityType]: {
    id: string;
    type: T;
    at: string;
    actor: { type: ActorType; id: string };
    data: T extends MessageActivity ? Record<string, never> : EventData<T>;
    message: T extends MessageActivity ? MessageView & { statuses: MessageStatus[] } : null;
  };
}[ActivityType];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** GET /v1/analytics/sla/running: waits and resolutions past due, or close to it, now (with conversationId: all of that conversation's). */
export interface RunningSla {
  now: string;
  items: {
    conversationId: string;
    kind: 'first' | 'reopen' | 'next' | 'resolution';
    teamId: string | null;
    priority: Priority;
    startedAt: string;
    targetSeconds: number;
    dueAt: string;
    /** on_track: only when one conversation's targets are asked for (conversationId). */
    state: 'breached' | 'at_risk' | 'on_track';
    /** The target's clock: business when the team has business hours. */
    hours: 'business' | 'calendar';
    /** On that clock: counted since startedAt, and left until dueAt (negative: past due by). */
    elapsedSeconds: number;
    remainingSeconds: number;
  }[];
  truncated: boolean;
}

/** What the live page polls: one answer from the dashboard's /api/live route. */
export interface LiveSnapshot {
  at: string;
  queues: TeamQueue[];
  workload: AgentWorkload[];
  unassigned: ConversationSummary[];
  unassignedMore: boolean;
  /** null: the query API has no analytics (PARLEY_ANALYTICS=off), so no SLA figures. */
  sla: RunningSla | null;
}

/** GET /v1/teams: a team's settings as last set. */
export interface TeamSettings {
  teamId: string;
  name: string;
  members: { userId: string; name: string; role: UserRole; active: boolean }[];
  slaPolicies: SlaPolicy[];
  /** null: none set (targets count wall-clock time). */
  businessHours: BusinessHours | null;
}

export interface SlaPolicy {
  priority: Priority;
  firstResponseSeconds: number;
  nextResponseSeconds: number | null;
  resolutionSeconds: number;
}

export interface BusinessHours {
  timeZone: string;
  /** day 0 = Monday … 6 = Sunday; HH:MM; a close not after the open runs overnight. */
  periods: { day: number; open: string; close: string }[];
  holidays: string[];
}

/** GET /v1/users: the tenant's users. */
export interface TenantUser {
  userId: string;
  name: string;
  email: string;
  role: UserRole;
  active: boolean;
  teamIds: string[];
}

/* The analytics reports (docs/analytics.md, "Endpoints (query API)"). */

export type SlaTarget = 'first_response' | 'first_response_all' | 'next_response' | 'resolution';

export interface ComplianceRow {
  target: SlaTarget;
  met: number;
  breached: number;
  compliancePct: number | null;
}

export interface CompliancePeriodRow extends ComplianceRow {
  period: string;
}

export interface BreachRow {
  key: string;
  target: SlaTarget;
  breaches: number;
}

export interface Percentiles {
  count: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
}

export type DurationPercentiles = { wall: Percentiles; business: Percentiles };

export interface ResponseTimePercentiles {
  firstResponse: DurationPercentiles;
  firstResponseAll: DurationPercentiles;
  nextResponse: DurationPercentiles;
  resolution: DurationPercentiles;
  firstResolution: DurationPercentiles;
}

export interface VolumeRow {
  period: string;
  direction: string;
  messageType: string;
  messages: number;
}

export interface ConversationVolumeRow {
  period: string;
  opened: number;
  closed: number;
}

export interface HeatmapCell {
  dayOfWeek: number;
  hour: number;
  count: number;
  conversations: number;
}

export interface LeaderboardRow {
  agentId: string;
  conversationsHandled: number;
  firstResponses: number;
  medianFirstResponseSeconds: number | null;
  medianResolutionSeconds: number | null;
  medianHandleSeconds: number | null;
  csatAverage: number | null;
  csatResponses: number;
}

export interface CsatReport {
  closed: number;
  responses: number;
  responseRatePct: number | null;
  average: number | null;
  distribution: { score: number; responses: number; sharePct: number | null }[];
}

export interface CsatComment {
  conversationId: string;
  score: number;
  comment: string;
  agentId: string | null;
  teamId: string | null;
  recordedAt: string;
}

export interface DrillItem {
  conversationId: string;
  episode: number | null;
  at: string;
  openedAt: string;
  status: string;
  teamId: string | null;
  agentId: string | null;
  priority: string;
  csat: number | null;
  messages: number | null;
  outcome: 'met' | 'breached' | 'none' | null;
}

export interface DrillPage {
  figure: string;
  total: number;
  messages: number | null;
  items: DrillItem[];
  nextCursor: string | null;
}

export interface CountedPage<T> extends Page<T> {
  total: number;
}

/** GET /v1/analytics/sla/conversations: the waits (or conversations, for resolution) behind an SLA figure. */
export interface SlaDrillItem {
  conversationId: string;
  episode: number | null;
  kind: string;
  startedAt: string;
  endedAt: string | null;
  teamId: string | null;
  agentId: string | null;
  priority: string;
  wallSeconds: number | null;
  businessSeconds: number | null;
  targetSeconds: number | null;
  dueAt: string | null;
  outcome: 'met' | 'breached' | 'none';
}
