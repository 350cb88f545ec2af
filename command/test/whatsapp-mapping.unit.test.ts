import {
  audioMessage,
  contactsMessage,
  documentMessage,
  imageMessage,
  interactiveButtonReply,
  interactiveFlowReply,
  interactiveListReply,
  locationMessage,
  otherMessage,
  reactionMessage,
  signBody,
  statusUpdate,
  stickerMessage,
  templateButtonReply,
  textMessage,
  unsupportedMessage,
  videoMessage,
  webhookEnvelope,
} from '@parley/command/testing';
import { InboundContent } from '@parley/events';
import { describe, expect, it } from 'vitest';
import { boundedInstant, contactProfileFor, referral, replyContext, toInboundContent, toStatusFacts, toUnixInstant } from '../src/whatsapp/webhook-mapping.ts';
import {
  formatZodIssues,
  isMessagesChange,
  type WebhookChangeValue,
  type WebhookMessage,
  WebhookPayload,
  type WebhookStatus,
} from '../src/whatsapp/webhook-payload.ts';

const PHONE_NUMBER_ID = '106540352242922';
const CUSTOMER = '16315551234';
const TS = '1717171717';
const AT = '2024-05-31T16:08:37.000Z';
/** When the statuses below reach us: right as WhatsApp stamped them. */
const RECEIVED = new Date(AT);

/** The one messages value a single-change envelope carries, after validation. */
function validatedValue(payload: unknown): WebhookChangeValue {
  const parsed = WebhookPayload.safeParse(payload);
  if (!parsed.success) throw new Error(formatZodIssues(parsed.error));
  const change = parsed.data.entry[0]?.changes[0];
  if (change === undefined || !isMessagesChange(change)) throw new Error('expected one messages change');
  return change.value;
}

function validatedMessage(message: WebhookMessage): WebhookMessage {
  const only = validatedValue(webhookEnvelope({ phoneNumberId: PHONE_NUMBER_ID, messages: [message] })).messages?.[0];
  if (only === undefined) throw new Error('expected one message');
  return only;
}

function validatedStatus(status: WebhookStatus): WebhookStatus {
  const only = validatedValue(webhookEnvelope({ phoneNumberId: PHONE_NUMBER_ID, statuses: [status] })).statuses?.[0];
  if (only === undefined) throw new Error('expected one status');
  return only;
}

/** Validates, maps, and checks the result is a valid catalog value. */
function contentOf(message: WebhookMessage): InboundContent {
  const content = toInboundContent(validatedMessage(message));
  expect(InboundContent.parse(content)).toEqual(content);
  return content;
}

function rejectionOf(payload: unknown): string {
  const parsed = WebhookPayload.safeParse(payload);
  expect(parsed.success).toBe(false);
  return parsed.success ? '' : formatZodIssues(parsed.error);
}

/** A deep copy to break on purpose. */
const broken = <T>(value: T): T => structuredClone(value);

