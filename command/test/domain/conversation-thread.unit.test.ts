import { eventCatalog } from '@parley/events';
import { describe, expect, it } from 'vitest';
import {
  type ActingUser,
  type Conversation,
  CUSTOMER_SERVICE_WINDOW_MS,
  type InboundItem,
  type StatusItem,
  type StatusKind,
  type TargetUser,
  type ThreadCommand,
  type ThreadEvent,
  type ThreadState,
  threadDecider,
} from '../../src/domain/conversation-thread.ts';
import { conversationIdFor, deterministicId, threadKeyFor } from '../../src/domain/ids.ts';
import type { MessageTemplate } from '../../src/domain/whatsapp-number.ts';
import { rejection, history as runHistory } from './decider-testing.ts';

// ---------------------------------------------------------------- fixtures

const TENANT = '11111111-1111-4111-8111-111111111111';
const CONTACT = '22222222-2222-4222-8222-222222222222';
const NUMBER = '33333333-3333-4333-8333-333333333333';
const PHONE_NUMBER_ID = '106540352242922';
const CUSTOMER = '16315551234';
const THREAD_KEY = threadKeyFor(TENANT, PHONE_NUMBER_ID, CONTACT);

const AGENT_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const AGENT_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const SUPERVISOR = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const ADMIN = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
const ANALYST = 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee';
const TEAM = 'f0000000-0000-4000-8000-000000000001';
const OTHER_TEAM = 'f0000000-0000-4000-8000-000000000002';
const NOTE = '99999999-9999-4999-8999-999999999999';
const OUTBOUND = '88888888-8888-4888-8888-888888888888';

const agentA: ActingUser = { userId: AGENT_A, role: 'agent' };
const agentB: ActingUser = { userId: AGENT_B, role: 'agent' };
const supervisor: ActingUser = { userId: SUPERVISOR, role: 'supervisor' };
const admin: ActingUser = { userId: ADMIN, role: 'admin' };
const analyst: ActingUser = { userId: ANALYST, role: 'analyst' };

const target = (user: ActingUser, teams: string[] = [], active = true): TargetUser => ({ userId: user.userId, role: user.role, teams, active });

/** WhatsApp's timestamp of the first customer message. */
const T0 = '2024-05-31T16:08:37.000Z';
const at = (iso: string, plusMs: number) => new Date(Date.parse(iso) + plusMs);
const isoAt = (iso: string, plusMs: number) => at(iso, plusMs).toISOString();
const HOUR = 60 * 60 * 1000;

const conv = (seq: number) => conversationIdFor(THREAD_KEY, seq);

// ---------------------------------------------------------------- command builders

function text(wamid: string, sentAt = T0, body = 'hello'): InboundItem {
  return {
    wamid,
    messageId: deterministicId('message', wamid),
    sentAt,
    profileName: 'Ada',
    content: { type: 'text', body },
    replyTo: null,
    referral: null,
  };
}

function reaction(wamid: string, targetWamid: string, sentAt = T0): InboundItem {
  return { ...text(wamid, sentAt), content: { type: 'reaction', targetWamid, emoji: '👍' } };
}

const PRICING = { billable: true, pricingModel: 'PMP', category: 'service', type: 'free_customer_service' };
const WA_CONVERSATION = { id: 'wa-conv-1', originType: 'service', expiresAt: '2024-06-01T16:08:37.000Z' };

function status(kind: StatusKind, wamid: string, error: StatusItem['error'] = null): StatusItem {
  return { kind, wamid, recipientId: CUSTOMER, at: '2024-05-31T16:10:00.000Z', pricing: PRICING, whatsappConversation: WA_CONVERSATION, error };
}

function activity(messages: InboundItem[], statuses: StatusItem[] = []): ThreadCommand {
  return { type: 'RecordWhatsAppActivity', threadKey: THREAD_KEY, contactId: CONTACT, numberId: NUMBER, phoneNumberId: PHONE_NUMBER_ID, messages, statuses };
}

const inbound = (...messages: InboundItem[]) => activity(messages);

const assign = (by: ActingUser, agent: TargetUser | null, conversationId = conv(1), agentId = agent?.userId ?? AGENT_B): ThreadCommand => ({
  type: 'Assign',
  by,
  conversationId,
  agent,
  agentId,
});

const queue = (by: ActingUser, teamId = TEAM, teamExists = true, conversationId = conv(1)): ThreadCommand => ({
  type: 'Queue',
  by,
  conversationId,
  teamId,
  teamExists,
});

function transfer(
  by: ActingUser,
  to: { agent?: TargetUser | null; agentId?: string | null; teamId?: string | null; teamExists?: boolean },
  conversationId = conv(1),
): ThreadCommand {
  return {
    type: 'Transfer',
    by,
    conversationId,
    toAgentId: to.agentId !== undefined ? to.agentId : (to.agent?.userId ?? null),
    toAgent: to.agent ?? null,
    toTeamId: to.teamId ?? null,
    toTeamExists: to.teamExists ?? true,
    note: 'over to you',
  };
}

