import { accessFor, createApi, type PlatformKeys } from '@parley/kit';
import type { FastifyInstance } from 'fastify';
import type { Conversations } from '../application/conversations.ts';
import type { Plans } from '../application/plans.ts';
import type { Tenancy } from '../application/tenancy.ts';
import type { WebhookSubscriptions } from '../application/webhook-subscriptions.ts';
import type { WhatsAppNumbers } from '../application/whatsapp-numbers.ts';
import type { StripeWebhook } from '../stripe/stripe-webhook.ts';
import type { DeadLetters } from '../whatsapp/dead-letters.ts';
import type { WebhookIngest } from '../whatsapp/webhook-ingest.ts';
import { conversationRoutes } from './routes/conversation-routes.ts';
import { planRoutes } from './routes/plan-routes.ts';
import { serviceLevelRoutes } from './routes/service-level-routes.ts';
import { stripeWebhookRoutes } from './routes/stripe-routes.ts';
import { tenantRoutes } from './routes/tenant-routes.ts';
import { webhookSubscriptionRoutes } from './routes/webhook-subscription-routes.ts';
import { webhookRoutes, whatsAppNumberRoutes } from './routes/whatsapp-routes.ts';

export interface CommandApiDeps {
  tenancy: Tenancy;
  numbers: WhatsAppNumbers;
  conversations: Conversations;
  webhook: WebhookIngest;
  deadLetters: DeadLetters;
  subscriptions: WebhookSubscriptions;
  plans: Plans;
  /** Null: no Stripe signing secret is configured, and no /webhooks/stripe route. */
  stripeWebhook: StripeWebhook | null;
  platformAdminKey: PlatformKeys;
  clock: () => Date;
  logger?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    tenancy: Tenancy;
    numbers: WhatsAppNumbers;
    conversations: Conversations;
    webhook: WebhookIngest;
    deadLetters: DeadLetters;
    subscriptions: WebhookSubscriptions;
    plans: Plans;
    stripeWebhook: StripeWebhook | null;
    /** The time commands are stamped with. */
    clock: () => Date;
  }
}

/** The command API: the kit's edge, the application services as decorators, then one plugin per resource. */
export async function buildCommandApi(deps: CommandApiDeps): Promise<FastifyInstance> {
  const api = await createApi({
    title: 'Parley command API',
    description: 'Writes: every change becomes an event.',
    identity: deps.tenancy,
    platformAdminKey: deps.platformAdminKey,
    requestLog: deps.logger ?? false,
    bodyLimit: 1024 * 1024,
  });
  api.decorate('tenancy', deps.tenancy);
  api.decorate('numbers', deps.numbers);
  api.decorate('conversations', deps.conversations);
  api.decorate('webhook', deps.webhook);
  api.decorate('deadLetters', deps.deadLetters);
  api.decorate('subscriptions', deps.subscriptions);
  api.decorate('plans', deps.plans);
  api.decorate('stripeWebhook', deps.stripeWebhook);
  api.decorate('clock', deps.clock);

  api.get('/health', { config: accessFor('public'), schema: { hide: true } }, async () => ({ ok: true }));
  // In this order: it is the order of the OpenAPI document's paths.
  await api.register(tenantRoutes);
  await api.register(serviceLevelRoutes);
  await api.register(whatsAppNumberRoutes);
  await api.register(conversationRoutes);
  await api.register(webhookRoutes);
  await api.register(webhookSubscriptionRoutes);
  await api.register(planRoutes);
  await api.register(stripeWebhookRoutes);
  return api;
}
