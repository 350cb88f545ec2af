import type { CloseReason, ConversationStatus, EventData, EventOf, InboundContent, OutboundContent, Priority, UserRole } from '@parley/events';
import { DELIVERY_STATUS_EVENT, DELIVERY_STATUS_OF, type DeliveryStatus } from '@parley/events';
import { conflict, forbidden, notFound, unprocessable } from '@parley/kit';
import { may } from '@parley/kit/roles';
import { assertNever, type Decider } from './decider.ts';
import { conversationIdFor } from './ids.ts';
import type { MessageTemplate } from './whatsapp-number.ts';

/**
 * The conversation aggregate. One stream (a "thread") holds every conversation of one
 * contact on one WhatsApp number, so "at most one open conversation per contact and
 * number" and "reopen only the latest" are decided under a single expected revision.
 */
export type ThreadEvent = EventOf<
  | 'ConversationOpened'
  | 'MessageReceived'
  | 'MessageQueued'
  | 'MessageSent'
  | 'MessageDelivered'
  | 'MessageRead'
  | 'MessageFailed'
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
  | 'CsatRecorded'
>;

export type OpenStatus = Exclude<ConversationStatus, 'closed'>;

export interface Conversation {
  conversationId: string;
  contactId: string;
  numberId: string;
  phoneNumberId: string;
  priority: Priority;
  teamId: string | null;
  assigneeId: string | null;
  /** Who had it when it closed: a reopen gives it back to them. */
  lastAssigneeId: string | null;
  tags: Set<string>;
  csatRecorded: boolean;
}

interface ThreadBase {
  /** Number of the latest conversation in the thread (0: none yet). */
  lastSeq: number;
  /** When the customer last wrote (WhatsApp's timestamp): opens the 24 h window. */
  lastInboundAt: string | null;
  /** Inbound wamids and wamid:status pairs already recorded: WhatsApp redelivers. */
  seen: Set<string>;
  /** Earlier conversations of the thread: notes and CSAT may still land on them. */
  earlier: Map<string, { csatRecorded: boolean }>;
  /** Outbound messages queued in the thread, by message id: their conversation. */
  queued: Map<string, string>;
}

export type ThreadState = ThreadBase & ({ status: 'none' } | { status: OpenStatus; current: Conversation } | { status: 'closed'; current: Conversation });

/** The user a command acts for; resolved from the API key at the edge. */
export interface ActingUser {
  userId: string;
  role: UserRole;
}

/** A user a command points at (assignee, transfer target), looked up by the handler. */
export interface TargetUser {
  userId: string;
  role: UserRole;
  teams: readonly string[];
  /** false: deactivated, so no longer given conversations. */
  active: boolean;
}

export interface InboundItem {
  wamid: string;
  messageId: string;
  /** WhatsApp's timestamp, bounded around receipt (see webhook-mapping.ts boundedInstant). */
  sentAt: string;
  /** WhatsApp's timestamp as sent, when it had to be bounded. */
  reportedSentAt?: string;
  profileName: string | null;
  content: InboundContent;
  replyTo: { wamid: string; from: string | null } | null;
  referral: Record<string, unknown> | null;
}

export type StatusKind = DeliveryStatus;

export interface StatusItem {
  kind: StatusKind;
  wamid: string;
  recipientId: string;
  at: string;
  /** WhatsApp's timestamp as sent, when it had to be bounded. */
  reportedAt?: string;
  pricing: EventData<'MessageSent'>['pricing'];
  whatsappConversation: EventData<'MessageSent'>['whatsappConversation'];
  error: { code: number; title: string; details: string | null } | null;
  /** The send's biz_opaque_callback_data: our message id when Parley sent it. */
  callbackData?: string | null;
}

type OnConversation<T> = T & { conversationId: string; by: ActingUser };

