// The bounds are shared with the read side's customer time (events/src/catalog/customer-time.ts).
import { type InboundContent, isDeliveryStatus, MAX_CLOCK_AHEAD_MS, MAX_DELIVERY_AGE_MS } from '@parley/events';
import type { StatusItem } from '../domain/conversation-thread.ts';
import type { WebhookChangeValue, WebhookContact, WebhookMessage, WebhookMessageOf, WebhookStatus } from './webhook-payload.ts';
import { isKnownMessage } from './webhook-payload.ts';

/**
 * Pure translations from validated webhook payloads to the facts our events record.
 * Inputs must have passed `WebhookPayload`; outputs then pass the catalog schemas.
 */

const emptyToNull = (value: string | undefined): string | null => (value === undefined || value === '' ? null : value);

/** WhatsApp's unix-seconds string as an ISO instant. */
export function toUnixInstant(ts: string): string {
  const seconds = /^\d+$/.test(ts) ? Number(ts) : Number.NaN;
  const date = new Date(seconds * 1000);
  if (!Number.isSafeInteger(seconds) || Number.isNaN(date.getTime()) || date.getUTCFullYear() > 9999) {
    throw new RangeError(`not a WhatsApp unix-seconds timestamp: ${JSON.stringify(ts)}`);
  }
  return date.toISOString();
}

/**
 * A webhook timestamp as an instant within [receivedAt - 30 days, receivedAt + 5 min].
 * The sender sets the timestamp, and it drives state: a message stamped decades ahead
 * would hold the 24 h window open for decades. The timestamp as sent is kept in
 * `reported` whenever it had to be moved (null otherwise).
 */
export function boundedInstant(ts: string, receivedAt: Date): { at: string; reported: string | null } {
  const sent = toUnixInstant(ts);
  const t = Date.parse(sent);
  const latest = receivedAt.getTime() + MAX_CLOCK_AHEAD_MS;
  const earliest = receivedAt.getTime() - MAX_DELIVERY_AGE_MS;
  if (t > latest) return { at: new Date(latest).toISOString(), reported: sent };
  if (t < earliest) return { at: new Date(earliest).toISOString(), reported: sent };
  return { at: sent, reported: null };
}

function sharedContacts(message: WebhookMessageOf<'contacts'>): InboundContent {
  return {
    type: 'contacts',
    contacts: message.contacts.map((contact) => ({
      formattedName: contact.name?.formatted_name ?? '',
      // Entries without the one field the catalog needs carry nothing worth keeping.
      phones: (contact.phones ?? []).flatMap((p) => (p.phone === undefined ? [] : [{ phone: p.phone, waId: emptyToNull(p.wa_id), type: p.type ?? null }])),
      emails: (contact.emails ?? []).flatMap((e) => (e.email === undefined ? [] : [{ email: e.email, type: e.type ?? null }])),
      organization: emptyToNull(contact.org?.company),
      urls: (contact.urls ?? []).flatMap((u) => (u.url === undefined ? [] : [u.url])),
    })),
  };
}

function interactiveReply(message: WebhookMessageOf<'interactive'>): InboundContent {
  const { interactive } = message;
  switch (interactive.type) {
    case 'button_reply':
      return {
        type: 'interactive',
        replyType: 'button_reply',
        replyId: interactive.button_reply.id,
        title: interactive.button_reply.title,
        description: null,
        responseJson: null,
      };
    case 'list_reply':
      return {
        type: 'interactive',
        replyType: 'list_reply',
        replyId: interactive.list_reply.id,
        title: interactive.list_reply.title,
        description: interactive.list_reply.description ?? null,
        responseJson: null,
      };
    case 'nfm_reply':
      return {
        type: 'interactive',
        replyType: 'nfm_reply',
        replyId: null,
        title: null,
        description: null,
        responseJson: interactive.nfm_reply.response_json,
      };
  }
}