describe('inbound message content', () => {
  const from = CUSTOMER;

  it('maps text', () => {
    expect(contentOf(textMessage({ from, body: 'Hi, is my order shipped?' }))).toEqual({ type: 'text', body: 'Hi, is my order shipped?' });
  });

  it('maps an image with its caption', () => {
    const message = imageMessage({ from, mediaId: '1234567890', mimeType: 'image/jpeg', sha256: 'abc=', caption: 'the box' });
    expect(contentOf(message)).toEqual({ type: 'image', mediaId: '1234567890', mimeType: 'image/jpeg', sha256: 'abc=', caption: 'the box' });
  });

  it('maps a video without caption to a null caption', () => {
    const message = videoMessage({ from, mediaId: '42', sha256: 'v=' });
    expect(contentOf(message)).toEqual({ type: 'video', mediaId: '42', mimeType: 'video/mp4', sha256: 'v=', caption: null });
  });

  it('maps a voice note', () => {
    const message = audioMessage({ from, mediaId: '555', sha256: 'h=', voice: true });
    expect(contentOf(message)).toEqual({
      type: 'audio',
      mediaId: '555',
      mimeType: 'audio/ogg; codecs=opus',
      sha256: 'h=',
      caption: null,
      voice: true,
    });
  });

  it('defaults voice to false when WhatsApp leaves it out', () => {
    const message = broken(audioMessage({ from, mediaId: '555', mimeType: 'audio/mpeg', sha256: 'h=' }));
    delete message.audio.voice;
    expect(contentOf(message)).toMatchObject({ type: 'audio', voice: false });
  });

  it('maps a document with its filename', () => {
    const message = documentMessage({ from, mediaId: '777', sha256: 'd=', caption: 'invoice', filename: 'invoice-0042.pdf' });
    expect(contentOf(message)).toEqual({
      type: 'document',
      mediaId: '777',
      mimeType: 'application/pdf',
      sha256: 'd=',
      caption: 'invoice',
      filename: 'invoice-0042.pdf',
    });
  });

  it('maps a sticker', () => {
    const message = stickerMessage({ from, mediaId: '888', sha256: 's=', animated: true });
    expect(contentOf(message)).toEqual({
      type: 'sticker',
      mediaId: '888',
      mimeType: 'image/webp',
      sha256: 's=',
      caption: null,
      animated: true,
    });
  });

  it('maps a location', () => {
    const message = locationMessage({ from, latitude: 37.4847, longitude: -122.1473, name: 'Philz Coffee', address: '101 Forest Ave' });
    expect(contentOf(message)).toEqual({
      type: 'location',
      latitude: 37.4847,
      longitude: -122.1473,
      name: 'Philz Coffee',
      address: '101 Forest Ave',
    });
    expect(contentOf(locationMessage({ from, latitude: 0, longitude: 0 }))).toEqual({
      type: 'location',
      latitude: 0,
      longitude: 0,
      name: null,
      address: null,
    });
  });

  it('maps shared contacts', () => {
    const message = contactsMessage({
      from,
      contacts: [
        {
          formattedName: 'Barbara Johnson',
          firstName: 'Barbara',
          phones: [{ phone: '+1 (940) 555-1234', waId: '19405551234', type: 'HOME' }, { phone: '+1 650 555 0000' }],
          emails: [{ email: 'bjohnson@example.com', type: 'WORK' }],
          company: 'Social Media Inc',
          urls: [{ url: 'https://www.example.com', type: 'WORK' }],
        },
      ],
    });
    expect(contentOf(message)).toEqual({
      type: 'contacts',
      contacts: [
        {
          formattedName: 'Barbara Johnson',
          phones: [
            { phone: '+1 (940) 555-1234', waId: '19405551234', type: 'HOME' },
            { phone: '+1 650 555 0000', waId: null, type: null },
          ],
          emails: [{ email: 'bjohnson@example.com', type: 'WORK' }],
          organization: 'Social Media Inc',
          urls: ['https://www.example.com'],
        },
      ],
    });
  });

  it('maps a reply button', () => {
    const message = interactiveButtonReply({ from, replyId: 'confirm-yes', title: 'Yes' });
    expect(contentOf(message)).toEqual({
      type: 'interactive',
      replyType: 'button_reply',
      replyId: 'confirm-yes',
      title: 'Yes',
      description: null,
      responseJson: null,
    });
  });

  it('maps a list reply', () => {
    const message = interactiveListReply({ from, replyId: 'slot-2', title: 'Tuesday 10:00', description: 'Main store' });
    expect(contentOf(message)).toEqual({
      type: 'interactive',
      replyType: 'list_reply',
      replyId: 'slot-2',
      title: 'Tuesday 10:00',
      description: 'Main store',
      responseJson: null,
    });
  });

  it('maps a Flow answer (nfm_reply) keeping its JSON string', () => {
    const responseJson = '{"flow_token":"abc","rating":"5"}';
    expect(contentOf(interactiveFlowReply({ from, responseJson }))).toEqual({
      type: 'interactive',
      replyType: 'nfm_reply',
      replyId: null,
      title: null,
      description: null,
      responseJson,
    });
  });

  it('maps a template quick-reply button', () => {
    expect(contentOf(templateButtonReply({ from, text: 'Stop promotions', payload: 'STOP' }))).toEqual({
      type: 'button',
      text: 'Stop promotions',
      payload: 'STOP',
    });
    expect(contentOf(templateButtonReply({ from, text: 'Yes' }))).toEqual({ type: 'button', text: 'Yes', payload: null });
  });

  it('maps a reaction and a removed reaction', () => {
    const target = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA';
    expect(contentOf(reactionMessage({ from, targetWamid: target, emoji: '\u{1F600}' }))).toEqual({
      type: 'reaction',
      targetWamid: target,
      emoji: '\u{1F600}',
    });
    expect(contentOf(reactionMessage({ from, targetWamid: target }))).toEqual({ type: 'reaction', targetWamid: target, emoji: null });
  });

  it('maps unsupported content with its errors', () => {
    const message = unsupportedMessage({ from, errors: [{ code: 131051, title: 'Message type unknown', details: 'not supported' }] });
    expect(contentOf(message)).toEqual({
      type: 'unsupported',
      originalType: 'unsupported',
      errors: [{ code: 131051, title: 'Message type unknown' }],
    });
  });

  it('keeps order, system and future types as unsupported without checking their shape', () => {
    expect(contentOf(otherMessage({ from, type: 'order', fields: { order: { catalog_id: '1', product_items: [] } } }))).toEqual({
      type: 'unsupported',
      originalType: 'order',
      errors: [],
    });
    expect(contentOf(otherMessage({ from, type: 'hologram', fields: { hologram: 42 } }))).toEqual({
      type: 'unsupported',
      originalType: 'hologram',
      errors: [],
    });
  });
});

