import { randomBytes, randomUUID } from 'node:crypto';
import { type EventStore, type Position, WEBHOOK_EVENT_TYPES } from '@parley/events';
import { unprocessable, type WebhookTargetPolicy, webhookTargetProblem } from '@parley/kit';
import type { SecretBox } from '../auth/secret-box.ts';
import { streams } from '../domain/ids.ts';
import {
  type AttemptResult,
  type WebhookSubscriptionCommand,
  type WebhookSubscriptionEvent,
  type WebhookSubscriptionState,
  webhookSubscriptionDecider,
} from '../domain/webhook-subscription.ts';
import { type CommandContext, CommandHandler } from '../handling/command-handler.ts';

export interface Written {
  position: Position;
  events: string[];
}

/** Tenants' outbound webhook subscriptions: settings through the API, attempts from the workers. */
export class WebhookSubscriptions {
  private readonly subscriptions: CommandHandler<WebhookSubscriptionCommand, WebhookSubscriptionState, WebhookSubscriptionEvent>;

  constructor(
    store: EventStore,
    private readonly secrets: SecretBox,
    private readonly policy: WebhookTargetPolicy,
  ) {
    this.subscriptions = new CommandHandler(store, webhookSubscriptionDecider, { cacheSize: 10_000 });
  }

  private async handle(subscriptionId: string, command: WebhookSubscriptionCommand, context: CommandContext): Promise<Written> {
    const result = await this.subscriptions.handle(streams.webhookSubscription(subscriptionId), command, context, { tenantScoped: true });
    return { position: result.position, events: result.events.map((e) => e.type) };
  }

  /** The answer holds the only copy of the signing secret. */
  async create(input: { url: string; eventTypes: string[] }, context: CommandContext): Promise<{ subscriptionId: string; secret: string; position: Position }> {
    const unknown = input.eventTypes.filter((t) => t !== '*' && !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(t));
    if (unknown.length > 0) throw unprocessable(`unknown event types: ${unknown.join(', ')} (see docs/webhooks.md)`);
    const problem = await webhookTargetProblem(input.url, this.policy);
    if (problem) throw unprocessable(`url: ${problem}`);
    const subscriptionId = randomUUID();
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const written = await this.handle(
      subscriptionId,
      {
        type: 'CreateSubscription',
        data: { subscriptionId, url: input.url, eventTypes: [...new Set(input.eventTypes)], secretSealed: this.secrets.seal(secret) },
      },
      context,
    );
    return { subscriptionId, secret, position: written.position };
  }

  disable(subscriptionId: string, context: CommandContext) {
    return this.handle(subscriptionId, { type: 'DisableSubscription' }, context);
  }

  enable(subscriptionId: string, context: CommandContext) {
    return this.handle(subscriptionId, { type: 'EnableSubscription' }, context);
  }

  async test(subscriptionId: string, context: CommandContext): Promise<Written & { deliveryId: string }> {
    const deliveryId = randomUUID();
    return { ...(await this.handle(subscriptionId, { type: 'RequestTest', deliveryId }, context)), deliveryId };
  }

  replay(subscriptionId: string, deliveryId: string, context: CommandContext) {
    return this.handle(subscriptionId, { type: 'RequestReplay', deliveryId }, context);
  }

  /** For the workers: the subscription's secret in clear, to sign with. */
  async secretOf(subscriptionId: string): Promise<string | null> {
    const { state } = await this.subscriptions.load(streams.webhookSubscription(subscriptionId));
    return state.status === 'none' ? null : this.secrets.open(state.secretSealed);
  }

  /** For the workers: one attempt's outcome; the decider decides what follows (retry, give up, disable). */
  recordAttempt(subscriptionId: string, deliveryId: string, attempt: number, result: AttemptResult, context: CommandContext) {
    return this.handle(subscriptionId, { type: 'RecordAttempt', deliveryId, attempt, result, now: context.now }, context);
  }
}

export type { AttemptResult };