export type ThreadCommand =
  | {
      type: 'RecordWhatsAppActivity';
      threadKey: string;
      contactId: string;
      numberId: string;
      phoneNumberId: string;
      messages: readonly InboundItem[];
      statuses: readonly StatusItem[];
    }
  | {
      /** The workers' answer from the Cloud API for a queued message: its wamid, or why it was not sent. */
      type: 'RecordSendOutcome';
      messageId: string;
      recipientId: string;
      outcome: { kind: 'sent'; wamid: string; at: string } | { kind: 'failed'; at: string; error: { code: number; title: string; details: string | null } };
    }
  | OnConversation<{
      type: 'SendMessage';
      messageId: string;
      content: OutboundContent;
      now: Date;
      /** For a template message: the number's template of that name and language (null: none). */
      template?: MessageTemplate | null;
      /** Why the tenant's marketing templates are refused now (dunning), or null; looked up by the handler. */
      marketingBlocked?: string | null;
    }>
  | OnConversation<{ type: 'Queue'; teamId: string; teamExists: boolean }>
  | OnConversation<{ type: 'Assign'; agent: TargetUser | null; agentId: string }>
  | OnConversation<{
      type: 'Transfer';
      toAgentId: string | null;
      toAgent: TargetUser | null;
      toTeamId: string | null;
      toTeamExists: boolean;
      note: string | null;
    }>
  | OnConversation<{ type: 'Unassign' }>
  | OnConversation<{ type: 'SetStatus'; to: 'assigned' | 'pending_customer' | 'pending_agent' }>
  | OnConversation<{ type: 'SetPriority'; priority: Priority }>
  | OnConversation<{ type: 'Tag'; tag: string }>
  | OnConversation<{ type: 'Untag'; tag: string }>
  | OnConversation<{ type: 'AddNote'; noteId: string; body: string }>
  | OnConversation<{ type: 'Close'; reason: CloseReason; outcome: string | null }>
  | OnConversation<{ type: 'Reopen'; inactiveUserIds: ReadonlySet<string> }>
  | OnConversation<{ type: 'RecordCsat'; score: number; comment: string | null }>;

export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

const isOpen = (s: ThreadState): s is ThreadBase & { status: OpenStatus; current: Conversation } => s.status !== 'none' && s.status !== 'closed';

function decideActivity(command: Extract<ThreadCommand, { type: 'RecordWhatsAppActivity' }>, state: ThreadState): ThreadEvent[] {
  const events: ThreadEvent[] = [];
  // Local view of what this command changes: decide never touches the given state.
  let status: ConversationStatus | 'none' = state.status;
  let conversationId = state.status === 'none' ? null : state.current.conversationId;
  let seq = state.lastSeq;
  const seenNow = new Set<string>();
  const seen = (key: string) => state.seen.has(key) || seenNow.has(key);

  for (const m of command.messages) {
    const key = `in:${m.wamid}`;
    if (seen(key)) continue;
    seenNow.add(key);
    // A reaction to an old message is no new request: it lands on the latest conversation.
    const opens = status === 'none' || (status === 'closed' && m.content.type !== 'reaction');
    if (opens) {
      seq += 1;
      conversationId = conversationIdFor(command.threadKey, seq);
      events.push({
        type: 'ConversationOpened',
        data: {
          conversationId,
          contactId: command.contactId,
          numberId: command.numberId,
          phoneNumberId: command.phoneNumberId,
          origin: 'inbound',
        },
      });
      status = 'new';
    }
    if (conversationId === null) throw new Error('unreachable: no conversation after opening');
    events.push({
      type: 'MessageReceived',
      data: {
        conversationId,
        messageId: m.messageId,
        wamid: m.wamid,
        contactId: command.contactId,
        profileName: m.profileName,
        sentAt: m.sentAt,
        ...(m.reportedSentAt !== undefined && { reportedSentAt: m.reportedSentAt }),
        content: m.content,
        replyTo: m.replyTo,
        referral: m.referral,
      },
    });
    if (status === 'pending_customer') {
      events.push({ type: 'ConversationStatusChanged', data: { conversationId, from: 'pending_customer', to: 'pending_agent' } });
      status = 'pending_agent';
    }
  }

  for (const s of command.statuses) {
    // A status of one of our sends whose outcome the workers have not recorded (they
    // crashed between the Cloud API's answer and the log, or that answer was lost): the
    // status names the message, so its wamid is recorded now, and a retried job finds
    // it recorded and does not send it twice.
    const ours = s.callbackData ? state.queued.get(s.callbackData) : undefined;
    if (ours !== undefined && s.kind !== 'failed' && !seen(`out:${s.callbackData}`) && !seen(`st:${s.wamid}:sent`)) {
      seenNow.add(`out:${s.callbackData}`);
      seenNow.add(`st:${s.wamid}:sent`);
      events.push({
        type: 'MessageSent',
        data: {
          wamid: s.wamid,
          messageId: s.callbackData!,
          conversationId: ours,
          recipientId: s.recipientId,
          at: s.at,
          pricing: s.kind === 'sent' ? s.pricing : null,
          whatsappConversation: s.kind === 'sent' ? s.whatsappConversation : null,
        },
      });
    }
    const key = `st:${s.wamid}:${s.kind}`;
    if (seen(key)) continue;
    seenNow.add(key);
    // Statuses are facts about messages WhatsApp carried; Parley records every one (usage
    // billing needs them) even for messages sent from outside Parley.
    const base = {
      wamid: s.wamid,
      messageId: null,
      conversationId: null,
      recipientId: s.recipientId,
      at: s.at,
      ...(s.reportedAt !== undefined && { reportedAt: s.reportedAt }),
      pricing: s.pricing,
      whatsappConversation: s.whatsappConversation,
    };
    if (s.kind === 'failed') {
      const error = s.error ?? { code: 0, title: 'unknown error', details: null };
      events.push({
        type: 'MessageFailed',
        data: { ...base, errorCode: error.code, errorTitle: error.title, errorDetails: error.details },
      });
    } else {
      events.push({ type: DELIVERY_STATUS_EVENT[s.kind], data: base });
    }
  }
  return events;
}

