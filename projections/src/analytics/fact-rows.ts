import { DELIVERY_STATUS_OF, type EventMetadata, type ParleyEvent } from '@parley/events';
import { chTime } from './clickhouse.ts';
import { type ConversationFold, humanActorId } from './conversation-fold.ts';

/** Rows of message_facts and agent_activity, one event at a time. */

const STATUS_OF = {
  MessageReceived: 'received',
  MessageQueued: 'queued',
  ...DELIVERY_STATUS_OF,
} as const;

export type MessageEvent = Extract<ParleyEvent, { type: keyof typeof STATUS_OF }>;
export const isMessageEvent = (event: ParleyEvent): event is MessageEvent => Object.hasOwn(STATUS_OF, event.type);

export function messageRow(event: MessageEvent, metadata: EventMetadata, seq: number, fold: ConversationFold | undefined) {
  const occurredAt = Date.parse(metadata.occurredAt);
  const base = {
    event_id: metadata.eventId,
    position: seq,
    tenant_id: metadata.tenantId,
    occurred_at: chTime(occurredAt),
    event_type: STATUS_OF[event.type],
    status: STATUS_OF[event.type],
    contact_id: fold?.contactId ?? null,
    number_id: fold?.numberId ?? null,
    // Who had the conversation when the message happened: the team and agent filters of the volume report.
    team_id: fold?.teamId ?? null,
    assignee_id: fold?.assigneeId ?? null,
    error_code: null as number | null,
    pricing_category: null as string | null,
    billable: null as number | null,
  };
  switch (event.type) {
    case 'MessageReceived':
      return {
        ...base,
        message_id: event.data.messageId,
        wamid: event.data.wamid,
        conversation_id: event.data.conversationId,
        contact_id: event.data.contactId,
        direction: 'inbound',
        message_type: event.data.content.type,
        sender_type: 'customer',
        agent_id: null,
        status_at: chTime(Date.parse(event.data.sentAt)),
      };
    case 'MessageQueued':
      return {
        ...base,
        message_id: event.data.messageId,
        wamid: '',
        conversation_id: event.data.conversationId,
        direction: 'outbound',
        message_type: event.data.content.type,
        sender_type: event.data.senderType,
        agent_id: event.data.senderType === 'agent' ? humanActorId(metadata) : null,
        status_at: chTime(occurredAt),
      };
    default: {
      const d = event.data;
      return {
        ...base,
        message_id: d.messageId,
        wamid: d.wamid,
        conversation_id: d.conversationId,
        direction: 'outbound',
        // Status webhooks do not say the type; the queued row of the same message_id does.
        message_type: '',
        sender_type: '',
        agent_id: null,
        status_at: chTime(Date.parse(d.at)),
        error_code: event.type === 'MessageFailed' ? event.data.errorCode : null,
        pricing_category: d.pricing?.category ?? null,
        billable: d.pricing?.billable === null || d.pricing === null ? null : d.pricing.billable ? 1 : 0,
      };
    }
  }
}

/** What an agent did, as agent_activity rows (an event can touch two agents: a transfer). */
export function agentActivityRows(event: ParleyEvent, metadata: EventMetadata, seq: number, fold: ConversationFold | undefined) {
  const row = (agentId: string | null, activity: string, conversationId: string) =>
    agentId === null
      ? []
      : [
          {
            event_id: metadata.eventId,
            position: seq,
            tenant_id: metadata.tenantId,
            agent_id: agentId,
            occurred_at: chTime(Date.parse(metadata.occurredAt)),
            activity,
            conversation_id: conversationId,
            team_id: fold?.teamId ?? null,
          },
        ];
  const actor = humanActorId(metadata);
  switch (event.type) {
    case 'MessageQueued':
      return event.data.senderType === 'agent' ? row(actor, 'message', event.data.conversationId) : [];
    case 'NoteAdded':
      return row(actor, 'note', event.data.conversationId);
    case 'ConversationAssigned':
      return row(event.data.agentId, 'assigned', event.data.conversationId);
    case 'ConversationTransferred':
      return [
        ...row(event.data.fromAgentId, 'transferred_out', event.data.conversationId),
        ...row(event.data.toAgentId, 'transferred_in', event.data.conversationId),
      ];
    case 'ConversationUnassigned':
      return row(event.data.agentId, 'unassigned', event.data.conversationId);
    case 'ConversationClosed':
      return row(actor, 'closed', event.data.conversationId);
    case 'ConversationReopened':
      return row(actor, 'reopened', event.data.conversationId);
    default:
      return [];
  }
}
