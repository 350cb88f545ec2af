import { createPgPool, type EventStore } from '@parley/events';
import {
  type Config,
  createEventStore,
  DEFAULT_DEAD_LETTER_LIMITS,
  DEFAULT_DUNNING_POLICY,
  type DeadLetterLimits,
  type DunningPolicy,
  type PlatformKeys,
  type WebhookTargetPolicy,
} from '@parley/kit';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { Billing } from './application/billing.ts';
import { Conversations } from './application/conversations.ts';
import { Plans } from './application/plans.ts';
import { Tenancy } from './application/tenancy.ts';
import { WebhookSubscriptions } from './application/webhook-subscriptions.ts';
import { WhatsAppNumbers } from './application/whatsapp-numbers.ts';
import { SecretBox } from './auth/secret-box.ts';
import { contactDecider } from './domain/contact.ts';
import { threadDecider } from './domain/conversation-thread.ts';
import { CommandHandler } from './handling/command-handler.ts';
import { buildCommandApi } from './http/command-api.ts';
import { StripeWebhook } from './stripe/stripe-webhook.ts';
import { DeadLetters } from './whatsapp/dead-letters.ts';
import { WebhookIngest } from './whatsapp/webhook-ingest.ts';

export interface CommandPlatformOptions {
  databaseUrl: string;
  eventStoreUrl: string | null;
  /** The current key, or during a rotation the current and the previous one. */
  platformAdminKey: PlatformKeys;
  secretKey: string;
  /** Bounds on unsigned webhook dead letters; defaults to DEFAULT_DEAD_LETTER_LIMITS. */
  deadLetterLimits?: DeadLetterLimits;
  /** Where outbound webhooks may point (default: public addresses only). */
  webhooks?: WebhookTargetPolicy;
  /** Stripe's webhook signing secrets (any one signs a delivery); empty: no Stripe webhook route. */
  stripeWebhookSecrets?: readonly string[];
  /** Defaults to DEFAULT_DUNNING_POLICY. */
  dunning?: DunningPolicy;
  clock?: () => Date;
  logger?: boolean;
}

export interface CommandPlatform {
  app: FastifyInstance;
  store: EventStore;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** The options a process's configuration gives the command side. */
export const commandPlatformOptions = (config: Config): CommandPlatformOptions => ({
  databaseUrl: config.databaseUrl,
  eventStoreUrl: config.eventStoreUrl,
  platformAdminKey: config.platformAdminKeys,
  secretKey: config.secretKey,
  deadLetterLimits: config.deadLetterLimits,
  webhooks: config.webhooks,
  stripeWebhookSecrets: config.stripe.webhookSecrets,
  dunning: config.dunning,
  logger: config.log,
});

/** Wires the command side: the composition root shared by `main.ts`, tests and benchmarks. */
export async function createCommandPlatform(options: CommandPlatformOptions): Promise<CommandPlatform> {
  const clock = options.clock ?? (() => new Date());
  const pool = createPgPool({ connectionString: options.databaseUrl, max: 4 });
  const store = await createEventStore(options);
  const deadLetters = new DeadLetters(pool, options.deadLetterLimits ?? DEFAULT_DEAD_LETTER_LIMITS, clock);
  await deadLetters.migrate();

  const tenancy = new Tenancy(store);
  const secrets = new SecretBox(options.secretKey);
  const numbers = new WhatsAppNumbers(store, secrets, clock);
  const subscriptions = new WebhookSubscriptions(store, secrets, options.webhooks ?? { allowLoopback: false });
  const threads = new CommandHandler(store, threadDecider);
  const contacts = new CommandHandler(store, contactDecider);
  const billing = new Billing(store, options.dunning ?? DEFAULT_DUNNING_POLICY, clock);
  const stripeSecrets = options.stripeWebhookSecrets ?? [];
  const app = await buildCommandApi({
    tenancy,
    numbers,
    conversations: new Conversations(threads, tenancy, numbers, billing),
    stripeWebhook: stripeSecrets.length > 0 ? new StripeWebhook(billing, tenancy, stripeSecrets, clock) : null,
    webhook: new WebhookIngest(numbers, contacts, threads, deadLetters, clock),
    deadLetters,
    subscriptions,
    plans: new Plans(store),
    platformAdminKey: options.platformAdminKey,
    clock,
    logger: options.logger ?? false,
  });
  return {
    app,
    store,
    pool,
    async close() {
      await app.close();
      await tenancy.close();
      await store.close();
      await pool.end();
    },
  };
}
