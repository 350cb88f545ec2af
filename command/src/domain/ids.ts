import { hash } from 'node:crypto';

/**
 * Deterministic identifiers. Everything WhatsApp may deliver twice (messages, statuses,
 * contacts) gets ids derived from WhatsApp's own ids, so a redelivery produces the same
 * events and the store's idempotent append turns it into a no-op.
 */
const NAMESPACE = '4f1d8a52-7c1e-4b6a-9a63-0c6f3e1b2d90';

const NAMESPACE_BYTES = Buffer.from(NAMESPACE.replace(/-/g, ''), 'hex');

/** RFC 9562 UUIDv5 (SHA-1 of namespace and name), with one-shot hashing: on the webhook's hot path. */
function uuidv5(name: string): string {
  const h = hash('sha1', Buffer.concat([NAMESPACE_BYTES, Buffer.from(name, 'utf8')]), 'buffer');
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** JSON keeps the parts apart whatever characters they hold. */
export const deterministicId = (...parts: string[]) => uuidv5(JSON.stringify(parts));

/** Contacts are keyed on wa_id when WhatsApp gives one, else on the business-scoped user id. */
export const contactIdFor = (tenantId: string, identity: { waId: string | null; userId: string | null }) =>
  deterministicId('contact', tenantId, identity.waId ? `wa:${identity.waId}` : `user:${identity.userId ?? ''}`);

/** One invoice per tenant and billing period: the id (and stream) derive from both, so a period cannot be invoiced twice. */
export const invoiceIdFor = (tenantId: string, periodStart: string) => deterministicId('invoice', tenantId, new Date(periodStart).toISOString());

export const numberIdFor = (phoneNumberId: string) => deterministicId('whatsapp-number', phoneNumberId);

/**
 * Ids derived from a wamid, scoped to the tenant and number it arrived on. A wamid is
 * unique only as far as its sender is honest, and whoever connects a number can post any
 * wamid: unscoped, a tenant's stored event would turn another tenant's event of the same
 * id into a duplicate (silently dropped) or a partial duplicate (refused on every retry).
 * Events stored under the earlier, unscoped ids keep them; a redelivery of those is
 * recognised by the thread, which remembers the wamids it recorded, not by the id.
 */
export const wamidScopedId = (kind: string, at: { tenantId: string; phoneNumberId: string }, ...parts: string[]) =>
  deterministicId(kind, at.tenantId, at.phoneNumberId, ...parts);

/**
 * A thread holds every conversation of one contact on one WhatsApp number, in one
 * stream: "at most one open conversation per contact and number" is then a rule of one
 * aggregate, checked under one expected revision. Its key is 96 bits of a hash.
 */
export const threadKeyFor = (tenantId: string, phoneNumberId: string, contactId: string) =>
  hash('sha256', `${tenantId}|${phoneNumberId}|${contactId}`).slice(0, 24);

export const streams = {
  tenant: (tenantId: string) => `tenant-${tenantId}`,
  whatsappNumber: (phoneNumberId: string) => `whatsapp_number-${phoneNumberId}`,
  contact: (contactId: string) => `contact-${contactId}`,
  thread: (threadKey: string) => `thread-${threadKey}`,
  webhookSubscription: (subscriptionId: string) => `webhook_subscription-${subscriptionId}`,
  plan: (planKey: string) => `plan-${planKey}`,
  tenantPlan: (tenantId: string) => `tenant_plan-${tenantId}`,
  /** A tenant's Stripe subscription, payments and dunning. */
  subscription: (tenantId: string) => `subscription-${tenantId}`,
  /** The tenant a Stripe customer, payment intent or charge belongs to. */
  stripeObject: (objectId: string) => `stripe_object-${objectId}`,
  /** A tenant's invoice of one period (`invoiceIdFor`). */
  invoice: (invoiceId: string) => `invoice-${invoiceId}`,
};

const SEQ_BITS = 26n;
const MAX_SEQ = (1n << SEQ_BITS) - 1n;

/**
 * A conversation id is a UUIDv8 that carries its thread key (96 bits) and its number in
 * the thread (26 bits), so any command on /v1/conversations/:id finds its stream
 * without a lookup table.
 */
export function conversationIdFor(threadKey: string, seq: number): string {
  const s = BigInt(seq);
  if (s < 1n || s > MAX_SEQ) throw new RangeError(`conversation number out of range: ${seq}`);
  const payload = (BigInt(`0x${threadKey}`) << SEQ_BITS) | s; // 122 bits
  const hi48 = payload >> 74n;
  const mid12 = (payload >> 62n) & 0xfffn;
  const lo62 = payload & ((1n << 62n) - 1n);
  const value = (hi48 << 80n) | (0x8n << 76n) | (mid12 << 64n) | (0b10n << 62n) | lo62;
  const hex = value.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function parseConversationId(id: string): { threadKey: string; seq: number } | null {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(id)) return null;
  const value = BigInt(`0x${id.replace(/-/g, '')}`);
  const hi48 = value >> 80n;
  const mid12 = (value >> 64n) & 0xfffn;
  const lo62 = value & ((1n << 62n) - 1n);
  const payload = (hi48 << 74n) | (mid12 << 62n) | lo62;
  const seq = Number(payload & MAX_SEQ);
  if (seq < 1) return null;
  return { threadKey: (payload >> SEQ_BITS).toString(16).padStart(24, '0'), seq };
}