/** Maps every message type WhatsApp documents; anything else becomes `unsupported` so it is kept, not lost. */
export function toInboundContent(message: WebhookMessage): InboundContent {
  if (!isKnownMessage(message)) {
    return {
      type: 'unsupported',
      originalType: message.type,
      errors: (message.errors ?? []).map((e) => ({ code: e.code, title: e.title })),
    };
  }
  switch (message.type) {
    case 'text':
      return { type: 'text', body: message.text.body };
    case 'image':
    case 'video': {
      const media = message.type === 'image' ? message.image : message.video;
      return {
        type: message.type,
        mediaId: media.id,
        mimeType: media.mime_type,
        sha256: media.sha256 ?? null,
        caption: media.caption ?? null,
      };
    }
    case 'audio':
      return {
        type: 'audio',
        mediaId: message.audio.id,
        mimeType: message.audio.mime_type,
        sha256: message.audio.sha256 ?? null,
        caption: message.audio.caption ?? null,
        voice: message.audio.voice ?? false,
      };
    case 'document':
      return {
        type: 'document',
        mediaId: message.document.id,
        mimeType: message.document.mime_type,
        sha256: message.document.sha256 ?? null,
        caption: message.document.caption ?? null,
        filename: message.document.filename ?? null,
      };
    case 'sticker':
      return {
        type: 'sticker',
        mediaId: message.sticker.id,
        mimeType: message.sticker.mime_type,
        sha256: message.sticker.sha256 ?? null,
        caption: message.sticker.caption ?? null,
        animated: message.sticker.animated ?? false,
      };
    case 'location':
      return {
        type: 'location',
        latitude: message.location.latitude,
        longitude: message.location.longitude,
        name: message.location.name ?? null,
        address: message.location.address ?? null,
      };
    case 'contacts':
      return sharedContacts(message);
    case 'interactive':
      return interactiveReply(message);
    case 'button':
      return { type: 'button', text: message.button.text, payload: message.button.payload ?? null };
    case 'reaction':
      // A removed reaction arrives without an emoji; an empty one means the same.
      return { type: 'reaction', targetWamid: message.reaction.message_id, emoji: emptyToNull(message.reaction.emoji) };
  }
}

// ---------------------------------------------------------------- statuses

/**
 * The facts of a status update, or null for kinds we do not act on (the caller
 * dead-letters those). Its time is bounded around `receivedAt` like a message's.
 */
export function toStatusFacts(status: WebhookStatus, receivedAt: Date): StatusItem | null {
  const kind = status.status;
  if (!isDeliveryStatus(kind)) return null;
  const { pricing, conversation } = status;
  const first = status.errors?.[0];
  const at = boundedInstant(status.timestamp, receivedAt);
  return {
    kind,
    wamid: status.id,
    recipientId: status.recipient_id,
    ...(typeof status.biz_opaque_callback_data === 'string' && status.biz_opaque_callback_data !== '' && { callbackData: status.biz_opaque_callback_data }),
    at: at.at,
    ...(at.reported !== null && { reportedAt: at.reported }),
    pricing: pricing
      ? {
          billable: pricing.billable ?? null,
          pricingModel: emptyToNull(pricing.pricing_model),
          category: emptyToNull(pricing.category),
          type: emptyToNull(pricing.type),
        }
      : null,
    whatsappConversation: conversation
      ? {
          id: conversation.id,
          originType: emptyToNull(conversation.origin?.type),
          expiresAt: conversation.expiration_timestamp === undefined ? null : toUnixInstant(String(conversation.expiration_timestamp)),
        }
      : null,
    error:
      kind !== 'failed'
        ? null
        : first
          ? { code: first.code, title: first.title, details: emptyToNull(first.error_data?.details) ?? emptyToNull(first.message) }
          : // A failure must still be recorded as one even when WhatsApp gives no reason.
            { code: 0, title: 'unknown error', details: null },
  };
}

// ---------------------------------------------------------------- message context

/** The earlier message this one replies to; a forwarded message has a context without an id and is no reply. */
export function replyContext(message: WebhookMessage): { wamid: string; from: string | null } | null {
  const id = message.context?.id;
  if (id === undefined || id === '') return null;
  return { wamid: id, from: emptyToNull(message.context?.from) };
}

/** The click-to-WhatsApp ad the customer came from, as WhatsApp sent it. */
export function referral(message: WebhookMessage): Record<string, unknown> | null {
  return message.referral ?? null;
}

// ---------------------------------------------------------------- sender

export interface ContactProfile {
  waId: string | null;
  userId: string | null;
  profileName: string | null;
}

function contactFor(contacts: readonly WebhookContact[], message: WebhookMessage): WebhookContact | undefined {
  const waId = emptyToNull(message.from);
  const userId = emptyToNull(message.from_user_id);
  const matched = contacts.find((c) => (waId !== null && c.wa_id === waId) || (userId !== null && c.user_id === userId));
  if (matched !== undefined || contacts.length !== 1) return matched;
  // A lone contact is the sender unless one of its ids names someone else: a wrong
  // profile name on a contact is worse than none.
  const only = contacts[0];
  if (only === undefined) return undefined;
  const conflicts =
    (waId !== null && emptyToNull(only.wa_id) !== null && only.wa_id !== waId) ||
    (userId !== null && emptyToNull(only.user_id) !== null && only.user_id !== userId);
  return conflicts ? undefined : only;
}

/** Who sent `message`, keyed on both ids because username-only users (2026+) have no wa_id. */
export function contactProfileFor(value: WebhookChangeValue, message: WebhookMessage): ContactProfile {
  const contact = contactFor(value.contacts ?? [], message);
  return {
    waId: emptyToNull(message.from) ?? emptyToNull(contact?.wa_id),
    userId: emptyToNull(contact?.user_id) ?? emptyToNull(message.from_user_id),
    profileName: emptyToNull(contact?.profile?.name),
  };
}
