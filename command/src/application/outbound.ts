import type { EventStore } from '@parley/events';
import { SecretBox } from '../auth/secret-box.ts';
import { threadDecider } from '../domain/conversation-thread.ts';
import { parseConversationId, streams } from '../domain/ids.ts';
import { type CommandContext, CommandHandler } from '../handling/command-handler.ts';
import { Conversations, type SendOutcome, type ThreadHandler } from './conversations.ts';
import { Tenancy } from './tenancy.ts';
import { type AttemptResult, WebhookSubscriptions } from './webhook-subscriptions.ts';
import { type SendingCredentials, WhatsAppNumbers } from './whatsapp-numbers.ts';

export type { AttemptResult, SendingCredentials, SendOutcome };

/** A queued message as the workers send it. */
export interface OutboundSend {
  tenantId: string;
  messageId: string;
  conversationId: string;
  phoneNumberId: string;
  recipient: string;
}

/**
 * The command side as the workers use it: credentials to send with, and every outcome
 * recorded as events through the same deciders as the API's commands.
 */
export class Outbound {
  private readonly numbers: WhatsAppNumbers;
  private readonly conversations: Conversations;
  private readonly threads: ThreadHandler;
  private readonly subscriptions: WebhookSubscriptions;

  constructor(
    store: EventStore,
    secretKey: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    const secrets = new SecretBox(secretKey);
    this.numbers = new WhatsAppNumbers(store, secrets, clock);
    // Creating subscriptions is the API's; the workers only sign and record attempts.
    this.subscriptions = new WebhookSubscriptions(store, secrets, { allowLoopback: false });
    this.threads = new CommandHandler(store, threadDecider, { cacheSize: 10_000 });
    // The workers only record the outcomes of sends the API already accepted: no billing check.
    this.conversations = new Conversations(this.threads, new Tenancy(store), this.numbers, { marketingBlock: async () => null });
  }

  private context(tenantId: string, correlationId: string): CommandContext {
    return { tenantId, actor: { type: 'system', id: 'workers' }, correlationId, causationId: null, now: this.clock() };
  }

  credentials(phoneNumberId: string): Promise<SendingCredentials | null> {
    return this.numbers.sendingCredentials(phoneNumberId);
  }

  async rejectToken(send: OutboundSend, credentials: SendingCredentials, reason: string): Promise<void> {
    await this.numbers.rejectAccessToken(send.phoneNumberId, credentials, reason, this.context(send.tenantId, send.messageId));
  }

  /** Whether the log already holds this message's outcome: then it must not be sent again. */
  async isRecorded(send: OutboundSend): Promise<boolean> {
    const parsed = parseConversationId(send.conversationId);
    if (!parsed) return true;
    const { state } = await this.threads.load(streams.thread(parsed.threadKey));
    return state.seen.has(`out:${send.messageId}`);
  }

  async record(send: OutboundSend, outcome: SendOutcome): Promise<void> {
    await this.conversations.recordSendOutcome(send.conversationId, send.messageId, send.recipient, outcome, this.context(send.tenantId, send.messageId));
  }

  /** A subscription's signing secret, in clear; null: no such subscription. */
  webhookSecret(subscriptionId: string): Promise<string | null> {
    return this.subscriptions.secretOf(subscriptionId);
  }

  /** One delivery attempt's result; the subscription's decider decides what follows. */
  async recordWebhookAttempt(
    delivery: { tenantId: string; subscriptionId: string; deliveryId: string; attempt: number },
    result: AttemptResult,
  ): Promise<void> {
    await this.subscriptions.recordAttempt(
      delivery.subscriptionId,
      delivery.deliveryId,
      delivery.attempt,
      result,
      this.context(delivery.tenantId, delivery.deliveryId),
    );
  }
}
