import { z } from 'zod';

/**
 * The WhatsApp Cloud API webhook as Meta documents it. Objects are loose because Meta
 * adds fields without notice (user_id, username, from_logical_id, ...): we require what
 * we read and keep the rest. A payload that passes must map to a valid catalog event,
 * so non-empty ids and coordinate ranges mirror the catalog.
 */

/**
 * Lengths mirror the catalog fields they map to: a longer value would fail as an event,
 * a 500 that WhatsApp redelivers for days; here it is an invalid payload, kept as a dead letter.
 */
const Str = (max: number) => z.string().max(max);

// Eleven digits reach the year 5138; longer values would not print as an ISO instant.
const UnixSeconds = z.string().regex(/^\d{1,11}$/, { message: 'expected unix seconds as a string of digits' });

const WebhookError = z.looseObject({
  code: z.number().int(),
  title: Str(1000),
  message: z.string().optional(),
  error_data: z.looseObject({ details: Str(4000).optional() }).optional(),
});
export type WebhookError = z.infer<typeof WebhookError>;

// ---------------------------------------------------------------- messages

const MessageBase = z.looseObject({
  /** The sender's phone-based id; empty for username-only users (2026+). */
  from: Str(32),
  /** The sender's business-scoped user id (2026+). */
  from_user_id: Str(128).optional(),
  id: Str(200).min(1),
  timestamp: UnixSeconds,
  /** A reply carries { from, id }; a forwarded message carries only { forwarded: true }. */
  context: z.looseObject({ from: Str(64).optional(), id: Str(200).optional() }).optional(),
  /** Click-to-WhatsApp ad entry; kept whole because its fields vary by ad type. */
  referral: z.record(z.string(), z.unknown()).optional(),
  errors: z.array(WebhookError).optional(),
  /** What the sender put in the send's biz_opaque_callback_data: Parley puts its message id. */
  biz_opaque_callback_data: Str(512).optional(),
});

const Media = z.looseObject({
  id: Str(200).min(1),
  mime_type: Str(200).min(1),
  sha256: Str(200).optional(),
  caption: Str(4096).optional(),
});

const SharedContact = z.looseObject({
  // Contacts shared through REQUEST_CONTACT_INFO arrive as a vcard without a name.
  name: z.looseObject({ formatted_name: Str(1000) }).optional(),
  phones: z.array(z.looseObject({ phone: Str(64).optional(), wa_id: Str(64).optional(), type: Str(64).optional() })).optional(),
  emails: z.array(z.looseObject({ email: Str(320).optional(), type: Str(64).optional() })).optional(),
  org: z.looseObject({ company: Str(1000).optional() }).optional(),
  urls: z.array(z.looseObject({ url: Str(2000).optional(), type: z.string().optional() })).optional(),
});

const Interactive = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('button_reply'),
    button_reply: z.looseObject({ id: Str(1000), title: Str(1000) }),
  }),
  z.looseObject({
    type: z.literal('list_reply'),
    list_reply: z.looseObject({ id: Str(1000), title: Str(1000), description: Str(1000).optional() }),
  }),
  z.looseObject({
    type: z.literal('nfm_reply'),
    nfm_reply: z.looseObject({ response_json: Str(65536), body: z.string().optional(), name: z.string().optional() }),
  }),
]);

const KnownWebhookMessage = z.discriminatedUnion('type', [
  MessageBase.extend({ type: z.literal('text'), text: z.looseObject({ body: Str(65536) }) }),
  MessageBase.extend({ type: z.literal('image'), image: Media }),
  MessageBase.extend({ type: z.literal('video'), video: Media }),
  MessageBase.extend({ type: z.literal('audio'), audio: Media.extend({ voice: z.boolean().optional() }) }),
  MessageBase.extend({ type: z.literal('document'), document: Media.extend({ filename: Str(1000).optional() }) }),
  MessageBase.extend({ type: z.literal('sticker'), sticker: Media.extend({ animated: z.boolean().optional() }) }),
  MessageBase.extend({
    type: z.literal('location'),
    location: z.looseObject({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      name: Str(1000).optional(),
      address: Str(1000).optional(),
    }),
  }),
  MessageBase.extend({ type: z.literal('contacts'), contacts: z.array(SharedContact).min(1) }),
  MessageBase.extend({ type: z.literal('interactive'), interactive: Interactive }),
  MessageBase.extend({
    type: z.literal('button'),
    button: z.looseObject({ text: Str(1000), payload: Str(1000).optional() }),
  }),
  MessageBase.extend({
    type: z.literal('reaction'),
    reaction: z.looseObject({ message_id: Str(200).min(1), emoji: Str(32).optional() }),
  }),
]);
export type KnownWebhookMessage = z.infer<typeof KnownWebhookMessage>;
export type KnownWebhookMessageType = KnownWebhookMessage['type'];
export type WebhookMessageOf<T extends KnownWebhookMessageType> = Extract<KnownWebhookMessage, { type: T }>;

const KNOWN_MESSAGE_TYPES: ReadonlySet<string> = new Set<KnownWebhookMessageType>([
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
]);

