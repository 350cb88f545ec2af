import { customerSentAt, type EventMetadata, type ParleyEvent, type Priority } from '@parley/events';
import { addBusinessMs, businessMsBetween, type Calendar } from './business-hours.ts';
import { chTime } from './clickhouse.ts';

/**
 * One conversation's lifecycle, folded from its events into the figures of
 * docs/metrics.md. Pure: the projector feeds it events and service-level settings and
 * stores the fold itself (as JSON) next to the facts it derives, so a restarted
 * projector continues where the stored rows are.
 */

export interface SlaTargets {
  firstResponseSeconds: number;
  nextResponseSeconds: number | null;
  resolutionSeconds: number;
}

/** A team's calendar and targets per priority, as of the events folded so far. */
export interface TeamServiceLevels {
  calendar: Calendar | null;
  policies: Map<string, SlaTargets>;
}
export type ServiceLevelLookup = (tenantId: string, teamId: string | null) => TeamServiceLevels | undefined;

export type EpisodeKind = 'first' | 'reopen' | 'next';

/** One wait for a human: from its start to the first human reply (or the close that ended it). */
export interface Episode {
  no: number;
  kind: EpisodeKind;
  startedAt: number;
  endedAt: number | null;
  responded: boolean;
  agentId: string | null;
  /** Team and priority while it runs; frozen when it ends. */
  teamId: string | null;
  priority: Priority;
}

export interface ConversationFold {
  tenantId: string;
  conversationId: string;
  contactId: string;
  numberId: string;
  origin: 'inbound' | 'outbound';
  teamId: string | null;
  priority: Priority;
  status: string;
  assigneeId: string | null;
  openedAt: number;
  firstQueuedAt: number | null;
  firstAssignedAt: number | null;
  firstResponseAt: number | null;
  firstClosedAt: number | null;
  lastClosedAt: number | null;
  lastReopenedAt: number | null;
  reopenCount: number;
  transferCount: number;
  assigneeAtClose: string | null;
  closeReason: string | null;
  outcome: string | null;
  csat: number | null;
  /** The CSAT's comment and when it was recorded; null when none (or folded before they were kept). */
  csatComment: string | null;
  csatAt: number | null;
  messagesIn: number;
  messagesOut: number;
  episodes: Episode[];
  /** A bot answered before the first hand-off to a human (queue or assignment). */
  withBot: boolean;
  handedOff: boolean;
  /**
   * Handle time: ms the conversation was open and held by an agent, over finished
   * holds; null when unknown (a fold stored before handle time was tracked).
   */
  handleMs: number | null;
  /** Start of the current hold (open and assigned); null when nobody holds it. */
  handlingSince: number | null;
  /** Ordinal of the last event folded: events at or before it are already in. */
  lastSeq: number;
}

const HUMAN_ACTORS = new Set(['agent', 'supervisor']);
export const humanActorId = (metadata: EventMetadata): string | null => (HUMAN_ACTORS.has(metadata.actor.type) ? metadata.actor.id : null);

const openEpisode = (fold: ConversationFold): Episode | undefined => {
  const last = fold.episodes[fold.episodes.length - 1];
  return last && last.endedAt === null ? last : undefined;
};

function startEpisode(fold: ConversationFold, kind: EpisodeKind, at: number): Episode {
  const episode: Episode = {
    no: fold.episodes.length + 1,
    kind,
    startedAt: at,
    endedAt: null,
    responded: false,
    agentId: null,
    teamId: fold.teamId,
    priority: fold.priority,
  };
  fold.episodes.push(episode);
  return episode;
}

export function openFold(event: Extract<ParleyEvent, { type: 'ConversationOpened' }>, metadata: EventMetadata, seq: number): ConversationFold {
  const d = event.data;
  return {
    tenantId: metadata.tenantId,
    conversationId: d.conversationId,
    contactId: d.contactId,
    numberId: d.numberId,
    origin: d.origin,
    teamId: null,
    priority: 'normal',
    status: 'new',
    assigneeId: null,
    openedAt: Date.parse(metadata.occurredAt),
    firstQueuedAt: null,
    firstAssignedAt: null,
    firstResponseAt: null,
    firstClosedAt: null,
    lastClosedAt: null,
    lastReopenedAt: null,
    reopenCount: 0,
    transferCount: 0,
    assigneeAtClose: null,
    closeReason: null,
    outcome: null,
    csat: null,
    csatComment: null,
    csatAt: null,
    messagesIn: 0,
    messagesOut: 0,
    episodes: [],
    withBot: false,
    handedOff: false,
    handleMs: 0,
    handlingSince: null,
    lastSeq: seq,
  };
}