describe('message context', () => {
  it('reads a reply, a referral and the sender', () => {
    const message = textMessage({ from: CUSTOMER, id: 'wamid.B', timestamp: TS, body: 'this one', context: { from: '15550783881', id: 'wamid.A' } });
    const withReferral = { ...message, referral: { source_url: 'https://fb.me/ad', source_type: 'ad', ctwa_clid: 'x1' } };
    const value = validatedValue(webhookEnvelope({ phoneNumberId: PHONE_NUMBER_ID, contacts: [{ waId: CUSTOMER, name: 'Ana' }], messages: [withReferral] }));
    const parsed = value.messages?.[0];
    if (parsed === undefined) throw new Error('expected one message');
    expect(toUnixInstant(parsed.timestamp)).toBe(AT);
    expect(replyContext(parsed)).toEqual({ wamid: 'wamid.A', from: '15550783881' });
    expect(referral(parsed)).toEqual({ source_url: 'https://fb.me/ad', source_type: 'ad', ctwa_clid: 'x1' });
    expect(contactProfileFor(value, parsed)).toEqual({ waId: CUSTOMER, userId: null, profileName: 'Ana' });
  });

  it('treats a forwarded message as no reply', () => {
    const message = { ...textMessage({ from: CUSTOMER, body: 'fwd' }), context: { forwarded: true } };
    const parsed = validatedMessage(message);
    expect(replyContext(parsed)).toBeNull();
    expect(referral(parsed)).toBeNull();
  });

  it('matches the sender by user_id when a username user has no wa_id', () => {
    const message = textMessage({ from: '', fromUserId: 'US.13491208655302741918', body: 'hi' });
    const value = validatedValue(
      webhookEnvelope({
        phoneNumberId: PHONE_NUMBER_ID,
        contacts: [
          { waId: '16315550000', name: 'Someone else' },
          { userId: 'US.13491208655302741918', name: 'Bo' },
        ],
        messages: [message],
      }),
    );
    const parsed = value.messages?.[0];
    if (parsed === undefined) throw new Error('expected one message');
    expect(contactProfileFor(value, parsed)).toEqual({ waId: null, userId: 'US.13491208655302741918', profileName: 'Bo' });
  });

  it('falls back to a lone contact only when it names no one else', () => {
    const message = textMessage({ from: CUSTOMER, body: 'hi' });
    const withUserId = validatedValue(
      webhookEnvelope({ phoneNumberId: PHONE_NUMBER_ID, contacts: [{ userId: 'BR.1502576394655843', name: 'Cy' }], messages: [message] }),
    );
    const other = validatedValue(webhookEnvelope({ phoneNumberId: PHONE_NUMBER_ID, contacts: [{ waId: '16315550000', name: 'Dee' }], messages: [message] }));
    expect(contactProfileFor(withUserId, message)).toEqual({ waId: CUSTOMER, userId: 'BR.1502576394655843', profileName: 'Cy' });
    expect(contactProfileFor(other, message)).toEqual({ waId: CUSTOMER, userId: null, profileName: null });
  });
});

