import { TemplateCategory, TemplateComponentSpec, TemplateStatus } from '@parley/events';
import { type Api, accessFor, allow, badRequest, forbidden, LogPosition, principalOf } from '@parley/kit';
import { z } from 'zod';
import { commandContext } from '../command-context.ts';
import { errors, Id, Written } from '../command-schemas.ts';

const open = accessFor('public');
const PhoneNumberId = z.string().regex(/^\d{5,32}$/, 'digits only (Meta phone_number_id)');
const AccessToken = z
  .string()
  .min(16)
  .max(2000)
  .regex(/^[\x21-\x7e]+$/, 'printable characters without spaces');

/** A tenant admin connects WhatsApp Business numbers: their webhooks are then accepted. */
export async function whatsAppNumberRoutes(api: Api) {
  api.post(
    '/v1/whatsapp-numbers',
    {
      config: allow('manageTenant'),
      schema: {
        summary: 'Connect a WhatsApp Business phone number (its webhooks are then accepted)',
        tags: ['tenants'],
        body: z.strictObject({
          phoneNumberId: PhoneNumberId,
          displayPhoneNumber: z.string().trim().min(5).max(32),
          appSecret: z.string().min(16).max(256).describe('Meta app secret: signs the webhooks'),
          verifyToken: z.string().min(8).max(256).describe('Token Meta echoes in the subscription handshake'),
          accessToken: AccessToken.optional().describe('Cloud API access token the number sends with (sealed in the log); without one it only receives'),
        }),
        response: { 201: z.object({ numberId: Id, position: LogPosition }), ...errors },
      },
    },
    async (request, reply) => {
      return reply.status(201).send(await api.numbers.connect(request.body, commandContext(request, principalOf(request))));
    },
  );

  api.put(
    '/v1/whatsapp-numbers/:phoneNumberId/access-token',
    {
      config: allow('manageTenant'),
      schema: {
        summary: "Set or rotate a number's Cloud API access token; sends waiting for a new token resume",
        tags: ['tenants'],
        params: z.object({ phoneNumberId: PhoneNumberId }),
        body: z.strictObject({ accessToken: AccessToken }),
        response: { 200: Written, ...errors },
      },
    },
    async (request) => api.numbers.setAccessToken(request.params.phoneNumberId, request.body.accessToken, commandContext(request, principalOf(request))),
  );

  api.put(
    '/v1/whatsapp-numbers/:phoneNumberId/rate',
    {
      config: allow('manageTenant'),
      schema: {
        summary: 'Set how many messages a second the number may send (Meta allows 80 by default, up to 1,000 once raised)',
        tags: ['tenants'],
        params: z.object({ phoneNumberId: PhoneNumberId }),
        body: z.strictObject({ messagesPerSecond: z.number().int().min(1).max(1000) }),
        response: { 200: Written, ...errors },
      },
    },
    async (request) => api.numbers.setRate(request.params.phoneNumberId, request.body.messagesPerSecond, commandContext(request, principalOf(request))),
  );

  api.put(
    '/v1/whatsapp-numbers/:phoneNumberId/templates/:name/:language',
    {
      config: allow('manageTenant'),
      schema: {
        summary: "Register or update one of the number's message templates (as Meta approved, paused or rejected it); sends are checked against it",
        tags: ['tenants'],
        params: z.object({
          phoneNumberId: PhoneNumberId,
          name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'lower-case letters, digits and _ (Meta template names)'),
          language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'a Meta language code such as en, en_US or es_MX'),
        }),
        body: z.strictObject({
          category: TemplateCategory,
          status: TemplateStatus,
          components: z
            .array(TemplateComponentSpec.extend({ index: TemplateComponentSpec.shape.index.default(null) }))
            .max(20)
            .default([])
            .describe('Parts that take parameters: header, body, and buttons by index, with how many each takes'),
        }),
        response: { 200: Written, ...errors },
      },
    },
    async (request) => {
      const { phoneNumberId, name, language } = request.params;
      const components = request.body.components;
      const twice = components.find((c, i) => components.findIndex((d) => d.type === c.type && d.index === c.index) !== i);
      if (twice) throw badRequest(`body.components: the ${twice.type}${twice.type === 'button' ? ` ${twice.index}` : ''} is listed twice`);
      const misplaced = components.find((c) => (c.type === 'button') !== (c.index !== null));
      if (misplaced) throw badRequest(`body.components: ${misplaced.type === 'button' ? 'a button needs its index' : `a ${misplaced.type} has no index`}`);
      return api.numbers.setTemplate(phoneNumberId, { name, language, ...request.body, components }, commandContext(request, principalOf(request)));
    },
  );
}

/** Meta's webhook (handshake and signed deliveries), and the platform admin's view of what it could not act on. */
export async function webhookRoutes(api: Api) {
  const { deadLetters } = api;

  api.get(
    '/v1/admin/webhook-dead-letters',
    {
      config: accessFor('platform-admin'),
      schema: {
        summary: 'Webhook content kept but not acted on, and unsigned content only counted (platform admin key)',
        tags: ['webhooks'],
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      },
    },
    async (request) => {
      const [items, counted] = await Promise.all([deadLetters.list(request.query.limit), deadLetters.counts(request.query.limit)]);
      return { items, counted };
    },
  );

  // Its own plugin: the raw-body parser below must not reach the other routes' JSON bodies.
  await api.register(metaWebhook);
}

async function metaWebhook(api: Api) {
  const { numbers, webhook } = api;
  // The signature covers the raw bytes: keep them, parse later.
  api.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  api.get(
    '/webhooks/whatsapp',
    {
      config: open,
      schema: {
        summary: "Meta's subscription handshake",
        tags: ['webhooks'],
        security: [],
        querystring: z.looseObject({
          'hub.mode': z.string(),
          'hub.verify_token': z.string(),
          'hub.challenge': z.string().max(1000),
        }),
      },
    },
    async (request, reply) => {
      const q = request.query;
      if (q['hub.mode'] !== 'subscribe' || !(await numbers.isKnownVerifyToken(q['hub.verify_token']))) {
        throw forbidden('verify token does not match any connected number');
      }
      return reply.type('text/plain').send(q['hub.challenge']);
    },
  );

  api.post(
    '/webhooks/whatsapp',
    {
      config: { ...open, rawText: true },
      schema: { summary: 'WhatsApp Cloud API webhook (signed with X-Hub-Signature-256)', tags: ['webhooks'], security: [] },
    },
    async (request, reply) => {
      const raw = request.body;
      // No typed error answers 415, so the body is written here.
      if (!Buffer.isBuffer(raw)) return reply.status(415).send({ error: 'bad_request', message: 'send application/json' });
      const signature = request.headers['x-hub-signature-256'];
      const outcome = await webhook.ingest(raw, typeof signature === 'string' ? signature : undefined, request.id);
      if (outcome.status !== 200) {
        const error = outcome.status === 401 ? 'unauthorized' : 'bad_request';
        return reply.status(outcome.status).send({ error, message: outcome.reason });
      }
      return reply.send({ ok: true, events: outcome.events, deadLetters: outcome.deadLetters, positions: outcome.positions });
    },
  );
}