/** unsupported, order, system and types newer than this file: kept and reported, never rejected. */
const OtherWebhookMessage = MessageBase.extend({ type: z.string().min(1).max(64) });
export type OtherWebhookMessage = z.infer<typeof OtherWebhookMessage>;

/**
 * Validates `input` with `schema` and reports its issues as the caller's own. A z.union of
 * the known and the open-ended shape would fold a bad text body into one opaque
 * "invalid_union"; choosing the schema first keeps paths like `text.body`.
 */
function parseWith<T>(schema: z.ZodType<T>, input: unknown, ctx: z.core.$RefinementCtx): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.issues.push({ ...issue, input: undefined });
  return z.NEVER;
}

export const WebhookMessage = z
  .looseObject({})
  .transform((input, ctx): KnownWebhookMessage | OtherWebhookMessage =>
    typeof input.type === 'string' && KNOWN_MESSAGE_TYPES.has(input.type)
      ? parseWith(KnownWebhookMessage, input, ctx)
      : parseWith(OtherWebhookMessage, input, ctx),
  );
export type WebhookMessage = z.infer<typeof WebhookMessage>;

/** Narrows a validated message to the types whose content we map field by field. */
export const isKnownMessage = (message: WebhookMessage): message is KnownWebhookMessage => KNOWN_MESSAGE_TYPES.has(message.type);

// ---------------------------------------------------------------- statuses

export const WebhookStatus = z.looseObject({
  /** The wamid of the message this status is about. */
  id: Str(200).min(1),
  /** sent, delivered, read, failed; other values (deleted, warning, ...) pass and are reported as unhandled. */
  status: z.string().min(1),
  timestamp: UnixSeconds,
  recipient_id: Str(128),
  conversation: z
    .looseObject({
      id: Str(200).min(1),
      expiration_timestamp: z.union([UnixSeconds, z.number().int().nonnegative().max(99_999_999_999)]).optional(),
      origin: z.looseObject({ type: Str(64) }).optional(),
    })
    .optional(),
  pricing: z
    .looseObject({
      billable: z.boolean().optional(),
      pricing_model: Str(32).optional(),
      category: Str(64).optional(),
      type: Str(64).optional(),
    })
    .optional(),
  errors: z.array(WebhookError).optional(),
});
export type WebhookStatus = z.infer<typeof WebhookStatus>;

// ---------------------------------------------------------------- envelope

export const WebhookContact = z.looseObject({
  profile: z.looseObject({ name: Str(200).optional() }).optional(),
  /** Empty or absent for username-only users (2026+). */
  wa_id: Str(32).optional(),
  user_id: Str(128).optional(),
});
export type WebhookContact = z.infer<typeof WebhookContact>;

/** The `value` of a change whose field is "messages". */
export const WebhookChangeValue = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  metadata: z.looseObject({ display_phone_number: z.string(), phone_number_id: z.string().min(1) }),
  contacts: z.array(WebhookContact).optional(),
  messages: z.array(WebhookMessage).optional(),
  statuses: z.array(WebhookStatus).optional(),
  errors: z.array(WebhookError).optional(),
});
export type WebhookChangeValue = z.infer<typeof WebhookChangeValue>;

const WebhookMessagesChange = z.looseObject({ field: z.literal('messages'), value: WebhookChangeValue });
export type WebhookMessagesChange = z.infer<typeof WebhookMessagesChange>;

/** Any other subscribed field (template status, quality, account updates, ...): kept, not acted on. */
const WebhookOtherChange = z.looseObject({ field: z.string(), value: z.unknown() });
export type WebhookOtherChange = z.infer<typeof WebhookOtherChange>;

export const WebhookChange = z
  .looseObject({})
  .transform((input, ctx): WebhookMessagesChange | WebhookOtherChange =>
    input.field === 'messages' ? parseWith(WebhookMessagesChange, input, ctx) : parseWith(WebhookOtherChange, input, ctx),
  );
export type WebhookChange = z.infer<typeof WebhookChange>;

/** `field === 'messages'` alone cannot narrow: the other shape's field is any string. */
export const isMessagesChange = (change: WebhookChange): change is WebhookMessagesChange => change.field === 'messages';

export const WebhookPayload = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.looseObject({
      /** The WhatsApp Business Account id. */
      id: z.string(),
      changes: z.array(WebhookChange),
    }),
  ),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

// ---------------------------------------------------------------- reasons

const MAX_REASONS = 5;

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}`;
    case 'invalid_union':
      if ('options' in issue && issue.options !== undefined && issue.options.length > 0) {
        return `expected one of ${issue.options.map((v) => JSON.stringify(v)).join(' | ')}`;
      }
      return issue.message;
    default:
      return issue.message;
  }
}

/** A short reason for logs and dead letters: `path: problem`, at most five, `; `-separated. */
export function formatZodIssues(error: z.ZodError): string {
  const reasons = error.issues.slice(0, MAX_REASONS).map((issue) => {
    const path = issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
    return `${path}: ${describeIssue(issue)}`;
  });
  const more = error.issues.length - MAX_REASONS;
  return more > 0 ? `${reasons.join('; ')} (+${more} more)` : reasons.join('; ');
}