/** A fold read back from its JSON: fields added since it was stored get their "unknown" value. */
export function restoreFold(stored: ConversationFold): ConversationFold {
  if (stored.handleMs === undefined) {
    stored.handleMs = null;
    stored.handlingSince = null;
  }
  // Folds stored before migration 4 never kept the comment: unknown until a replay.
  stored.csatComment ??= null;
  stored.csatAt ??= null;
  return stored;
}

/** Opens or ends the current hold after an event: held = not closed and an assignee set. */
function trackHold(fold: ConversationFold, at: number): void {
  const held = fold.status !== 'closed' && fold.assigneeId !== null;
  if (held && fold.handlingSince === null) fold.handlingSince = at;
  else if (!held && fold.handlingSince !== null) {
    if (fold.handleMs !== null) fold.handleMs += Math.max(0, at - fold.handlingSince);
    fold.handlingSince = null;
  }
}

/**
 * Folds one event of the conversation; returns the numbers of the episodes it changed.
 * Team and priority changes re-stamp a running wait, so its target follows them.
 */
export function foldEvent(fold: ConversationFold, event: ParleyEvent, metadata: EventMetadata, seq: number): number[] {
  const changed = applyEvent(fold, event, metadata, seq);
  trackHold(fold, Date.parse(metadata.occurredAt));
  return changed;
}

