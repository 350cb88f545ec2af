import { type Api, allow, principalOf } from '@parley/kit';
import { z } from 'zod';
import { commandContext } from '../command-context.ts';
import { errors, Id, Written } from '../command-schemas.ts';

const admins = allow('manageTenant');
const SubscriptionParams = z.object({ id: Id.describe('Subscription id') });

/** A tenant's outbound webhook subscriptions (docs/webhooks.md). */
export async function webhookSubscriptionRoutes(api: Api) {
  const { subscriptions } = api;

  api.post(
    '/v1/webhook-subscriptions',
    {
      config: admins,
      schema: {
        summary: 'Subscribe an endpoint to public event types; the answer holds the only copy of its signing secret',
        tags: ['webhooks'],
        body: z.strictObject({
          url: z.string().min(1).max(2000).describe('https URL of a public address (loopback only with PARLEY_WEBHOOKS_ALLOW_LOOPBACK)'),
          eventTypes: z.array(z.string().min(1).max(64)).min(1).max(50).describe('Public event types (docs/webhooks.md), or ["*"]'),
        }),
        response: { 201: z.object({ subscriptionId: Id, secret: z.string(), position: Written.shape.position }), ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await subscriptions.create(request.body, commandContext(request, principalOf(request)))),
  );

  const actions = {
    disable: { summary: 'Stop delivering to the subscription (pending deliveries are not sent)', run: subscriptions.disable.bind(subscriptions) },
    enable: { summary: 'Resume delivering to the subscription', run: subscriptions.enable.bind(subscriptions) },
    test: { summary: 'Send a webhook.test event to the subscription', run: subscriptions.test.bind(subscriptions) },
  };
  for (const [path, { summary, run }] of Object.entries(actions)) {
    api.post(
      `/v1/webhook-subscriptions/:id/${path}`,
      {
        config: admins,
        schema: {
          summary,
          tags: ['webhooks'],
          params: SubscriptionParams,
          body: z.strictObject({}).optional(),
          response: { 200: Written.extend({ deliveryId: Id.optional() }), ...errors },
        },
      },
      async (request) => run(request.params.id, commandContext(request, principalOf(request))),
    );
  }

  api.post(
    '/v1/webhook-subscriptions/:id/deliveries/:deliveryId/replay',
    {
      config: admins,
      schema: {
        summary: 'Deliver an event again, with the same webhook-id',
        tags: ['webhooks'],
        params: SubscriptionParams.extend({ deliveryId: Id }),
        body: z.strictObject({}).optional(),
        response: { 200: Written, ...errors },
      },
    },
    async (request) => subscriptions.replay(request.params.id, request.params.deliveryId, commandContext(request, principalOf(request))),
  );
}