/** The roles that work conversations; analysts and billing users only read. */

function ensureWorksConversations(by: ActingUser) {
  if (!may(by.role, 'workConversations')) throw forbidden(`a ${by.role} cannot act on conversations`);
}

/**
 * Agents act on their own or unassigned conversations; supervisors and admins on any
 * (the role itself is checked once, by ensureWorksConversations). A closed conversation
 * still belongs to the agent who had it when it closed.
 */
function ensureMayAct(by: ActingUser, conversation: Conversation, closed: boolean) {
  if (by.role !== 'agent') return;
  const owner = closed ? conversation.lastAssigneeId : conversation.assigneeId;
  if (owner !== null && owner !== by.userId) throw forbidden('this conversation is assigned to another agent');
}

/**
 * The one rule for giving a conversation to a user, shared by assign and transfer. The
 * target must be an active user who works conversations. Supervisors and admins route to
 * anyone; an agent may take a conversation nobody holds only for themselves, and give
 * someone else only a conversation they hold: otherwise an agent could route work that
 * is not theirs to a colleague through whichever command checks less.
 */
function ensureMayHandTo(by: ActingUser, conversation: Conversation, target: TargetUser | null, targetId: string): TargetUser {
  if (!target) throw unprocessable(`user ${targetId} not found in this tenant`);
  if (!may(target.role, 'workConversations')) {
    throw unprocessable(`user ${targetId} is ${target.role}: conversations go to agents, supervisors or admins`);
  }
  if (!target.active) throw unprocessable(`user ${targetId} is deactivated: conversations go to active users`);
  if (by.role === 'agent' && target.userId !== by.userId && conversation.assigneeId !== by.userId) {
    throw forbidden('agents can give a conversation to someone else only when it is theirs: take an unassigned one for yourself');
  }
  return target;
}

type ConversationCommand = Exclude<ThreadCommand, { type: 'RecordWhatsAppActivity' | 'RecordSendOutcome' }>;

