import type { EventMetadata } from './envelope.ts';
import type { ParleyEvent } from './events.ts';

/**
 * The public event types tenants subscribe to (docs/webhooks.md, version 1). A versioned
 * contract of its own: internal events change shape freely, these payloads do not.
 */
export const WEBHOOK_EVENT_TYPES = [
  'conversation.opened',
  'conversation.assigned',
  'conversation.closed',
  'message.received',
  'message.sent',
  'message.delivered',
  'message.read',
  'message.failed',
  'webhook.test',
  'webhook.subscription_disabled',
  'usage.quota_reached',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface PublicWebhook {
  type: WebhookEventType;
  /** When it happened (ISO 8601). */
  timestamp: string;
  data: Record<string, unknown>;
}

/** The public payload an internal event gives, or null for events tenants do not see. */
export function publicWebhookOf(event: ParleyEvent, metadata: Pick<EventMetadata, 'occurredAt'>): PublicWebhook | null {
  const at = metadata.occurredAt;
  const of = (type: WebhookEventType, data: Record<string, unknown>): PublicWebhook => ({ type, timestamp: at, data });
  const e = event;
  switch (e.type) {
    case 'ConversationOpened':
      return of('conversation.opened', {
        conversationId: e.data.conversationId,
        contactId: e.data.contactId,
        phoneNumberId: e.data.phoneNumberId,
        origin: e.data.origin,
      });
    case 'ConversationAssigned':
      return of('conversation.assigned', { conversationId: e.data.conversationId, agentId: e.data.agentId, teamId: e.data.teamId });
    case 'ConversationClosed':
      return of('conversation.closed', { conversationId: e.data.conversationId, reason: e.data.reason, outcome: e.data.outcome });
    case 'MessageReceived': {
      const c = e.data.content as { type: string; body?: unknown; caption?: unknown };
      const text = c.type === 'text' ? c.body : c.caption;
      return of('message.received', {
        conversationId: e.data.conversationId,
        messageId: e.data.messageId,
        contactId: e.data.contactId,
        wamid: e.data.wamid,
        type: c.type,
        text: typeof text === 'string' ? text : null,
      });
    }
    case 'MessageSent':
    case 'MessageDelivered':
    case 'MessageRead': {
      const type = e.type === 'MessageSent' ? 'message.sent' : e.type === 'MessageDelivered' ? 'message.delivered' : 'message.read';
      return of(type, { conversationId: e.data.conversationId, messageId: e.data.messageId, wamid: e.data.wamid });
    }
    case 'MessageFailed':
      return of('message.failed', {
        conversationId: e.data.conversationId,
        messageId: e.data.messageId,
        wamid: e.data.wamid,
        errorCode: e.data.errorCode,
        errorTitle: e.data.errorTitle,
      });
    case 'WebhookTestRequested':
      return of('webhook.test', { subscriptionId: e.data.subscriptionId });
    case 'WebhookSubscriptionDisabled':
      return of('webhook.subscription_disabled', { subscriptionId: e.data.subscriptionId, reason: e.data.reason });
    case 'UsageQuotaReached':
      // The period's bounds and the units, not the plan: plans are priced data tenants see on their invoices.
      return of('usage.quota_reached', {
        meter: e.data.meter,
        periodStart: e.data.period.start,
        periodEnd: e.data.period.end,
        thresholdPercent: e.data.threshold,
        includedUnits: e.data.includedUnits,
        usedUnits: e.data.usedUnits,
      });
    default:
      return null;
  }
}
