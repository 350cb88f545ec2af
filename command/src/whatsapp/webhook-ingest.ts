import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Actor, ParleyEvent, Position } from '@parley/events';
import { MAX_NESTING } from '@parley/kit';
import type { ThreadHandler } from '../application/conversations.ts';
import type { ConnectedNumber, WhatsAppNumbers } from '../application/whatsapp-numbers.ts';
import type { ContactCommand, ContactEvent, ContactState } from '../domain/contact.ts';
import type { InboundItem, StatusItem } from '../domain/conversation-thread.ts';
import { contactIdFor, deterministicId, streams, threadKeyFor, wamidScopedId } from '../domain/ids.ts';
import type { CommandHandler } from '../handling/command-handler.ts';
import type { DeadLetter, DeadLetters } from './dead-letters.ts';
import { mayNeedRepair, repairJson } from './storable-json.ts';
import { boundedInstant, contactProfileFor, referral, replyContext, toInboundContent, toStatusFacts } from './webhook-mapping.ts';
import { formatZodIssues, isMessagesChange, type WebhookChangeValue, WebhookPayload } from './webhook-payload.ts';

export type IngestOutcome = { status: 200; positions: Position[]; events: number; deadLetters: number } | { status: 400 | 401; reason: string };

export type ContactHandler = CommandHandler<ContactCommand, ContactState, ContactEvent>;

interface ThreadWork {
  number: ConnectedNumber;
  threadKey: string;
  contactId: string;
  identity: { waId: string | null; userId: string | null; profileName: string | null; wamid: string | null };
  messages: InboundItem[];
  statuses: StatusItem[];
}

const WHATSAPP: Actor = { type: 'system', id: 'whatsapp' };

/** Senders whose contact id and thread key are kept computed. */
const IDENTITY_CACHE_SIZE = 20_000;

/**
 * WhatsApp's payloads nest about ten levels deep. Anyone may post here unsigned, and
 * what reads a parsed body (validation, repair, dead letters, jsonb) recurses, so a
 * hostile depth is refused first, from the bytes, at the edge's one limit (MAX_NESTING).
 */
export function nestsDeeperThan(raw: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === 0x5c)
        i++; // the escaped byte cannot end the string
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Finds the phone_number_ids a payload is for, without trusting anything else in it. */
function phoneNumberIdsOf(body: unknown): string[] | null {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { entry?: unknown }).entry)) return null;
  const ids = new Set<string>();
  for (const entry of (body as { entry: unknown[] }).entry) {
    const changes = (entry as { changes?: unknown } | null)?.changes;
    if (!Array.isArray(changes)) continue;
    for (const change of changes) {
      const id = (change as { value?: { metadata?: { phone_number_id?: unknown } } } | null)?.value?.metadata?.phone_number_id;
      if (typeof id === 'string') ids.add(id);
    }
  }
  return [...ids];
}