const unassign = (by: ActingUser, conversationId = conv(1)): ThreadCommand => ({ type: 'Unassign', by, conversationId });
const setStatus = (by: ActingUser, to: 'assigned' | 'pending_customer' | 'pending_agent', conversationId = conv(1)): ThreadCommand => ({
  type: 'SetStatus',
  by,
  conversationId,
  to,
});
const setPriority = (by: ActingUser, priority: 'low' | 'normal' | 'high' | 'urgent', conversationId = conv(1)): ThreadCommand => ({
  type: 'SetPriority',
  by,
  conversationId,
  priority,
});
const tag = (by: ActingUser, name: string, conversationId = conv(1)): ThreadCommand => ({ type: 'Tag', by, conversationId, tag: name });
const untag = (by: ActingUser, name: string, conversationId = conv(1)): ThreadCommand => ({ type: 'Untag', by, conversationId, tag: name });
const note = (by: ActingUser, conversationId = conv(1)): ThreadCommand => ({ type: 'AddNote', by, conversationId, noteId: NOTE, body: 'private note' });
const close = (by: ActingUser, conversationId = conv(1)): ThreadCommand => ({ type: 'Close', by, conversationId, reason: 'resolved', outcome: 'sale' });
const reopen = (by: ActingUser, conversationId = conv(1), inactiveUserIds: ReadonlySet<string> = new Set()): ThreadCommand => ({
  type: 'Reopen',
  by,
  conversationId,
  inactiveUserIds,
});
const csat = (by: ActingUser, conversationId = conv(1), score = 5): ThreadCommand => ({ type: 'RecordCsat', by, conversationId, score, comment: 'great' });
const sendText = (by: ActingUser, now: Date, conversationId = conv(1)): ThreadCommand => ({
  type: 'SendMessage',
  by,
  conversationId,
  messageId: OUTBOUND,
  content: { type: 'text', body: 'how can I help?', previewUrl: false },
  now,
});
const sendTemplate = (by: ActingUser, now: Date, conversationId = conv(1)): ThreadCommand => ({
  type: 'SendMessage',
  by,
  conversationId,
  messageId: OUTBOUND,
  content: { type: 'template', name: 'follow_up', languageCode: 'en', components: [] },
  now,
  // The number's registry as the handler looks it up: approved, without parameters.
  template: { name: 'follow_up', language: 'en', category: 'utility', status: 'approved', components: [] },
});

// ---------------------------------------------------------------- helpers

/** Evolve mutates: every call starts from a fresh initial state. */
const fold = (events: ThreadEvent[]): ThreadState => events.reduce(threadDecider.evolve, threadDecider.initialState());

/** Runs decide + evolve for each command in turn; returns the final state and every event decided. */
const history = (...commands: ThreadCommand[]) => runHistory(threadDecider, commands);

const given = (...commands: ThreadCommand[]): ThreadState => history(...commands).state;

const decide = (state: ThreadState, command: ThreadCommand) => threadDecider.decide(command, state);

function current(state: ThreadState): Conversation {
  if (state.status === 'none') throw new Error('no conversation in this thread');
  return state.current;
}

/** A deep, comparable picture of a state: Sets and Maps as sorted arrays. */
function snapshot(state: ThreadState): string {
  return JSON.stringify(state, (_key, value: unknown) => {
    if (value instanceof Set) return [...value].map(String).sort();
    if (value instanceof Map) return [...value.entries()].sort(([a], [b]) => String(a).localeCompare(String(b)));
    return value;
  });
}

const types = (events: ThreadEvent[]) => events.map((e) => e.type);

// Situations reached through commands.
const openThread = () => given(inbound(text('wamid.1')));
const assignedToA = () => given(inbound(text('wamid.1')), assign(supervisor, target(agentA)));
const closedAfterA = () => given(inbound(text('wamid.1')), assign(supervisor, target(agentA)), close(agentA));
/** Conversation 1 closed, conversation 2 opened by a later message. */
const secondOpened = () => given(inbound(text('wamid.1')), close(admin), inbound(text('wamid.2', isoAt(T0, HOUR))));

// ---------------------------------------------------------------- inbound activity

