import { type Api, accessFor } from '@parley/kit';

/**
 * Stripe's webhook (docs/billing.md). Public: the Stripe-Signature header is the
 * authentication. Its own plugin: the raw-body parser must not reach other routes.
 */
export async function stripeWebhookRoutes(api: Api) {
  const { stripeWebhook } = api;
  if (!stripeWebhook) return;
  // The signature covers the raw bytes: keep them, parse later.
  api.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  api.post(
    '/webhooks/stripe',
    {
      config: { ...accessFor('public'), rawText: true },
      schema: {
        summary: 'Stripe webhook (signed with Stripe-Signature): subscriptions, invoices, payments, refunds, disputes',
        tags: ['webhooks'],
        security: [],
      },
    },
    async (request, reply) => {
      const raw = request.body;
      // No typed error answers 415, so the body is written here.
      if (!Buffer.isBuffer(raw)) return reply.status(415).send({ error: 'bad_request', message: 'send application/json' });
      const signature = request.headers['stripe-signature'];
      const outcome = await stripeWebhook.ingest(raw, typeof signature === 'string' ? signature : undefined, request.id);
      if (outcome.status !== 200) return reply.status(400).send({ error: 'bad_request', message: outcome.reason });
      const { status: _, ...body } = outcome;
      return reply.send({ received: true, ...body });
    },
  );
}