describe('status updates', () => {
  const wamid = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA';
  const recipientId = CUSTOMER;

  it.each(['sent', 'delivered', 'read'] as const)('maps %s with pricing and conversation', (status) => {
    const update = statusUpdate({
      id: wamid,
      status,
      recipientId,
      timestamp: TS,
      conversationId: 'c0ffee',
      pricing: { billable: true, category: 'utility' },
    });
    expect(toStatusFacts(validatedStatus(update), RECEIVED)).toEqual({
      kind: status,
      wamid,
      recipientId,
      at: AT,
      pricing: { billable: true, pricingModel: 'PMP', category: 'utility', type: 'regular' },
      whatsappConversation: {
        id: 'c0ffee',
        originType: 'utility',
        expiresAt: status === 'sent' ? '2024-06-01T16:08:37.000Z' : null,
      },
      error: null,
    });
  });

  it('maps a status without pricing or conversation to nulls', () => {
    const update = validatedStatus({ id: wamid, status: 'read', timestamp: TS, recipient_id: recipientId });
    expect(toStatusFacts(update, RECEIVED)).toMatchObject({ kind: 'read', pricing: null, whatsappConversation: null, error: null });
  });

  it('maps failed with its first error', () => {
    const update = statusUpdate({
      id: wamid,
      status: 'failed',
      recipientId,
      timestamp: TS,
      error: { code: 131047, title: 'Re-engagement message', details: 'More than 24 hours have passed' },
    });
    expect(toStatusFacts(validatedStatus(update), RECEIVED)).toEqual({
      kind: 'failed',
      wamid,
      recipientId,
      at: AT,
      pricing: null,
      whatsappConversation: null,
      error: { code: 131047, title: 'Re-engagement message', details: 'More than 24 hours have passed' },
    });
  });

  it('falls back to the error message, then to an unknown error', () => {
    const withMessage = statusUpdate({ id: wamid, status: 'failed', recipientId, error: { code: 131026, title: 'Message undeliverable' } });
    expect(toStatusFacts(validatedStatus(withMessage), RECEIVED)?.error).toEqual({
      code: 131026,
      title: 'Message undeliverable',
      details: 'Message undeliverable',
    });
    const bare = statusUpdate({ id: wamid, status: 'failed', recipientId });
    expect(toStatusFacts(validatedStatus(bare), RECEIVED)?.error).toEqual({ code: 0, title: 'unknown error', details: null });
  });

  it('accepts but does not handle other kinds', () => {
    for (const status of ['deleted', 'warning']) {
      expect(toStatusFacts(validatedStatus(statusUpdate({ id: wamid, status, recipientId })), RECEIVED)).toBeNull();
    }
  });
});

describe('timestamps', () => {
  const unixOf = (iso: string) => String(Date.parse(iso) / 1000);
  const received = new Date('2026-03-01T12:00:00.000Z');

  it('keeps a timestamp within 30 days before and 5 minutes after receipt as it is', () => {
    for (const at of ['2026-03-01T12:05:00.000Z', '2026-03-01T11:59:59.000Z', '2026-02-22T12:00:00.000Z', '2026-01-30T12:00:00.000Z']) {
      expect(boundedInstant(unixOf(at), received)).toEqual({ at, reported: null });
    }
  });

  it('moves a timestamp from the future to receipt + 5 minutes, keeping the one sent', () => {
    // 2076: as sent, this held the 24 h window open for fifty years.
    expect(boundedInstant(unixOf('2076-03-01T12:00:00.000Z'), received)).toEqual({
      at: '2026-03-01T12:05:00.000Z',
      reported: '2076-03-01T12:00:00.000Z',
    });
    expect(boundedInstant(unixOf('2026-03-01T12:05:01.000Z'), received).at).toBe('2026-03-01T12:05:00.000Z');
  });

  it('moves a timestamp older than 30 days to receipt - 30 days, keeping the one sent', () => {
    expect(boundedInstant('0', received)).toEqual({ at: '2026-01-30T12:00:00.000Z', reported: '1970-01-01T00:00:00.000Z' });
    expect(boundedInstant(unixOf('2026-01-30T11:59:59.000Z'), received).at).toBe('2026-01-30T12:00:00.000Z');
  });

  it('bounds statuses by the same rule', () => {
    const future = validatedStatus(statusUpdate({ id: 'wamid.F', status: 'delivered', recipientId: CUSTOMER, timestamp: unixOf('2076-01-01T00:00:00.000Z') }));
    expect(toStatusFacts(future, received)).toMatchObject({ at: '2026-03-01T12:05:00.000Z', reportedAt: '2076-01-01T00:00:00.000Z' });
    const onTime = validatedStatus(statusUpdate({ id: 'wamid.T', status: 'read', recipientId: CUSTOMER, timestamp: unixOf('2026-03-01T11:00:00.000Z') }));
    const facts = toStatusFacts(onTime, received);
    expect(facts?.at).toBe('2026-03-01T11:00:00.000Z');
    expect(facts).not.toHaveProperty('reportedAt');
  });
});