describe('thread decider: inbound messages', () => {
  it('opens conversation 1 on an empty thread, then records the message', () => {
    const events = decide(threadDecider.initialState(), inbound(text('wamid.1')));
    expect(types(events)).toEqual(['ConversationOpened', 'MessageReceived']);
    expect(events[0]).toEqual({
      type: 'ConversationOpened',
      data: { conversationId: conv(1), contactId: CONTACT, numberId: NUMBER, phoneNumberId: PHONE_NUMBER_ID, origin: 'inbound' },
    });
    expect(events[1]).toEqual({
      type: 'MessageReceived',
      data: {
        conversationId: conv(1),
        messageId: deterministicId('message', 'wamid.1'),
        wamid: 'wamid.1',
        contactId: CONTACT,
        profileName: 'Ada',
        sentAt: T0,
        content: { type: 'text', body: 'hello' },
        replyTo: null,
        referral: null,
      },
    });
    const state = fold(events);
    expect(state.status).toBe('new');
    expect(state.lastSeq).toBe(1);
    expect(state.lastInboundAt).toBe(T0);
    expect(current(state).conversationId).toBe(conv(1));
  });

  it('puts a second message into the same conversation', () => {
    const events = decide(openThread(), inbound(text('wamid.2', isoAt(T0, 60_000))));
    expect(types(events)).toEqual(['MessageReceived']);
    expect(events[0]?.data.conversationId).toBe(conv(1));
  });

  it('puts several new messages of one command into one new conversation', () => {
    const events = decide(threadDecider.initialState(), inbound(text('wamid.1'), text('wamid.2')));
    expect(types(events)).toEqual(['ConversationOpened', 'MessageReceived', 'MessageReceived']);
    expect(events.every((e) => e.data.conversationId === conv(1))).toBe(true);
  });

  it('ignores a redelivered wamid', () => {
    expect(decide(openThread(), inbound(text('wamid.1')))).toEqual([]);
  });

  it('records the same wamid twice in one command once', () => {
    const events = decide(threadDecider.initialState(), inbound(text('wamid.1'), text('wamid.1')));
    expect(types(events)).toEqual(['ConversationOpened', 'MessageReceived']);
  });

  it('moves a pending_customer conversation to pending_agent when the customer writes', () => {
    const state = given(inbound(text('wamid.1')), assign(agentA, target(agentA)), sendText(agentA, at(T0, HOUR)));
    expect(state.status).toBe('pending_customer');
    const events = decide(state, inbound(text('wamid.2', isoAt(T0, 2 * HOUR))));
    expect(events).toEqual([
      expect.objectContaining({ type: 'MessageReceived' }),
      { type: 'ConversationStatusChanged', data: { conversationId: conv(1), from: 'pending_customer', to: 'pending_agent' } },
    ]);
    expect(events.reduce(threadDecider.evolve, state).status).toBe('pending_agent');
  });

  it('changes pending_customer to pending_agent once for several messages', () => {
    const state = given(inbound(text('wamid.1')), assign(agentA, target(agentA)), sendText(agentA, at(T0, HOUR)));
    const events = decide(state, inbound(text('wamid.2'), text('wamid.3')));
    expect(types(events)).toEqual(['MessageReceived', 'ConversationStatusChanged', 'MessageReceived']);
  });

  it('opens conversation 2 when the customer writes after a close', () => {
    const state = closedAfterA();
    const events = decide(state, inbound(text('wamid.2', isoAt(T0, HOUR))));
    expect(types(events)).toEqual(['ConversationOpened', 'MessageReceived']);
    expect(events[0]?.data.conversationId).toBe(conv(2));
    expect(events[1]?.data.conversationId).toBe(conv(2));
    const after = events.reduce(threadDecider.evolve, state);
    expect(after.status).toBe('new');
    expect(after.lastSeq).toBe(2);
    expect(current(after)).toMatchObject({ conversationId: conv(2), assigneeId: null, teamId: null, priority: 'normal' });
    expect(after.earlier.has(conv(1))).toBe(true);
  });

  it('does not open a new conversation for a reaction after a close: it lands on the latest, closed one', () => {
    const state = closedAfterA();
    const events = decide(state, inbound(reaction('wamid.r', 'wamid.1', isoAt(T0, HOUR))));
    expect(types(events)).toEqual(['MessageReceived']);
    expect(events[0]?.data.conversationId).toBe(conv(1));
    const after = events.reduce(threadDecider.evolve, state);
    expect(after.status).toBe('closed');
    expect(after.lastSeq).toBe(1);
  });

  it('opens a conversation for a reaction on an empty thread', () => {
    const events = decide(threadDecider.initialState(), inbound(reaction('wamid.r', 'wamid.0')));
    expect(types(events)).toEqual(['ConversationOpened', 'MessageReceived']);
  });

  it('keeps the latest customer timestamp as lastInboundAt, even when messages arrive out of order', () => {
    const later = isoAt(T0, HOUR);
    const state = given(inbound(text('wamid.2', later)), inbound(text('wamid.1', T0)));
    expect(state.lastInboundAt).toBe(later);
  });
});

describe('thread decider: statuses', () => {
  const cases = [
    ['sent', 'MessageSent'],
    ['delivered', 'MessageDelivered'],
    ['read', 'MessageRead'],
  ] as const;
  for (const [kind, type] of cases) {
    it(`maps a ${kind} status to ${type}, keeping pricing`, () => {
      const events = decide(threadDecider.initialState(), activity([], [status(kind, 'wamid.out')]));
      expect(events).toEqual([
        {
          type,
          data: {
            wamid: 'wamid.out',
            messageId: null,
            conversationId: null,
            recipientId: CUSTOMER,
            at: '2024-05-31T16:10:00.000Z',
            pricing: PRICING,
            whatsappConversation: WA_CONVERSATION,
          },
        },
      ]);
    });
  }

  it('maps a failed status to MessageFailed with its error, keeping pricing', () => {
    const events = decide(
      threadDecider.initialState(),
      activity([], [status('failed', 'wamid.out', { code: 131047, title: 'Re-engagement message', details: 'window closed' })]),
    );
    expect(events).toEqual([
      {
        type: 'MessageFailed',
        data: expect.objectContaining({
          wamid: 'wamid.out',
          pricing: PRICING,
          whatsappConversation: WA_CONVERSATION,
          errorCode: 131047,
          errorTitle: 'Re-engagement message',
          errorDetails: 'window closed',
        }),
      },
    ]);
  });

  it('gives a failed status without an error code 0', () => {
    const events = decide(threadDecider.initialState(), activity([], [status('failed', 'wamid.out')]));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'MessageFailed', data: { errorCode: 0, errorDetails: null } });
  });

  it('drops a repeated wamid + status, across commands and within one', () => {
    const state = given(activity([], [status('delivered', 'wamid.out')]));
    expect(decide(state, activity([], [status('delivered', 'wamid.out')]))).toEqual([]);
    const twice = decide(threadDecider.initialState(), activity([], [status('read', 'wamid.out'), status('read', 'wamid.out')]));
    expect(types(twice)).toEqual(['MessageRead']);
  });

  it('records each status kind of one wamid', () => {
    const state = given(activity([], [status('sent', 'wamid.out')]));
    const events = decide(state, activity([], [status('sent', 'wamid.out'), status('delivered', 'wamid.out'), status('read', 'wamid.out')]));
    expect(types(events)).toEqual(['MessageDelivered', 'MessageRead']);
  });

  it('does not open a conversation for statuses alone', () => {
    const state = given(activity([], [status('sent', 'wamid.out')]));
    expect(state.status).toBe('none');
    expect(state.lastSeq).toBe(0);
  });
});

