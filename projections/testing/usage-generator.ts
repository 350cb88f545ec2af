import type { EventMetadata, ParleyEvent } from '@parley/events';
import { seededRandom } from '@parley/events/testing';

/**
 * Generated metered traffic for usage tests and benchmarks: per tenant, users added,
 * deactivated and reactivated (agent seats), conversations opened by customers and by
 * the business, messages received, sent and delivered with WhatsApp's pricing
 * (billable or free, four categories, recipients in several countries, one number
 * outside every numbering plan), and outbound webhook attempts. Some events are late:
 * appended after the tenant's other events but stamped with an earlier occurredAt.
 */

export interface UsageGenerated {
  tenants: string[];
  /** Every event in log order, with its envelope. */
  events: { streamId: string; event: ParleyEvent; metadata: EventMetadata }[];
  from: Date;
  to: Date;
}

/** WhatsApp ids of recipients: Germany, the US, Canada, Brazil, India, and a UK drama number no plan holds. */
export const RECIPIENT_PREFIXES = ['4915123', '141582', '161323', '551198', '91987', '44770090'] as const;
export const PRICING_CATEGORIES = ['marketing', 'utility', 'authentication', 'service'] as const;

export function generateUsage(options: {
  seed: number;
  tenants: number;
  eventsPerTenant: number;
  from: Date;
  days: number;
  lateShare?: number;
}): UsageGenerated {
  const rnd = seededRandom(options.seed);
  const uuid = () => {
    const hex = Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const start = options.from.getTime();
  const span = options.days * 86_400_000;
  const tenants = Array.from({ length: options.tenants }, uuid);
  const events: UsageGenerated['events'] = [];
  for (const tenantId of tenants) {
    const stream = `usage-${tenantId}`;
    const mine: UsageGenerated['events'] = [];
    const users: { userId: string; active: boolean }[] = [];
    const contacts = Array.from({ length: 8 + Math.floor(rnd() * 20) }, uuid);
    const at = Array.from({ length: options.eventsPerTenant }, () => start + Math.floor(rnd() * span)).sort((a, b) => a - b);
    for (const t of at) {
      const r = rnd();
      let event: ParleyEvent;
      if (r < 0.06 || users.length === 0) {
        const u = users.length > 0 ? pick(users) : undefined;
        if (!u || rnd() < 0.5) {
          const userId = uuid();
          users.push({ userId, active: true });
          event = {
            type: 'UserAdded',
            data: {
              userId,
              name: 'User',
              email: `u${users.length}@t.test`,
              role: pick(['agent', 'agent', 'supervisor', 'admin', 'analyst', 'billing'] as const),
            },
          };
        } else if (u.active) {
          u.active = false;
          event = { type: 'UserDeactivated', data: { userId: u.userId } };
        } else {
          u.active = true;
          event = { type: 'UserReactivated', data: { userId: u.userId } };
        }
      } else if (r < 0.2) {
        event = {
          type: 'ConversationOpened',
          data: {
            conversationId: uuid(),
            contactId: pick(contacts),
            numberId: tenantId,
            phoneNumberId: '100200300',
            origin: pick(['inbound', 'outbound'] as const),
          },
        };
      } else if (r < 0.4) {
        event = {
          type: 'MessageReceived',
          data: {
            conversationId: uuid(),
            messageId: uuid(),
            wamid: `wamid.${uuid()}`,
            contactId: pick(contacts),
            profileName: null,
            sentAt: new Date(t).toISOString(),
            content: { type: 'text', body: 'hi' },
            replyTo: null,
            referral: null,
          },
        };
      } else if (r < 0.9) {
        const billable = rnd() < 0.7;
        const category = pick(PRICING_CATEGORIES);
        event = {
          type: r < 0.55 ? 'MessageSent' : 'MessageDelivered',
          data: {
            wamid: `wamid.${uuid()}`,
            messageId: uuid(),
            conversationId: uuid(),
            recipientId: `${pick(RECIPIENT_PREFIXES)}${String(Math.floor(rnd() * 100_000)).padStart(5, '0')}`,
            at: new Date(t).toISOString(),
            pricing:
              rnd() < 0.05
                ? null
                : { billable: category === 'service' ? false : billable, pricingModel: 'PMP', category, type: billable ? 'regular' : 'free_customer_service' },
            whatsappConversation: null,
          },
        };
      } else {
        event = {
          type: 'WebhookDeliveryAttempted',
          data: {
            subscriptionId: uuid(),
            deliveryId: uuid(),
            attempt: 1,
            outcome: pick(['delivered', 'delivered', 'delivered', 'retrying', 'failed', 'gone'] as const),
            httpStatus: 200,
            error: null,
            latencyMs: 12,
            responseExcerpt: null,
            nextAttemptAt: null,
            at: new Date(t).toISOString(),
          },
        };
      }
      mine.push({
        streamId: stream,
        event,
        metadata: {
          eventId: uuid(),
          tenantId,
          schemaVersion: 1,
          occurredAt: new Date(t).toISOString(),
          correlationId: 'usage-generator',
          causationId: null,
          actor: { type: 'system', id: 'usage-generator' },
        },
      });
    }
    // Late events: appended last, stamped when they happened. Seat events stay in order
    // (a user's lifecycle is decided in order on the write side).
    const lateShare = options.lateShare ?? 0.05;
    const late = mine.filter((e) => !e.event.type.startsWith('User') && rnd() < lateShare);
    const lateIds = new Set(late.map((e) => e.metadata.eventId));
    events.push(...mine.filter((e) => !lateIds.has(e.metadata.eventId)), ...late);
  }
  return { tenants, events, from: options.from, to: new Date(start + span) };
}
