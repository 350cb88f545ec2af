import { type Api, allow, notFound, principalOf } from '@parley/kit';
import { WebhookDeliveryView, WebhookSubscriptionView } from '@parley/projections/webhooks';
import { z } from 'zod';
import { errors } from '../query-schemas.ts';

const admins = allow('manageTenant');

/** A tenant's webhook subscriptions and their delivery log (docs/webhooks.md), as the workers' read model has them. */
export async function webhookRoutes(api: Api) {
  const { webhooks } = api;

  api.get(
    '/v1/webhook-subscriptions',
    {
      config: admins,
      schema: {
        summary: "The tenant's webhook subscriptions",
        tags: ['webhooks'],
        response: { 200: z.object({ items: z.array(WebhookSubscriptionView) }), ...errors },
      },
    },
    async (request) => ({ items: await webhooks.subscriptions(principalOf(request).tenantId) }),
  );

  api.get(
    '/v1/webhook-subscriptions/:id/deliveries',
    {
      config: admins,
      schema: {
        summary: "A subscription's delivery log: its latest deliveries with every attempt (status, latency, response excerpt)",
        tags: ['webhooks'],
        params: z.object({ id: z.uuid() }),
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: z.array(WebhookDeliveryView) }), ...errors },
      },
    },
    async (request) => {
      const items = await webhooks.deliveries(principalOf(request).tenantId, request.params.id, request.query.limit);
      if (!items) throw notFound('webhook subscription not found');
      return { items };
    },
  );
}