function applyEvent(fold: ConversationFold, event: ParleyEvent, metadata: EventMetadata, seq: number): number[] {
  fold.lastSeq = seq;
  const at = Date.parse(metadata.occurredAt);
  const running = openEpisode(fold);
  const restamp = (): number[] => {
    if (!running) return [];
    running.teamId = fold.teamId;
    running.priority = fold.priority;
    return [running.no];
  };
  const handOff = (): number[] => {
    if (fold.handedOff) return [];
    fold.handedOff = true;
    // A bot kept the customer company: the wait for a human starts at the hand-off.
    if (fold.withBot && running && running.kind === 'first') {
      running.startedAt = at;
      return [running.no];
    }
    return [];
  };
  switch (event.type) {
    case 'MessageReceived': {
      fold.messagesIn += 1;
      if (fold.status === 'closed' || running) return [];
      const kind: EpisodeKind = fold.episodes.length === 0 ? 'first' : 'next';
      // The customer has waited since they sent it, not since it reached us (docs/metrics.md, "Time").
      return [startEpisode(fold, kind, customerSentAt(event.data, metadata)).no];
    }
    case 'MessageQueued': {
      fold.messagesOut += 1;
      if (event.data.senderType === 'bot' && !fold.handedOff) fold.withBot = true;
      if (event.data.senderType !== 'agent') return [];
      fold.firstResponseAt ??= at;
      if (!running) return [];
      running.endedAt = at;
      running.responded = true;
      running.agentId = metadata.actor.id;
      running.teamId = fold.teamId;
      running.priority = fold.priority;
      return [running.no];
    }
    case 'ConversationQueued':
      fold.teamId = event.data.teamId;
      fold.priority = event.data.priority;
      fold.status = 'queued';
      fold.firstQueuedAt ??= at;
      return [...new Set([...handOff(), ...restamp()])];
    case 'ConversationAssigned':
      fold.assigneeId = event.data.agentId;
      if (event.data.teamId) fold.teamId = event.data.teamId;
      if (fold.status === 'new' || fold.status === 'queued') fold.status = 'assigned';
      fold.firstAssignedAt ??= at;
      return [...new Set([...handOff(), ...restamp()])];
    case 'ConversationTransferred':
      fold.transferCount += 1;
      fold.assigneeId = event.data.toAgentId;
      if (event.data.toTeamId) fold.teamId = event.data.toTeamId;
      fold.status = event.data.toAgentId ? 'assigned' : 'queued';
      if (event.data.toAgentId) fold.firstAssignedAt ??= at;
      return restamp();
    case 'ConversationUnassigned':
      fold.assigneeId = null;
      fold.status = fold.teamId ? 'queued' : 'new';
      return [];
    case 'ConversationStatusChanged':
      fold.status = event.data.to;
      return [];
    case 'ConversationPriorityChanged':
      fold.priority = event.data.to;
      return restamp();
    case 'ConversationClosed': {
      fold.status = 'closed';
      fold.firstClosedAt ??= at;
      fold.lastClosedAt = at;
      fold.assigneeAtClose = fold.assigneeId;
      fold.assigneeId = null;
      fold.closeReason = event.data.reason;
      fold.outcome = event.data.outcome;
      if (!running) return [];
      running.endedAt = at;
      return [running.no];
    }
    case 'ConversationReopened':
      fold.status = event.data.to;
      fold.reopenCount += 1;
      fold.lastReopenedAt = at;
      fold.assigneeId = event.data.to === 'assigned' ? fold.assigneeAtClose : null;
      return [startEpisode(fold, 'reopen', at).no];
    case 'CsatRecorded':
      fold.csat = event.data.score;
      fold.csatComment = event.data.comment;
      fold.csatAt = at;
      return [];
    default:
      return [];
  }
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export function episodeRow(fold: ConversationFold, e: Episode, levels: ServiceLevelLookup) {
  const team = levels(fold.tenantId, e.teamId);
  const calendar = team?.calendar ?? null;
  const policy = team?.policies.get(e.priority);
  const target = policy ? (e.kind === 'next' ? policy.nextResponseSeconds : policy.firstResponseSeconds) : null;
  const measured = e.responded && e.endedAt !== null;
  return {
    tenant_id: fold.tenantId,
    conversation_id: fold.conversationId,
    episode: e.no,
    kind: e.kind,
    started_at: chTime(e.startedAt),
    ended_at: chTime(e.endedAt),
    responded: e.responded ? 1 : 0,
    agent_id: e.agentId,
    team_id: e.teamId,
    priority: e.priority,
    wall_seconds: measured ? seconds(e.endedAt! - e.startedAt) : null,
    business_seconds: measured ? seconds(businessMsBetween(e.startedAt, e.endedAt!, calendar)) : null,
    target_seconds: target,
    due_at: target === null ? null : chTime(addBusinessMs(e.startedAt, target * 1000, calendar)),
    version: fold.lastSeq,
  };
}

export function conversationRow(fold: ConversationFold, levels: ServiceLevelLookup) {
  const team = levels(fold.tenantId, fold.teamId);
  const calendar = team?.calendar ?? null;
  const policy = team?.policies.get(fold.priority);
  const first = fold.episodes.find((e) => e.kind === 'first');
  const firstRow = first ? episodeRow(fold, first, levels) : null;
  const isOpen = fold.status !== 'closed';
  const span = (end: number | null) => (end === null ? null : seconds(end - fold.openedAt));
  const businessSpan = (end: number | null) => (end === null ? null : seconds(businessMsBetween(fold.openedAt, end, calendar)));
  const fullEnd = isOpen ? null : fold.lastClosedAt;
  const resolutionTarget = policy?.resolutionSeconds ?? null;
  return {
    tenant_id: fold.tenantId,
    conversation_id: fold.conversationId,
    contact_id: fold.contactId,
    number_id: fold.numberId,
    origin: fold.origin,
    team_id: fold.teamId,
    priority: fold.priority,
    status: fold.status,
    is_open: isOpen ? 1 : 0,
    opened_at: chTime(fold.openedAt),
    first_queued_at: chTime(fold.firstQueuedAt),
    first_assigned_at: chTime(fold.firstAssignedAt),
    first_response_at: chTime(fold.firstResponseAt),
    first_closed_at: chTime(fold.firstClosedAt),
    last_closed_at: chTime(fold.lastClosedAt),
    last_reopened_at: chTime(fold.lastReopenedAt),
    reopen_count: fold.reopenCount,
    transfer_count: fold.transferCount,
    assignee_at_close: fold.assigneeAtClose,
    handled_by: isOpen ? fold.assigneeId : fold.assigneeAtClose,
    close_reason: fold.closeReason,
    outcome: fold.outcome,
    csat: fold.csat,
    csat_comment: fold.csatComment,
    csat_at: chTime(fold.csatAt),
    messages_in: fold.messagesIn,
    messages_out: fold.messagesOut,
    frt_seconds: firstRow?.wall_seconds ?? null,
    frt_business_seconds: firstRow?.business_seconds ?? null,
    frt_target_seconds: firstRow?.target_seconds ?? null,
    frt_due_at: firstRow?.due_at ?? null,
    first_resolution_seconds: span(fold.firstClosedAt),
    first_resolution_business_seconds: businessSpan(fold.firstClosedAt),
    full_resolution_seconds: span(fullEnd),
    full_resolution_business_seconds: businessSpan(fullEnd),
    resolution_target_seconds: resolutionTarget,
    resolution_due_at: resolutionTarget === null ? null : chTime(addBusinessMs(fold.openedAt, resolutionTarget * 1000, calendar)),
    handle_ms: fold.handleMs,
    handling_since: fold.handleMs === null ? null : chTime(fold.handlingSince),
    version: fold.lastSeq,
    state: JSON.stringify(fold),
  };
}