describe('validation', () => {
  const valid = () => webhookEnvelope({ phoneNumberId: PHONE_NUMBER_ID, messages: [textMessage({ from: CUSTOMER, body: 'hi' })] });

  it('keeps changes of other fields whatever their value', () => {
    const payload = {
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED', anything: [1, 2] } }] }],
    };
    const parsed = WebhookPayload.parse(payload);
    expect(parsed.entry[0]?.changes[0]).toEqual(payload.entry[0]?.changes[0]);
    expect(parsed.entry[0]?.changes[0] && isMessagesChange(parsed.entry[0].changes[0])).toBe(false);
  });

  it('keeps fields Meta adds', () => {
    const payload = broken(valid());
    Object.assign(payload, { extra: true });
    const parsed = WebhookPayload.parse(payload);
    expect(parsed).toEqual(payload);
  });

  it('rejects a message without from', () => {
    const payload = broken(valid()) as unknown as { entry: [{ changes: [{ value: { messages: [Record<string, unknown>] } }] }] };
    delete payload.entry[0].changes[0].value.messages[0].from;
    expect(rejectionOf(payload)).toBe('entry.0.changes.0.value.messages.0.from: expected string');
  });

  it('rejects text without a body', () => {
    const payload = broken(valid()) as unknown as { entry: [{ changes: [{ value: { messages: [{ text: Record<string, unknown> }] } }] }] };
    delete payload.entry[0].changes[0].value.messages[0].text.body;
    expect(rejectionOf(payload)).toBe('entry.0.changes.0.value.messages.0.text.body: expected string');
  });

  it('rejects a known type without its content, and an interactive of an unknown kind', () => {
    const noImage = { ...imageMessage({ from: CUSTOMER }), image: undefined };
    expect(rejectionOf(webhookEnvelope({ phoneNumberId: PHONE_NUMBER_ID, messages: [noImage as unknown as WebhookMessage] }))).toBe(
      'entry.0.changes.0.value.messages.0.image: expected object',
    );
    const odd = broken(interactiveButtonReply({ from: CUSTOMER, replyId: 'a', title: 'A' }));
    Object.assign(odd.interactive, { type: 'carousel_reply' });
    expect(rejectionOf(webhookEnvelope({ phoneNumberId: PHONE_NUMBER_ID, messages: [odd] }))).toBe(
      'entry.0.changes.0.value.messages.0.interactive.type: expected one of "button_reply" | "list_reply" | "nfm_reply"',
    );
  });

  it('rejects a status without id', () => {
    const status = broken(statusUpdate({ id: 'wamid.X', status: 'sent', recipientId: CUSTOMER })) as Record<string, unknown>;
    delete status.id;
    expect(rejectionOf(webhookEnvelope({ phoneNumberId: PHONE_NUMBER_ID, statuses: [status as WebhookStatus] }))).toBe(
      'entry.0.changes.0.value.statuses.0.id: expected string',
    );
  });

  it('rejects a timestamp that is not unix seconds', () => {
    const payload = webhookEnvelope({ phoneNumberId: PHONE_NUMBER_ID, messages: [textMessage({ from: CUSTOMER, body: 'x', timestamp: '2024-05-31' })] });
    expect(rejectionOf(payload)).toBe('entry.0.changes.0.value.messages.0.timestamp: expected unix seconds as a string of digits');
  });

  it('rejects another object', () => {
    expect(rejectionOf({ ...valid(), object: 'page' })).toBe('object: expected "whatsapp_business_account"');
  });

  it('names at most five problems', () => {
    const messages = Array.from({ length: 7 }, () => ({ type: 'text', id: 'w', timestamp: TS, text: { body: 'x' } }));
    const reason = rejectionOf(webhookEnvelope({ phoneNumberId: PHONE_NUMBER_ID, messages: messages as unknown as WebhookMessage[] }));
    expect(reason.split('; ')).toHaveLength(5);
    expect(reason).toMatch(/^entry\.0\.changes\.0\.value\.messages\.0\.from: expected string; .* \(\+2 more\)$/);
  });
});

describe('fixtures', () => {
  it('builds contacts from the senders and signs like WhatsApp', () => {
    const payload = webhookEnvelope({ phoneNumberId: PHONE_NUMBER_ID, messages: [textMessage({ from: CUSTOMER, body: 'hi' })] });
    expect(payload.entry[0]?.changes[0]?.value).toMatchObject({
      metadata: { phone_number_id: PHONE_NUMBER_ID },
      contacts: [{ wa_id: CUSTOMER, profile: { name: 'Test Customer' } }],
    });
    // Known answer: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
    expect(signBody('The quick brown fox jumps over the lazy dog', 'key')).toBe('sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
    expect(signBody(Buffer.from('The quick brown fox jumps over the lazy dog'), 'key')).toBe(signBody('The quick brown fox jumps over the lazy dog', 'key'));
  });
});