// ---------------------------------------------------------------- purity

describe('thread decider: decide is pure', () => {
  const commands: Array<[string, () => ThreadState, ThreadCommand]> = [
    ['inbound on an empty thread', () => threadDecider.initialState(), activity([text('wamid.1')], [status('sent', 'wamid.out')])],
    ['redelivery plus new message and statuses', openThread, activity([text('wamid.1'), text('wamid.2')], [status('failed', 'wamid.out')])],
    ['inbound after close', closedAfterA, inbound(text('wamid.2', isoAt(T0, HOUR)))],
    [
      'inbound on pending_customer',
      () => given(inbound(text('wamid.1')), assign(agentA, target(agentA)), sendText(agentA, at(T0, HOUR))),
      inbound(text('wamid.2')),
    ],
    ['assign', openThread, assign(agentA, target(agentA))],
    ['transfer', assignedToA, transfer(supervisor, { teamId: TEAM })],
    ['tag', assignedToA, tag(agentA, 'vip')],
    ['send', assignedToA, sendText(agentA, at(T0, HOUR))],
    ['reopen', closedAfterA, reopen(admin)],
    ['csat', closedAfterA, csat(admin)],
  ];
  for (const [name, situation, command] of commands) {
    it(`does not change the state it is given: ${name}`, () => {
      const state = situation();
      const before = snapshot(state);
      const events = decide(state, command);
      expect(events.length).toBeGreaterThan(0);
      expect(snapshot(state)).toBe(before);
    });
  }

  it('emits only events their catalog schema accepts', () => {
    const { events } = history(
      activity([text('wamid.1')], [status('sent', 'wamid.out'), status('failed', 'wamid.x')]),
      queue(supervisor),
      assign(agentA, target(agentA, [TEAM])),
      sendText(agentA, at(T0, HOUR)),
      inbound(text('wamid.2', isoAt(T0, 2 * HOUR))),
      setPriority(agentA, 'high'),
      tag(agentA, 'vip'),
      untag(agentA, 'vip'),
      note(agentA),
      transfer(supervisor, { agent: target(agentB), teamId: OTHER_TEAM }),
      setStatus(agentB, 'pending_customer'),
      unassign(supervisor),
      close(admin),
      reopen(admin),
      close(admin),
      csat(admin),
      inbound(text('wamid.3', isoAt(T0, 3 * HOUR))),
    );
    expect(events.length).toBeGreaterThan(15);
    for (const event of events) {
      const [, schema] = eventCatalog[event.type];
      expect(schema.safeParse(event.data).success, event.type).toBe(true);
    }
  });
});

// ---------------------------------------------------------------- assignment and roles

describe('thread decider: assign', () => {
  it('lets an agent assign an unassigned conversation to themselves', () => {
    expect(decide(openThread(), assign(agentA, target(agentA)))).toEqual([
      { type: 'ConversationAssigned', data: { conversationId: conv(1), agentId: AGENT_A, teamId: null } },
    ]);
    const state = given(inbound(text('wamid.1')), assign(agentA, target(agentA)));
    expect(state.status).toBe('assigned');
    expect(current(state).assigneeId).toBe(AGENT_A);
  });

  it('carries the team of a queued conversation into the assignment', () => {
    const state = given(inbound(text('wamid.1')), queue(supervisor));
    expect(state.status).toBe('queued');
    expect(decide(state, assign(agentA, target(agentA, [TEAM])))).toEqual([
      { type: 'ConversationAssigned', data: { conversationId: conv(1), agentId: AGENT_A, teamId: TEAM } },
    ]);
  });

  it('forbids an agent to assign a conversation to someone else', () => {
    expect(rejection(() => decide(openThread(), assign(agentA, target(agentB)))).status).toBe(403);
  });

  it('refuses to assign to an analyst', () => {
    expect(rejection(() => decide(openThread(), assign(supervisor, target(analyst)))).status).toBe(422);
  });

  it('refuses to assign to a user who is not in the tenant', () => {
    expect(rejection(() => decide(openThread(), assign(supervisor, null, conv(1), AGENT_B))).status).toBe(422);
  });

  it('refuses to assign a conversation assigned to another agent, pointing at transfer', () => {
    const error = rejection(() => decide(assignedToA(), assign(supervisor, target(agentB))));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/transfer/);
  });

  it('does nothing when assigning to the agent who already has it', () => {
    expect(decide(assignedToA(), assign(supervisor, target(agentA)))).toEqual([]);
    expect(decide(assignedToA(), assign(agentA, target(agentA)))).toEqual([]);
  });

  it('lets supervisors and admins assign to others', () => {
    expect(types(decide(openThread(), assign(supervisor, target(agentB))))).toEqual(['ConversationAssigned']);
    expect(types(decide(openThread(), assign(admin, target(agentB))))).toEqual(['ConversationAssigned']);
  });
});

