import { type Api, accessFor, badRequest, LogPosition } from '@parley/kit';
import { z } from 'zod';
import { errors } from '../command-schemas.ts';

/** What Stripe is answered: recorded (events empty for a replay), or ignored with the reason. */
const StripeAnswer = z.object({
  received: z.literal(true),
  stripeEventId: z.string(),
  tenantId: z.uuid().optional(),
  events: z.array(z.string()).optional().describe('Types of the events appended (empty: a replay, nothing changed)'),
  position: LogPosition.optional(),
  ignored: z.string().optional().describe('Why nothing was recorded: a type Parley does not use, or no tenant claims the object'),
});

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
        response: { 200: StripeAnswer, ...errors },
      },
    },
    async (request) => {
      const raw = request.body;
      // No body, or another media type than Stripe's.
      if (!Buffer.isBuffer(raw)) throw badRequest('send the Stripe event as an application/json body');
      const signature = request.headers['stripe-signature'];
      const outcome = await stripeWebhook.ingest(raw, typeof signature === 'string' ? signature : undefined, request.id);
      if (outcome.status !== 200) throw badRequest(outcome.reason);
      const { status: _, ...body } = outcome;
      return { received: true as const, ...body };
    },
  );
}
