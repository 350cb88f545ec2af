import { createHmac, randomBytes, randomInt } from 'node:crypto';
import type { OtherWebhookMessage, WebhookContact, WebhookMessage, WebhookMessageOf, WebhookPayload, WebhookStatus } from '../src/whatsapp/webhook-payload.ts';

/**
 * Builders for webhook bodies exactly as WhatsApp documents them, for tests and benchmarks.
 * Ids and timestamps default to fresh values so repeated builds never collide on dedup keys.
 */

export const newWamid = (): string => `wamid.${randomBytes(30).toString('base64')}`;
const newMediaId = (): string => String(randomInt(10 ** 14, 2 ** 48 - 1));
export const unixNow = (): string => String(Math.floor(Date.now() / 1000));

export interface ContactInput {
  waId?: string;
  userId?: string;
  name?: string;
}

export interface EnvelopeInput {
  phoneNumberId: string;
  displayPhoneNumber?: string;
  wabaId?: string;
  /** Defaults to one contact per distinct sender of `messages`, as WhatsApp sends them. */
  contacts?: readonly ContactInput[];
  messages?: readonly WebhookMessage[];
  statuses?: readonly WebhookStatus[];
}

function contactOf(input: ContactInput): WebhookContact {
  return {
    profile: { name: input.name ?? 'Test Customer' },
    ...(input.waId !== undefined && { wa_id: input.waId }),
    ...(input.userId !== undefined && { user_id: input.userId }),
  };
}

function sendersOf(messages: readonly WebhookMessage[]): ContactInput[] {
  const seen = new Map<string, ContactInput>();
  for (const m of messages) {
    const key = `${m.from}\u0000${m.from_user_id ?? ''}`;
    if (!seen.has(key)) {
      seen.set(key, { ...(m.from !== '' && { waId: m.from }), ...(m.from_user_id !== undefined && { userId: m.from_user_id }) });
    }
  }
  return [...seen.values()];
}

export function webhookEnvelope(input: EnvelopeInput): WebhookPayload {
  const contacts = input.contacts ?? (input.messages ? sendersOf(input.messages) : []);
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: input.wabaId ?? '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: input.displayPhoneNumber ?? '15550783881',
                phone_number_id: input.phoneNumberId,
              },
              ...(contacts.length > 0 && { contacts: contacts.map(contactOf) }),
              ...(input.messages !== undefined && { messages: [...input.messages] }),
              ...(input.statuses !== undefined && { statuses: [...input.statuses] }),
            },
          },
        ],
      },
    ],
  };
}

// ---------------------------------------------------------------- messages

export interface MessageInput {
  from: string;
  fromUserId?: string;
  id?: string;
  timestamp?: string;
  context?: { from: string; id: string };
}

function base(input: MessageInput) {
  return {
    from: input.from,
    ...(input.fromUserId !== undefined && { from_user_id: input.fromUserId }),
    id: input.id ?? newWamid(),
    timestamp: input.timestamp ?? unixNow(),
    ...(input.context !== undefined && { context: { ...input.context } }),
  };
}

export interface MediaInput extends MessageInput {
  mediaId?: string;
  mimeType?: string;
  sha256?: string;
  caption?: string;
}

function media(input: MediaInput, mimeType: string) {
  return {
    id: input.mediaId ?? newMediaId(),
    mime_type: input.mimeType ?? mimeType,
    sha256: input.sha256 ?? randomBytes(32).toString('base64'),
    ...(input.caption !== undefined && { caption: input.caption }),
  };
}

export const textMessage = (input: MessageInput & { body: string }): WebhookMessageOf<'text'> => ({
  ...base(input),
  type: 'text',
  text: { body: input.body },
});

export const imageMessage = (input: MediaInput): WebhookMessageOf<'image'> => ({
  ...base(input),
  type: 'image',
  image: media(input, 'image/jpeg'),
});

export const videoMessage = (input: MediaInput): WebhookMessageOf<'video'> => ({
  ...base(input),
  type: 'video',
  video: media(input, 'video/mp4'),
});

/** Voice notes (recorded in WhatsApp) are `audio/ogg; codecs=opus` with `voice: true`. */
export const audioMessage = (input: MediaInput & { voice?: boolean }): WebhookMessageOf<'audio'> => ({
  ...base(input),
  type: 'audio',
  audio: { ...media(input, 'audio/ogg; codecs=opus'), voice: input.voice ?? true },
});

export const documentMessage = (input: MediaInput & { filename?: string }): WebhookMessageOf<'document'> => ({
  ...base(input),
  type: 'document',
  document: { ...media(input, 'application/pdf'), ...(input.filename !== undefined && { filename: input.filename }) },
});

export const stickerMessage = (input: MediaInput & { animated?: boolean }): WebhookMessageOf<'sticker'> => ({
  ...base(input),
  type: 'sticker',
  sticker: { ...media(input, 'image/webp'), animated: input.animated ?? false },
});

export const locationMessage = (
  input: MessageInput & { latitude: number; longitude: number; name?: string; address?: string },
): WebhookMessageOf<'location'> => ({
  ...base(input),
  type: 'location',
  location: {
    latitude: input.latitude,
    longitude: input.longitude,
    ...(input.name !== undefined && { name: input.name }),
    ...(input.address !== undefined && { address: input.address }),
  },
});