describe('thread decider: who may act', () => {
  it("forbids an agent to act on another agent's conversation", () => {
    const error = rejection(() => decide(assignedToA(), tag(agentB, 'vip')));
    expect(error.status).toBe(403);
    expect(rejection(() => decide(assignedToA(), assign(agentB, target(agentB)))).status).toBe(403);
    expect(rejection(() => decide(assignedToA(), close(agentB))).status).toBe(403);
  });

  it("lets a supervisor and an admin act on an agent's conversation", () => {
    expect(types(decide(assignedToA(), tag(supervisor, 'vip')))).toEqual(['ConversationTagged']);
    expect(types(decide(assignedToA(), setPriority(admin, 'urgent')))).toEqual(['ConversationPriorityChanged']);
  });

  it('lets an agent act on an unassigned conversation', () => {
    expect(types(decide(openThread(), tag(agentB, 'vip')))).toEqual(['ConversationTagged']);
  });

  it('forbids an analyst to act on conversations, even unassigned ones', () => {
    expect(rejection(() => decide(openThread(), tag(analyst, 'vip'))).status).toBe(403);
    expect(rejection(() => decide(assignedToA(), setPriority(analyst, 'high'))).status).toBe(403);
    expect(rejection(() => decide(openThread(), note(analyst))).status).toBe(403);
  });
});

describe('thread decider: queue', () => {
  it('queues an unassigned conversation on a team', () => {
    expect(decide(openThread(), queue(supervisor))).toEqual([
      { type: 'ConversationQueued', data: { conversationId: conv(1), teamId: TEAM, priority: 'normal' } },
    ]);
  });

  it('refuses an unknown team, an assigned conversation, and is a no-op for the same team', () => {
    expect(rejection(() => decide(openThread(), queue(supervisor, TEAM, false))).status).toBe(422);
    expect(rejection(() => decide(assignedToA(), queue(supervisor))).status).toBe(409);
    expect(decide(given(inbound(text('wamid.1')), queue(supervisor)), queue(supervisor))).toEqual([]);
  });
});

describe('thread decider: transfer', () => {
  it('to a team only queues the conversation without an assignee', () => {
    const state = assignedToA();
    const events = decide(state, transfer(supervisor, { teamId: TEAM }));
    expect(events).toEqual([
      {
        type: 'ConversationTransferred',
        data: { conversationId: conv(1), fromAgentId: AGENT_A, fromTeamId: null, toAgentId: null, toTeamId: TEAM, note: 'over to you' },
      },
    ]);
    const after = events.reduce(threadDecider.evolve, state);
    expect(after.status).toBe('queued');
    expect(current(after)).toMatchObject({ assigneeId: null, teamId: TEAM });
  });

  it('to a team only, then close and reopen, goes back to the queue, not to the previous agent', () => {
    const state = given(inbound(text('wamid.1')), assign(supervisor, target(agentA)), transfer(supervisor, { teamId: TEAM }), close(supervisor));
    const events = decide(state, reopen(supervisor));
    expect(events).toEqual([{ type: 'ConversationReopened', data: { conversationId: conv(1), to: 'queued' } }]);
    const after = events.reduce(threadDecider.evolve, state);
    expect(after.status).toBe('queued');
    expect(current(after).assigneeId).toBeNull();
  });

  it('to an agent assigns it to them', () => {
    const state = given(inbound(text('wamid.1')), assign(supervisor, target(agentA)), transfer(agentA, { agent: target(agentB) }));
    expect(state.status).toBe('assigned');
    expect(current(state).assigneeId).toBe(AGENT_B);
  });

  it('to an agent and a team sets both', () => {
    const state = given(inbound(text('wamid.1')), assign(supervisor, target(agentA)), transfer(supervisor, { agent: target(agentB), teamId: TEAM }));
    expect(state.status).toBe('assigned');
    expect(current(state)).toMatchObject({ assigneeId: AGENT_B, teamId: TEAM });
  });

  it('needs an agent or a team', () => {
    expect(rejection(() => decide(assignedToA(), transfer(supervisor, {}))).status).toBe(422);
  });

  it('refuses an unknown team', () => {
    expect(rejection(() => decide(assignedToA(), transfer(supervisor, { teamId: OTHER_TEAM, teamExists: false }))).status).toBe(422);
  });

  it('refuses an unknown or analyst target agent', () => {
    expect(rejection(() => decide(assignedToA(), transfer(supervisor, { agent: null, agentId: AGENT_B }))).status).toBe(422);
    expect(rejection(() => decide(assignedToA(), transfer(supervisor, { agent: target(analyst) }))).status).toBe(422);
  });

  it('refuses a transfer to the agent who already has it', () => {
    expect(rejection(() => decide(assignedToA(), transfer(supervisor, { agent: target(agentA) }))).status).toBe(409);
  });
});