function decideOnConversation(command: ConversationCommand, state: ThreadState): ThreadEvent[] {
  const { conversationId, by } = command;
  const latest = state.status === 'none' ? null : state.current;
  const isCurrent = latest !== null && latest.conversationId === conversationId;
  const earlier = state.earlier.get(conversationId);
  if (!isCurrent && !earlier) throw notFound('conversation not found');

  // Notes and CSAT may land on an earlier, closed conversation; the rest needs the latest.
  ensureWorksConversations(by);
  if (command.type === 'AddNote') {
    if (isCurrent) ensureMayAct(by, latest, state.status === 'closed');
    return [{ type: 'NoteAdded', data: { conversationId, noteId: command.noteId, body: command.body } }];
  }
  if (command.type === 'RecordCsat') {
    if (isCurrent && state.status !== 'closed') throw conflict('CSAT is recorded once a conversation is closed');
    if (isCurrent ? latest.csatRecorded : earlier?.csatRecorded) throw conflict('CSAT is already recorded for this conversation');
    return [{ type: 'CsatRecorded', data: { conversationId, score: command.score, comment: command.comment } }];
  }
  if (!isCurrent || state.status === 'none') throw conflict('a newer conversation with this contact exists');
  const c = state.current;
  ensureMayAct(by, c, state.status === 'closed');

  if (command.type === 'Reopen') {
    if (state.status !== 'closed') throw conflict(`conversation is ${state.status}, not closed`);
    // Reopening gives it back to its last agent: an assignment, so a deactivated agent
    // does not get it; it waits in its team's queue instead.
    const backToAgent = c.lastAssigneeId !== null && !command.inactiveUserIds.has(c.lastAssigneeId);
    const to: OpenStatus = backToAgent ? 'assigned' : c.teamId ? 'queued' : 'new';
    return [{ type: 'ConversationReopened', data: { conversationId, to } }];
  }
  if (!isOpen(state)) throw conflict('conversation is closed: reopen it first');
  const status = state.status;

  switch (command.type) {
    case 'SendMessage': {
      if (command.content.type === 'template') {
        ensureTemplateFits(command.content, command.template ?? null);
        // Billing suspends marketing only: utility and authentication templates, and replies, still go out.
        if (command.template?.category === 'marketing' && command.marketingBlocked) throw unprocessable(command.marketingBlocked);
      }
      if (command.content.type === 'text') {
        const last = state.lastInboundAt ? Date.parse(state.lastInboundAt) : null;
        if (last === null || command.now.getTime() - last > CUSTOMER_SERVICE_WINDOW_MS) {
          throw unprocessable(
            last === null
              ? 'the customer has not written yet: only a template message can start the conversation'
              : '24-hour customer service window is closed (last customer message more than 24 h ago): send a template message',
          );
        }
      }
      const events: ThreadEvent[] = [
        { type: 'MessageQueued', data: { conversationId, messageId: command.messageId, content: command.content, senderType: 'agent' } },
      ];
      if (c.assigneeId && (status === 'assigned' || status === 'pending_agent')) {
        events.push({ type: 'ConversationStatusChanged', data: { conversationId, from: status, to: 'pending_customer' } });
      }
      return events;
    }
    case 'Queue': {
      if (!command.teamExists) throw unprocessable(`team ${command.teamId} not found in this tenant`);
      if (c.assigneeId) throw conflict('conversation is assigned: transfer it to the team instead');
      if (status === 'queued' && c.teamId === command.teamId) return [];
      return [{ type: 'ConversationQueued', data: { conversationId, teamId: command.teamId, priority: c.priority } }];
    }
    case 'Assign': {
      const agent = ensureMayHandTo(by, c, command.agent, command.agentId);
      if (c.assigneeId === agent.userId) return [];
      if (c.assigneeId) throw conflict(`conversation is assigned to ${c.assigneeId === by.userId ? 'you' : 'another agent'}: transfer it instead`);
      return [{ type: 'ConversationAssigned', data: { conversationId, agentId: agent.userId, teamId: c.teamId } }];
    }
    case 'Transfer': {
      if (command.toAgentId === null && command.toTeamId === null) throw unprocessable('transfer needs an agent or a team');
      if (command.toTeamId !== null && !command.toTeamExists) throw unprocessable(`team ${command.toTeamId} not found in this tenant`);
      const agent = command.toAgentId === null ? null : ensureMayHandTo(by, c, command.toAgent, command.toAgentId);
      if (agent && agent.userId === c.assigneeId && (command.toTeamId === null || command.toTeamId === c.teamId)) {
        throw conflict('conversation is already with that agent');
      }
      return [
        {
          type: 'ConversationTransferred',
          data: {
            conversationId,
            fromAgentId: c.assigneeId,
            fromTeamId: c.teamId,
            toAgentId: agent?.userId ?? null,
            toTeamId: command.toTeamId,
            note: command.note,
          },
        },
      ];
    }
    case 'Unassign':
      if (!c.assigneeId) throw conflict('conversation is not assigned');
      return [{ type: 'ConversationUnassigned', data: { conversationId, agentId: c.assigneeId } }];
    case 'SetStatus':
      if (!c.assigneeId) throw conflict(`conversation is ${status}: assign it before moving it to ${command.to}`);
      if (status === command.to) return [];
      return [{ type: 'ConversationStatusChanged', data: { conversationId, from: status, to: command.to } }];
    case 'SetPriority':
      if (c.priority === command.priority) return [];
      return [{ type: 'ConversationPriorityChanged', data: { conversationId, from: c.priority, to: command.priority } }];
    case 'Tag':
      return c.tags.has(command.tag) ? [] : [{ type: 'ConversationTagged', data: { conversationId, tag: command.tag } }];
    case 'Untag':
      return c.tags.has(command.tag) ? [{ type: 'ConversationUntagged', data: { conversationId, tag: command.tag } }] : [];
    case 'Close':
      return [{ type: 'ConversationClosed', data: { conversationId, reason: command.reason, outcome: command.outcome } }];
    default:
      return assertNever(command);
  }
}