export interface SharedContactInput {
  formattedName: string;
  firstName?: string;
  phones?: readonly { phone: string; waId?: string; type?: string }[];
  emails?: readonly { email: string; type?: string }[];
  company?: string;
  urls?: readonly { url: string; type?: string }[];
}

export const contactsMessage = (input: MessageInput & { contacts: readonly SharedContactInput[] }): WebhookMessageOf<'contacts'> => ({
  ...base(input),
  type: 'contacts',
  contacts: input.contacts.map((c) => ({
    name: { formatted_name: c.formattedName, ...(c.firstName !== undefined && { first_name: c.firstName }) },
    phones: (c.phones ?? []).map((p) => ({
      phone: p.phone,
      ...(p.waId !== undefined && { wa_id: p.waId }),
      ...(p.type !== undefined && { type: p.type }),
    })),
    ...(c.emails !== undefined && { emails: c.emails.map((e) => ({ email: e.email, ...(e.type !== undefined && { type: e.type }) })) }),
    ...(c.company !== undefined && { org: { company: c.company } }),
    ...(c.urls !== undefined && { urls: c.urls.map((u) => ({ url: u.url, ...(u.type !== undefined && { type: u.type }) })) }),
  })),
});

export const interactiveButtonReply = (input: MessageInput & { replyId: string; title: string }): WebhookMessageOf<'interactive'> => ({
  ...base(input),
  type: 'interactive',
  interactive: { type: 'button_reply', button_reply: { id: input.replyId, title: input.title } },
});

export const interactiveListReply = (input: MessageInput & { replyId: string; title: string; description?: string }): WebhookMessageOf<'interactive'> => ({
  ...base(input),
  type: 'interactive',
  interactive: {
    type: 'list_reply',
    list_reply: {
      id: input.replyId,
      title: input.title,
      ...(input.description !== undefined && { description: input.description }),
    },
  },
});

/** A WhatsApp Flow's answer: `response_json` is a JSON string, as WhatsApp sends it. */
export const interactiveFlowReply = (input: MessageInput & { responseJson: string }): WebhookMessageOf<'interactive'> => ({
  ...base(input),
  type: 'interactive',
  interactive: { type: 'nfm_reply', nfm_reply: { response_json: input.responseJson, body: 'Sent', name: 'flow' } },
});

/** A quick-reply button on a template. */
export const templateButtonReply = (input: MessageInput & { text: string; payload?: string }): WebhookMessageOf<'button'> => ({
  ...base(input),
  type: 'button',
  button: { text: input.text, ...(input.payload !== undefined && { payload: input.payload }) },
});

/** Leave out `emoji` to build a removed reaction. */
export const reactionMessage = (input: MessageInput & { targetWamid: string; emoji?: string }): WebhookMessageOf<'reaction'> => ({
  ...base(input),
  type: 'reaction',
  reaction: { message_id: input.targetWamid, ...(input.emoji !== undefined && { emoji: input.emoji }) },
});

/** What WhatsApp sends for content the Cloud API cannot deliver (polls, view-once, ...). */
export const unsupportedMessage = (input: MessageInput & { errors?: readonly { code: number; title: string; details?: string }[] }): OtherWebhookMessage => ({
  ...base(input),
  type: 'unsupported',
  errors: (input.errors ?? [{ code: 131051, title: 'Message type unknown', details: 'Message type is currently not supported.' }]).map((e) => ({
    code: e.code,
    title: e.title,
    message: e.title,
    ...(e.details !== undefined && { error_data: { details: e.details } }),
  })),
});

/** Any other type (order, system, or one newer than our schema): `fields` are added next to `type`. */
export const otherMessage = (input: MessageInput & { type: string; fields?: Record<string, unknown> }): OtherWebhookMessage => ({
  ...input.fields,
  ...base(input),
  type: input.type,
});

// ---------------------------------------------------------------- statuses

export interface StatusInput {
  id: string;
  /** sent, delivered, read, failed, or any other string WhatsApp may send. */
  status: string;
  recipientId: string;
  timestamp?: string;
  /** Defaults to a free service message for every status but `failed`, which carries no pricing. */
  pricing?: { billable: boolean; category: string };
  conversationId?: string;
  error?: { code: number; title: string; details?: string };
}

const DAY_SECONDS = 24 * 60 * 60;

export function statusUpdate(input: StatusInput): WebhookStatus {
  const timestamp = input.timestamp ?? unixNow();
  const pricing = input.pricing ?? (input.status === 'failed' ? undefined : { billable: false, category: 'service' });
  return {
    id: input.id,
    status: input.status,
    timestamp,
    recipient_id: input.recipientId,
    ...(pricing !== undefined && {
      conversation: {
        id: input.conversationId ?? randomBytes(16).toString('hex'),
        // WhatsApp states the window's end only on the first status of a conversation.
        ...(input.status === 'sent' && { expiration_timestamp: String(Number(timestamp) + DAY_SECONDS) }),
        origin: { type: pricing.category },
      },
      pricing: { billable: pricing.billable, pricing_model: 'PMP', type: 'regular', category: pricing.category },
    }),
    ...(input.error !== undefined && {
      errors: [
        {
          code: input.error.code,
          title: input.error.title,
          message: input.error.title,
          ...(input.error.details !== undefined && { error_data: { details: input.error.details } }),
        },
      ],
    }),
  };
}

// ---------------------------------------------------------------- signature

/** The `X-Hub-Signature-256` header WhatsApp sends: HMAC-SHA256 of the raw body with the app secret. */
export function signBody(body: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}