describe('thread decider: giving a conversation to someone (assign and transfer, one rule)', () => {
  it('lets an agent give a conversation to someone else only when it is theirs, whichever command they use', () => {
    // Nobody holds it: the agent may take it, by assign or transfer, but not route it to a colleague.
    expect(rejection(() => decide(openThread(), assign(agentA, target(agentB)))).status).toBe(403);
    expect(rejection(() => decide(openThread(), transfer(agentA, { agent: target(agentB) }))).status).toBe(403);
    expect(rejection(() => decide(openThread(), transfer(agentA, { agent: target(supervisor), teamId: TEAM }))).status).toBe(403);
    expect(types(decide(openThread(), transfer(agentA, { agent: target(agentA) })))).toEqual(['ConversationTransferred']);
    // Routing to a team gives it to nobody: the same as queueing it.
    expect(types(decide(openThread(), transfer(agentA, { teamId: TEAM })))).toEqual(['ConversationTransferred']);
    // Theirs: they may hand it over, with transfer.
    expect(types(decide(assignedToA(), transfer(agentA, { agent: target(agentB) })))).toEqual(['ConversationTransferred']);
    const viaAssign = rejection(() => decide(assignedToA(), assign(agentA, target(agentB))));
    expect(viaAssign.status).toBe(409);
    expect(viaAssign.message).toMatch(/transfer/);
    // Supervisors and admins route any conversation.
    expect(types(decide(openThread(), transfer(supervisor, { agent: target(agentB) })))).toEqual(['ConversationTransferred']);
    expect(types(decide(assignedToA(), transfer(admin, { agent: target(agentB) })))).toEqual(['ConversationTransferred']);
  });

  it("leaves an agent nothing to do with another agent's conversation: no transfer, queue, unassign, assign or reopen", () => {
    const theirs = [
      transfer(agentB, { agent: target(agentB) }),
      transfer(agentB, { teamId: TEAM }),
      queue(agentB),
      unassign(agentB),
      assign(agentB, target(agentB)),
    ];
    for (const command of theirs) expect(rejection(() => decide(assignedToA(), command)).status, command.type).toBe(403);
    expect(rejection(() => decide(closedAfterA(), reopen(agentB))).status).toBe(403);
    // The hole this closes: the same agent, on a conversation nobody holds, naming a colleague.
    expect(rejection(() => decide(openThread(), transfer(agentB, { agent: target(agentA), teamId: TEAM }))).status).toBe(403);
  });

  it('gives nothing to a deactivated user, by assign or transfer, whoever asks', () => {
    const gone = target(agentB, [TEAM], false);
    for (const command of [assign(supervisor, gone), transfer(supervisor, { agent: gone }), transfer(admin, { agent: gone, teamId: TEAM })]) {
      const error = rejection(() => decide(openThread(), command));
      expect(error.status, command.type).toBe(422);
      expect(error.message).toMatch(/deactivated/);
    }
    expect(rejection(() => decide(assignedToA(), transfer(supervisor, { agent: gone }))).status).toBe(422);
    expect(rejection(() => decide(openThread(), assign(agentB, gone))).status).toBe(422);
  });

  it("reopens a deactivated agent's conversation to its team's queue (or new), not to them", () => {
    const queuedThenA = given(inbound(text('wamid.1')), queue(supervisor), assign(agentA, target(agentA, [TEAM])), close(agentA));
    const events = decide(queuedThenA, reopen(supervisor, conv(1), new Set([AGENT_A])));
    expect(events).toEqual([{ type: 'ConversationReopened', data: { conversationId: conv(1), to: 'queued' } }]);
    const after = events.reduce(threadDecider.evolve, queuedThenA);
    expect(after.status).toBe('queued');
    expect(current(after).assigneeId).toBeNull();
    expect(decide(closedAfterA(), reopen(admin, conv(1), new Set([AGENT_A])))).toEqual([
      { type: 'ConversationReopened', data: { conversationId: conv(1), to: 'new' } },
    ]);
    // Another agent's deactivation changes nothing.
    expect(decide(closedAfterA(), reopen(admin, conv(1), new Set([AGENT_B])))).toEqual([
      { type: 'ConversationReopened', data: { conversationId: conv(1), to: 'assigned' } },
    ]);
  });
});

describe('thread decider: unassign', () => {
  it('sends a conversation with a team back to the queue', () => {
    const state = given(inbound(text('wamid.1')), queue(supervisor), assign(agentA, target(agentA, [TEAM])));
    const events = decide(state, unassign(agentA));
    expect(events).toEqual([{ type: 'ConversationUnassigned', data: { conversationId: conv(1), agentId: AGENT_A } }]);
    const after = events.reduce(threadDecider.evolve, state);
    expect(after.status).toBe('queued');
    expect(current(after).assigneeId).toBeNull();
  });

  it('sends a conversation without a team back to new', () => {
    const after = given(inbound(text('wamid.1')), assign(agentA, target(agentA)), unassign(supervisor));
    expect(after.status).toBe('new');
    expect(current(after).assigneeId).toBeNull();
  });

  it('refuses when nobody has it', () => {
    expect(rejection(() => decide(openThread(), unassign(supervisor))).status).toBe(409);
  });
});

// ---------------------------------------------------------------- status, priority, tags