/**
 * Evolve mutates the state it is given and returns it: the command handler folds into a
 * state it owns (a cache entry guarded by a per-stream lock), and threads with thousands
 * of messages would otherwise copy their sets on every event. Decide never mutates.
 */
function evolve(state: ThreadState, event: ThreadEvent): ThreadState {
  const withStatus = (status: ConversationStatus): ThreadState => {
    if (state.status === 'none') return state;
    return { ...state, status, current: state.current } as ThreadState;
  };
  switch (event.type) {
    case 'ConversationOpened': {
      const { conversationId, contactId, numberId, phoneNumberId } = event.data;
      if (state.status !== 'none') state.earlier.set(state.current.conversationId, { csatRecorded: state.current.csatRecorded });
      const current: Conversation = {
        conversationId,
        contactId,
        numberId,
        phoneNumberId,
        priority: 'normal',
        teamId: null,
        assigneeId: null,
        lastAssigneeId: null,
        tags: new Set(),
        csatRecorded: false,
      };
      return {
        lastSeq: state.lastSeq + 1,
        lastInboundAt: state.lastInboundAt,
        seen: state.seen,
        earlier: state.earlier,
        queued: state.queued,
        status: 'new',
        current,
      };
    }
    case 'MessageReceived':
      state.seen.add(`in:${event.data.wamid}`);
      if (!state.lastInboundAt || Date.parse(event.data.sentAt) > Date.parse(state.lastInboundAt)) {
        state.lastInboundAt = event.data.sentAt;
      }
      return state;
    case 'MessageSent':
    case 'MessageDelivered':
    case 'MessageRead':
    case 'MessageFailed': {
      const kind = DELIVERY_STATUS_OF[event.type];
      state.seen.add(`st:${event.data.wamid}:${kind}`);
      if (event.data.messageId !== null) state.seen.add(`out:${event.data.messageId}`);
      return state;
    }
    case 'MessageQueued':
      state.queued.set(event.data.messageId, event.data.conversationId);
      return state;
    case 'NoteAdded':
      return state;
    case 'ConversationQueued':
      if (state.status === 'none') return state;
      state.current.teamId = event.data.teamId;
      state.current.priority = event.data.priority;
      return withStatus('queued');
    case 'ConversationAssigned':
      if (state.status === 'none') return state;
      state.current.assigneeId = event.data.agentId;
      state.current.lastAssigneeId = event.data.agentId;
      return state.status === 'new' || state.status === 'queued' ? withStatus('assigned') : state;
    case 'ConversationTransferred':
      if (state.status === 'none') return state;
      state.current.assigneeId = event.data.toAgentId;
      state.current.lastAssigneeId = event.data.toAgentId;
      if (event.data.toTeamId) state.current.teamId = event.data.toTeamId;
      return withStatus(event.data.toAgentId ? 'assigned' : 'queued');
    case 'ConversationUnassigned':
      if (state.status === 'none') return state;
      state.current.assigneeId = null;
      state.current.lastAssigneeId = null;
      return withStatus(state.current.teamId ? 'queued' : 'new');
    case 'ConversationStatusChanged':
      return withStatus(event.data.to);
    case 'ConversationPriorityChanged':
      if (state.status !== 'none') state.current.priority = event.data.to;
      return state;
    case 'ConversationTagged':
      if (state.status !== 'none') state.current.tags.add(event.data.tag);
      return state;
    case 'ConversationUntagged':
      if (state.status !== 'none') state.current.tags.delete(event.data.tag);
      return state;
    case 'ConversationClosed':
      if (state.status === 'none') return state;
      state.current.assigneeId = null;
      return withStatus('closed');
    case 'ConversationReopened':
      if (state.status === 'none') return state;
      state.current.assigneeId = event.data.to === 'assigned' ? state.current.lastAssigneeId : null;
      return withStatus(event.data.to);
    case 'CsatRecorded': {
      if (state.status !== 'none' && state.current.conversationId === event.data.conversationId) {
        state.current.csatRecorded = true;
      } else {
        state.earlier.set(event.data.conversationId, { csatRecorded: true });
      }
      return state;
    }
    default:
      return assertNever(event);
  }
}

