import { createHash, randomUUID } from 'node:crypto';
import type { CloseReason, OutboundContent, Position, Priority } from '@parley/events';
import type { Principal } from '@parley/kit';
import { notFound } from '@parley/kit';
import type { ThreadCommand, ThreadEvent, ThreadState } from '../domain/conversation-thread.ts';
import { deterministicId, parseConversationId, streams } from '../domain/ids.ts';
import type { CommandContext, CommandHandler } from '../handling/command-handler.ts';
import type { Tenancy } from './tenancy.ts';
import type { WhatsAppNumbers } from './whatsapp-numbers.ts';

/** A conversation command as the API takes it, before lookups. */
export type ConversationInput =
  | { type: 'SendMessage'; content: OutboundContent }
  | { type: 'Queue'; teamId: string }
  | { type: 'Assign'; agentId: string }
  | { type: 'Transfer'; toAgentId: string | null; toTeamId: string | null; note: string | null }
  | { type: 'Unassign' }
  | { type: 'SetStatus'; to: 'assigned' | 'pending_customer' | 'pending_agent' }
  | { type: 'SetPriority'; priority: Priority }
  | { type: 'Tag'; tag: string }
  | { type: 'Untag'; tag: string }
  | { type: 'AddNote'; body: string }
  | { type: 'Close'; reason: CloseReason; outcome: string | null }
  | { type: 'Reopen' }
  | { type: 'RecordCsat'; score: number; comment: string | null };

/** What the Cloud API answered for one send. */
export type SendOutcome = Extract<ThreadCommand, { type: 'RecordSendOutcome' }>['outcome'];

export type ThreadHandler = CommandHandler<ThreadCommand, ThreadState, ThreadEvent>;

export interface ConversationResult {
  position: Position;
  events: string[];
  /** Set when the command created something with an id of its own. */
  messageId?: string;
  noteId?: string;
}

/** Whether billing refuses a tenant's marketing sends now (dunning): the reason, or null. */
export interface MarketingGate {
  marketingBlock(tenantId: string, correlationId: string): Promise<string | null>;
}

export class Conversations {
  constructor(
    private readonly threads: ThreadHandler,
    private readonly tenancy: Tenancy,
    private readonly numbers: WhatsAppNumbers,
    private readonly billing: MarketingGate,
  ) {}

  /** The template a message names, as the conversation's number has it registered. */
  private async templateFor(threadKey: string, content: { name: string; languageCode: string }) {
    const { state } = await this.threads.load(streams.thread(threadKey));
    if (state.status === 'none') return null;
    return this.numbers.template(state.current.phoneNumberId, content.name, content.languageCode);
  }

  /**
   * Runs one command on a conversation. With an idempotency key the ids it creates and
   * its event ids derive from the key, so a client's retry stores nothing twice.
   */
  async execute(
    conversationId: string,
    principal: Principal,
    input: ConversationInput,
    context: CommandContext,
    idempotencyKey: string | null,
  ): Promise<ConversationResult> {
    const parsed = parseConversationId(conversationId);
    if (!parsed) throw notFound('conversation not found');
    // The key names one request: ids derive from it and from what was asked, so a retry
    // stores nothing twice and the same key on a different request is a new request.
    const requestHash = idempotencyKey ? createHash('sha256').update(JSON.stringify(input)).digest('hex') : '';
    const idFor = (what: string) =>
      idempotencyKey ? deterministicId(what, principal.tenantId, principal.userId, conversationId, idempotencyKey, requestHash) : randomUUID();
    const by = { userId: principal.userId, role: principal.role };
    const base = { conversationId, by };
    const directory = await this.tenancy.directory(principal.tenantId);
    let created: { messageId?: string; noteId?: string } = {};

    let command: ThreadCommand;
    switch (input.type) {
      case 'SendMessage': {
        const messageId = idFor('message');
        created = { messageId };
        const template = input.content.type === 'template' ? await this.templateFor(parsed.threadKey, input.content) : undefined;
        // Asked only for a marketing template: other sends cost no billing read.
        const marketingBlocked = template?.category === 'marketing' ? await this.billing.marketingBlock(principal.tenantId, context.correlationId) : null;
        command = { ...base, type: 'SendMessage', messageId, content: input.content, now: context.now, template, marketingBlocked };
        break;
      }
      case 'AddNote': {
        const noteId = idFor('note');
        created = { noteId };
        command = { ...base, type: 'AddNote', noteId, body: input.body };
        break;
      }
      case 'Queue':
        command = { ...base, ...input, teamExists: await directory.teamExists(input.teamId) };
        break;
      case 'Assign':
        command = { ...base, ...input, agent: await directory.user(input.agentId) };
        break;
      case 'Transfer':
        command = {
          ...base,
          ...input,
          toAgent: input.toAgentId === null ? null : await directory.user(input.toAgentId),
          toTeamExists: input.toTeamId === null ? false : await directory.teamExists(input.toTeamId),
        };
        break;
      case 'Reopen':
        command = { ...base, ...input, inactiveUserIds: directory.inactiveUserIds() };
        break;
      default:
        command = { ...base, ...input };
    }

    const result = await this.threads.handle(
      streams.thread(parsed.threadKey),
      command,
      { ...context, eventId: idempotencyKey ? (_e, i) => idFor(`event-${i}`) : undefined },
      { tenantScoped: true },
    );
    return { position: result.position, events: result.events.map((e) => e.type), ...created };
  }

  /**
   * Records what the Cloud API answered for a queued message. Its event ids derive from
   * the message, so a worker that retries after a lost answer appends nothing twice, and
   * the decider records one outcome per message whatever the number of attempts.
   */
  async recordSendOutcome(
    conversationId: string,
    messageId: string,
    recipientId: string,
    outcome: SendOutcome,
    context: CommandContext,
  ): Promise<{ position: Position; events: string[] }> {
    const parsed = parseConversationId(conversationId);
    if (!parsed) throw notFound('conversation not found');
    const result = await this.threads.handle(
      streams.thread(parsed.threadKey),
      { type: 'RecordSendOutcome', messageId, recipientId, outcome },
      { ...context, eventId: (_e, i) => deterministicId('send-outcome', context.tenantId, messageId, String(i)) },
      // The workers read the stream just before sending (Outbound.isRecorded): deciding on
      // that fold saves a read, and the expected revision catches anything appended since.
      // A recorded outcome never becomes unrecorded, so a no-op on the fold holds.
      { tenantScoped: true, freshness: 'cached' },
    );
    return { position: result.position, events: result.events.map((e) => e.type) };
  }
}