describe('thread decider: status, priority and tags', () => {
  it('refuses a status change without an assignee', () => {
    expect(rejection(() => decide(openThread(), setStatus(supervisor, 'pending_agent'))).status).toBe(409);
  });

  it('changes the status of an assigned conversation, and is a no-op for the same status', () => {
    expect(decide(assignedToA(), setStatus(agentA, 'pending_customer'))).toEqual([
      { type: 'ConversationStatusChanged', data: { conversationId: conv(1), from: 'assigned', to: 'pending_customer' } },
    ]);
    expect(decide(assignedToA(), setStatus(agentA, 'assigned'))).toEqual([]);
  });

  it('changes the priority, and is a no-op for the same priority', () => {
    expect(decide(openThread(), setPriority(supervisor, 'normal'))).toEqual([]);
    expect(decide(openThread(), setPriority(supervisor, 'urgent'))).toEqual([
      { type: 'ConversationPriorityChanged', data: { conversationId: conv(1), from: 'normal', to: 'urgent' } },
    ]);
    const state = given(inbound(text('wamid.1')), setPriority(supervisor, 'urgent'));
    expect(decide(state, setPriority(supervisor, 'urgent'))).toEqual([]);
  });

  it('tags once', () => {
    const { events } = history(inbound(text('wamid.1')), tag(agentA, 'vip'), tag(agentA, 'vip'));
    expect(events.filter((e) => e.type === 'ConversationTagged')).toEqual([{ type: 'ConversationTagged', data: { conversationId: conv(1), tag: 'vip' } }]);
  });

  it('untags a present tag, and is a no-op for a missing one', () => {
    expect(decide(openThread(), untag(agentA, 'vip'))).toEqual([]);
    const state = given(inbound(text('wamid.1')), tag(agentA, 'vip'));
    expect(decide(state, untag(agentA, 'vip'))).toEqual([{ type: 'ConversationUntagged', data: { conversationId: conv(1), tag: 'vip' } }]);
    const after = given(inbound(text('wamid.1')), tag(agentA, 'vip'), untag(agentA, 'vip'));
    expect(current(after).tags.size).toBe(0);
  });
});

// ---------------------------------------------------------------- sending

describe('thread decider: send, and the 24 h customer service window', () => {
  it('queues a text within 24 h and moves an assigned conversation to pending_customer', () => {
    expect(decide(assignedToA(), sendText(agentA, at(T0, HOUR)))).toEqual([
      {
        type: 'MessageQueued',
        data: { conversationId: conv(1), messageId: OUTBOUND, content: { type: 'text', body: 'how can I help?', previewUrl: false }, senderType: 'agent' },
      },
      { type: 'ConversationStatusChanged', data: { conversationId: conv(1), from: 'assigned', to: 'pending_customer' } },
    ]);
  });

  it('moves pending_agent to pending_customer too', () => {
    const state = given(inbound(text('wamid.1')), assign(agentA, target(agentA)), setStatus(agentA, 'pending_agent'));
    expect(decide(state, sendText(agentA, at(T0, HOUR)))[1]).toEqual({
      type: 'ConversationStatusChanged',
      data: { conversationId: conv(1), from: 'pending_agent', to: 'pending_customer' },
    });
  });

  it('queues a text on an unassigned conversation without a status change', () => {
    expect(types(decide(openThread(), sendText(supervisor, at(T0, HOUR))))).toEqual(['MessageQueued']);
  });

  it('does not change the status again when already pending_customer', () => {
    const state = given(inbound(text('wamid.1')), assign(agentA, target(agentA)), sendText(agentA, at(T0, HOUR)));
    expect(types(decide(state, sendText(agentA, at(T0, 2 * HOUR))))).toEqual(['MessageQueued']);
  });

  it('refuses a text more than 24 h after the last customer message', () => {
    const now = at(T0, CUSTOMER_SERVICE_WINDOW_MS + 1000);
    const error = rejection(() => decide(assignedToA(), sendText(agentA, now)));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/24/);
  });

  it('allows a text exactly at the 24 h boundary', () => {
    expect(types(decide(assignedToA(), sendText(agentA, at(T0, 24 * HOUR))))).toContain('MessageQueued');
  });

  it('counts the window from the latest customer message', () => {
    const state = given(inbound(text('wamid.1')), inbound(text('wamid.2', isoAt(T0, 10 * HOUR))));
    expect(types(decide(state, sendText(admin, at(T0, 30 * HOUR))))).toEqual(['MessageQueued']);
  });

  it('allows a template after 24 h', () => {
    const now = at(T0, CUSTOMER_SERVICE_WINDOW_MS + 1000);
    expect(decide(assignedToA(), sendTemplate(agentA, now))[0]).toMatchObject({
      type: 'MessageQueued',
      data: { content: { type: 'template', name: 'follow_up' } },
    });
  });

  it('refuses a marketing template while billing blocks marketing, and only a marketing one', () => {
    const now = at(T0, HOUR);
    const blocked = 'marketing template sends are suspended: the subscription has been past due since …';
    const marketing: MessageTemplate = { name: 'follow_up', language: 'en', category: 'marketing', status: 'approved', components: [] };
    const asSend = (c: ThreadCommand) => c as Extract<ThreadCommand, { type: 'SendMessage' }>;
    const error = rejection(() => decide(assignedToA(), { ...asSend(sendTemplate(agentA, now)), template: marketing, marketingBlocked: blocked }));
    expect(error.status).toBe(422);
    expect(error.message).toBe(blocked);
    expect(types(decide(assignedToA(), { ...asSend(sendTemplate(agentA, now)), template: marketing, marketingBlocked: null }))).toContain('MessageQueued');
    // A utility template and a reply go out whatever billing says.
    expect(types(decide(assignedToA(), { ...asSend(sendTemplate(agentA, now)), marketingBlocked: blocked }))).toContain('MessageQueued');
    expect(types(decide(assignedToA(), { ...asSend(sendText(agentA, now)), marketingBlocked: blocked }))).toContain('MessageQueued');
  });

  it('refuses a text when the customer never wrote', () => {
    const state = fold([
      {
        type: 'ConversationOpened',
        data: { conversationId: conv(1), contactId: CONTACT, numberId: NUMBER, phoneNumberId: PHONE_NUMBER_ID, origin: 'outbound' },
      },
    ]);
    expect(state.lastInboundAt).toBeNull();
    expect(rejection(() => decide(state, sendText(admin, at(T0, 0)))).status).toBe(422);
    expect(types(decide(state, sendTemplate(admin, at(T0, 0))))).toEqual(['MessageQueued']);
  });
});