/**
 * A template message must name an approved template of the conversation's number and
 * give each of its parts exactly the parameters the template has (Meta refuses the send
 * otherwise, after the customer waited for nothing): a 422 with the reason.
 */
function ensureTemplateFits(content: Extract<OutboundContent, { type: 'template' }>, template: MessageTemplate | null) {
  const which = `template "${content.name}" (${content.languageCode})`;
  if (!template) throw unprocessable(`${which} is not registered for this conversation's WhatsApp number`);
  if (template.status !== 'approved') throw unprocessable(`${which} is ${template.status}, not approved`);
  const partOf = (type: string, index: number | null) => (type === 'button' ? `button ${index}` : type);
  const given = new Map<string, number>();
  for (const c of content.components) {
    const type = String(c.type ?? '').toLowerCase();
    const index = type === 'button' ? Number(c.index ?? 0) : null;
    const parameters = Array.isArray(c.parameters) ? c.parameters.length : 0;
    given.set(partOf(type, index), (given.get(partOf(type, index)) ?? 0) + parameters);
  }
  const wanted = new Map(template.components.map((c) => [partOf(c.type, c.index), c.parameters]));
  for (const [part, n] of wanted) {
    const got = given.get(part) ?? 0;
    if (got !== n) throw unprocessable(`${which}: the ${part} takes ${n} parameter${n === 1 ? '' : 's'}, the message gives ${got}`);
  }
  for (const [part, got] of given) {
    if (!wanted.has(part) && got > 0) throw unprocessable(`${which} has no ${part} with parameters, the message gives ${got}`);
  }
}

/** The wamid a send the Cloud API refused is filed under: it never got one of WhatsApp's. */
export const unsentWamid = (messageId: string) => `unsent.${messageId}`;

/**
 * One outcome per queued message, whatever the number of attempts: a repeated outcome
 * (a retried job, a worker that crashed after recording) changes nothing. A sent
 * message's `sent` status is its acceptance; WhatsApp's own `sent` webhook then repeats it.
 */
function decideSendOutcome(command: Extract<ThreadCommand, { type: 'RecordSendOutcome' }>, state: ThreadState): ThreadEvent[] {
  const queued = state.queued.get(command.messageId);
  if (queued === undefined) throw notFound(`message ${command.messageId} was not queued in this thread`);
  if (state.seen.has(`out:${command.messageId}`)) return [];
  const base = {
    messageId: command.messageId,
    conversationId: queued,
    recipientId: command.recipientId,
    at: command.outcome.at,
    pricing: null,
    whatsappConversation: null,
  };
  const { outcome } = command;
  if (outcome.kind === 'sent') return [{ type: 'MessageSent', data: { ...base, wamid: outcome.wamid } }];
  return [
    {
      type: 'MessageFailed',
      data: {
        ...base,
        wamid: unsentWamid(command.messageId),
        errorCode: outcome.error.code,
        errorTitle: outcome.error.title,
        errorDetails: outcome.error.details,
      },
    },
  ];
}

export const threadDecider: Decider<ThreadCommand, ThreadState, ThreadEvent> = {
  initialState: () => ({ status: 'none', lastSeq: 0, lastInboundAt: null, seen: new Set(), earlier: new Map(), queued: new Map() }),
  decide(command, state) {
    if (command.type === 'RecordWhatsAppActivity') return decideActivity(command, state);
    if (command.type === 'RecordSendOutcome') return decideSendOutcome(command, state);
    return decideOnConversation(command, state);
  },
  evolve,
};