export function signatureMatches(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Turns one WhatsApp webhook delivery into events. Order of checks: find the numbers the
 * payload is for (their app secrets sign it), verify the signature, validate, then
 * append. Everything a redelivery would produce again has deterministic event ids, so
 * WhatsApp's retries add nothing; the answer is 200 only once every append is durable.
 */
export class WebhookIngest {
  private readonly identities = new Map<string, { contactId: string; threadKey: string }>();

  constructor(
    private readonly numbers: WhatsAppNumbers,
    private readonly contacts: ContactHandler,
    private readonly threads: ThreadHandler,
    private readonly deadLetters: DeadLetters,
    private readonly clock: () => Date,
  ) {}

  async ingest(rawBody: Buffer, signature: string | undefined, correlationId: string): Promise<IngestOutcome> {
    if (nestsDeeperThan(rawBody, MAX_NESTING)) return { status: 400, reason: `payload nests deeper than ${MAX_NESTING} levels` };
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return { status: 400, reason: 'body is not valid JSON' };
    }
    // Before anything reads it: events and dead letters alike are made from this body.
    if (mayNeedRepair(rawBody)) body = repairJson(body);
    const phoneNumberIds = phoneNumberIdsOf(body);
    if (!phoneNumberIds || phoneNumberIds.length === 0) {
      return { status: 400, reason: 'payload names no phone_number_id (entry[].changes[].value.metadata)' };
    }

    const resolved = await Promise.all(phoneNumberIds.map((id) => this.numbers.resolve(id)));
    const known = new Map<string, ConnectedNumber>();
    resolved.forEach((n, i) => {
      if (n) known.set(phoneNumberIds[i]!, n);
    });
    // One app signs a delivery: every number in it that we know must accept the signature.
    for (const number of known.values()) {
      if (!signatureMatches(rawBody, signature, number.appSecret)) {
        return { status: 401, reason: 'X-Hub-Signature-256 does not match the payload' };
      }
    }

    const parsed = WebhookPayload.safeParse(body);
    if (!parsed.success) {
      const reason = formatZodIssues(parsed.error);
      // Signed by a tenant's app but not in WhatsApp's documented shape: kept for
      // diagnosis (WhatsApp will redeliver it for days), acted on never.
      if (known.size > 0) {
        await this.deadLetters.add([
          { reason: 'invalid_payload', phoneNumberId: [...known.keys()][0] ?? null, signatureVerified: true, detail: reason, payload: body },
        ]);
      }
      return { status: 400, reason };
    }

    const receivedAt = this.clock();
    const deadLetters: DeadLetter[] = [];
    const work = new Map<string, ThreadWork>();
    for (const entry of parsed.data.entry) {
      for (const change of entry.changes) {
        const phoneNumberId = (change.value as { metadata?: { phone_number_id?: string } }).metadata?.phone_number_id ?? null;
        const number = phoneNumberId ? known.get(phoneNumberId) : undefined;
        if (!number) {
          deadLetters.push({ reason: 'unknown_phone_number_id', phoneNumberId, signatureVerified: false, detail: null, payload: change });
          continue;
        }
        if (!isMessagesChange(change)) {
          deadLetters.push({ reason: 'unhandled_field', phoneNumberId, signatureVerified: true, detail: change.field, payload: change });
          continue;
        }
        this.collect(change.value, number, receivedAt, work, deadLetters);
      }
    }

    await this.deadLetters.add(deadLetters);
    const results = await Promise.all([...work.values()].map((w) => this.apply(w, correlationId)));
    return {
      status: 200,
      positions: results.flatMap((r) => r.positions),
      events: results.reduce((n, r) => n + r.events, 0),
      deadLetters: deadLetters.length,
    };
  }

  private collect(value: WebhookChangeValue, number: ConnectedNumber, receivedAt: Date, work: Map<string, ThreadWork>, deadLetters: DeadLetter[]) {
    const threadFor = (identity: { waId: string | null; userId: string | null; profileName: string | null }) => {
      const { contactId, threadKey } = this.threadOf(number, identity);
      let w = work.get(threadKey);
      if (!w) {
        w = { number, threadKey, contactId, identity: { ...identity, wamid: null }, messages: [], statuses: [] };
        work.set(threadKey, w);
      }
      return w;
    };

    for (const message of value.messages ?? []) {
      const profile = contactProfileFor(value, message);
      const w = threadFor(profile);
      if (profile.profileName) w.identity = { ...profile, wamid: message.id };
      const sentAt = boundedInstant(message.timestamp, receivedAt);
      w.messages.push({
        wamid: message.id,
        messageId: wamidScopedId('message', number, message.id),
        sentAt: sentAt.at,
        ...(sentAt.reported !== null && { reportedSentAt: sentAt.reported }),
        profileName: profile.profileName,
        content: toInboundContent(message),
        replyTo: replyContext(message),
        referral: referral(message),
      });
    }
    for (const status of value.statuses ?? []) {
      const facts = toStatusFacts(status, receivedAt);
      if (!facts) {
        deadLetters.push({
          reason: 'unhandled_status',
          phoneNumberId: number.phoneNumberId,
          signatureVerified: true,
          detail: String(status.status),
          payload: status,
        });
        continue;
      }
      threadFor({ waId: facts.recipientId, userId: null, profileName: null }).statuses.push(facts);
    }
    if (value.errors && value.errors.length > 0) {
      deadLetters.push({
        reason: 'whatsapp_errors',
        phoneNumberId: number.phoneNumberId,
        signatureVerified: true,
        detail: null,
        payload: value.errors,
      });
    }
  }

  /** Contact id and thread key are hashes of stable ids: computed once per sender. */
  private threadOf(number: ConnectedNumber, identity: { waId: string | null; userId: string | null }) {
    // JSON keeps the parts apart: with a separator, ids holding it could name another sender.
    const key = JSON.stringify([number.phoneNumberId, identity.waId, identity.userId]);
    let ids = this.identities.get(key);
    if (!ids) {
      const contactId = contactIdFor(number.tenantId, identity);
      ids = { contactId, threadKey: threadKeyFor(number.tenantId, number.phoneNumberId, contactId) };
      // Bounded like the handlers' folds (20,000 each): an entry is ~650 bytes of heap and
      // saves two hashes (~8 µs), so 100,000 of them held 65 MB for next to nothing.
      if (this.identities.size >= IDENTITY_CACHE_SIZE) this.identities.clear();
      this.identities.set(key, ids);
    }
    return ids;
  }

  private async apply(w: ThreadWork, correlationId: string): Promise<{ positions: Position[]; events: number }> {
    const { tenantId } = w.number;
    const now = this.clock();
    const positions: Position[] = [];
    let events = 0;
    const context = (actor: Actor, eventId: (e: ParleyEvent, i: number) => string) => ({
      tenantId,
      actor,
      correlationId,
      causationId: null,
      now,
      eventId,
    });

    // Messages are the customer's doing, statuses WhatsApp's: two appends, two actors.
    const record = async (actor: Actor, messages: readonly InboundItem[], statuses: readonly StatusItem[]) => {
      const result = await this.threads.handle(
        streams.thread(w.threadKey),
        {
          type: 'RecordWhatsAppActivity',
          threadKey: w.threadKey,
          contactId: w.contactId,
          numberId: w.number.numberId,
          phoneNumberId: w.number.phoneNumberId,
          messages,
          statuses,
        },
        context(actor, chainedIds(w.threadKey, w.number)),
        { freshness: 'cached' },
      );
      positions.push(result.position);
      events += result.events.length;
    };

    if (w.messages.length > 0) {
      const customer: Actor = { type: 'customer', id: w.contactId };
      const contact = await this.contacts.handle(
        streams.contact(w.contactId),
        { type: 'ObserveContact', contactId: w.contactId, ...w.identity },
        context(customer, (e) =>
          e.type === 'ContactCreated'
            ? deterministicId('contact-created', w.contactId)
            : deterministicId('contact-updated', w.contactId, w.identity.wamid ?? ''),
        ),
        { freshness: 'cached' },
      );
      positions.push(contact.position);
      events += contact.events.length;
      await record(customer, w.messages, []);
    }
    if (w.statuses.length > 0) await record(WHATSAPP, [], w.statuses);
    return { positions, events };
  }
}

/**
 * Event ids for webhook-driven events: from WhatsApp's ids, within the tenant and number,
 * where the event has one, else chained to the event before it, so the same delivery
 * always yields the same ids.
 */
function chainedIds(threadKey: string, number: ConnectedNumber) {
  const ids: string[] = [];
  return (e: ParleyEvent, i: number): string => {
    let id: string;
    switch (e.type) {
      case 'ConversationOpened':
        id = deterministicId('opened', e.data.conversationId);
        break;
      case 'MessageReceived':
        id = wamidScopedId('received', number, e.data.wamid);
        break;
      case 'MessageSent':
      case 'MessageDelivered':
      case 'MessageRead':
      case 'MessageFailed':
        id = wamidScopedId('status', number, e.data.wamid, e.type);
        break;
      default:
        id = deterministicId('follows', ids[i - 1] ?? threadKey, e.type);
    }
    ids[i] = id;
    return id;
  };
}