// ---------------------------------------------------------------- close and reopen

describe('thread decider: close and reopen', () => {
  it('closes an open conversation', () => {
    expect(decide(assignedToA(), close(agentA))).toEqual([
      { type: 'ConversationClosed', data: { conversationId: conv(1), reason: 'resolved', outcome: 'sale' } },
    ]);
    const state = closedAfterA();
    expect(state.status).toBe('closed');
    expect(current(state)).toMatchObject({ assigneeId: null, lastAssigneeId: AGENT_A });
  });

  it('refuses to close a closed conversation', () => {
    const error = rejection(() => decide(closedAfterA(), close(agentA)));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/closed/);
  });

  it('refuses tag, assign and send on a closed conversation', () => {
    for (const command of [tag(agentA, 'vip'), assign(supervisor, target(agentB)), sendText(agentA, at(T0, HOUR)), sendTemplate(agentA, at(T0, HOUR))]) {
      const error = rejection(() => decide(closedAfterA(), command));
      expect(error.status, command.type).toBe(409);
      expect(error.message).toMatch(/closed/);
    }
  });

  it('refuses to reopen an open conversation', () => {
    expect(rejection(() => decide(openThread(), reopen(admin))).status).toBe(409);
    expect(rejection(() => decide(assignedToA(), reopen(agentA))).status).toBe(409);
  });

  it('reopens to the last agent', () => {
    const state = closedAfterA();
    const events = decide(state, reopen(agentA));
    expect(events).toEqual([{ type: 'ConversationReopened', data: { conversationId: conv(1), to: 'assigned' } }]);
    const after = events.reduce(threadDecider.evolve, state);
    expect(after.status).toBe('assigned');
    expect(current(after).assigneeId).toBe(AGENT_A);
  });

  it('reopens a never-assigned conversation to new', () => {
    expect(decide(given(inbound(text('wamid.1')), close(admin)), reopen(admin))).toEqual([
      { type: 'ConversationReopened', data: { conversationId: conv(1), to: 'new' } },
    ]);
  });

  it('refuses to reopen an earlier conversation', () => {
    const error = rejection(() => decide(secondOpened(), reopen(admin, conv(1))));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/newer conversation/);
  });
});

// ---------------------------------------------------------------- CSAT

describe('thread decider: CSAT', () => {
  it('refuses CSAT on an open conversation', () => {
    expect(rejection(() => decide(assignedToA(), csat(admin))).status).toBe(409);
  });

  it('records CSAT once a conversation is closed, and only once', () => {
    expect(decide(closedAfterA(), csat(admin))).toEqual([{ type: 'CsatRecorded', data: { conversationId: conv(1), score: 5, comment: 'great' } }]);
    const state = given(inbound(text('wamid.1')), close(admin), csat(admin));
    expect(rejection(() => decide(state, csat(admin))).status).toBe(409);
  });

  it('records CSAT on an earlier conversation once', () => {
    const state = secondOpened();
    const events = decide(state, csat(admin, conv(1)));
    expect(events).toEqual([{ type: 'CsatRecorded', data: { conversationId: conv(1), score: 5, comment: 'great' } }]);
    const after = events.reduce(threadDecider.evolve, state);
    expect(after.earlier.get(conv(1))).toEqual({ csatRecorded: true });
    expect(current(after).csatRecorded).toBe(false);
    expect(rejection(() => decide(after, csat(admin, conv(1)))).status).toBe(409);
  });

  it('remembers a CSAT recorded before the next conversation opened', () => {
    const state = given(inbound(text('wamid.1')), close(admin), csat(admin), inbound(text('wamid.2', isoAt(T0, HOUR))));
    expect(rejection(() => decide(state, csat(admin, conv(1)))).status).toBe(409);
  });
});

// ---------------------------------------------------------------- earlier and unknown conversations

describe('thread decider: earlier and unknown conversations', () => {
  it('accepts a note on an earlier conversation', () => {
    expect(decide(secondOpened(), note(agentA, conv(1)))).toEqual([
      { type: 'NoteAdded', data: { conversationId: conv(1), noteId: NOTE, body: 'private note' } },
    ]);
  });

  it('refuses other commands on an earlier conversation', () => {
    const commands = [
      tag(admin, 'vip', conv(1)),
      assign(admin, target(agentA), conv(1)),
      close(admin, conv(1)),
      setPriority(admin, 'high', conv(1)),
      sendTemplate(admin, at(T0, HOUR), conv(1)),
    ];
    for (const command of commands) {
      const error = rejection(() => decide(secondOpened(), command));
      expect(error.status, command.type).toBe(409);
      expect(error.message).toMatch(/newer conversation/);
    }
  });

  it('answers 404 for a conversation the thread does not know', () => {
    expect(rejection(() => decide(openThread(), tag(admin, 'vip', conv(2)))).status).toBe(404);
    expect(rejection(() => decide(openThread(), note(admin, conv(7)))).status).toBe(404);
    expect(rejection(() => decide(openThread(), csat(admin, '5b8f1f5e-3f5a-4c1e-9d7a-0a3b6c2d1e4f'))).status).toBe(404);
    expect(rejection(() => decide(threadDecider.initialState(), tag(admin, 'vip'))).status).toBe(404);
  });
});
