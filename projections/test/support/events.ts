import { randomUUID } from 'node:crypto';
import { type Actor, type EventStore, encodeEvent, type NewEvent, type ParleyEvent } from '@parley/events';

/** Catalog events with valid envelopes, appended straight to a store: the projections' input. */
export const envelope = (event: ParleyEvent, tenantId: string, now: Date, actor: Actor = { type: 'system', id: 'test' }): NewEvent =>
  encodeEvent(event, randomUUID(), { tenantId, actor, correlationId: 'test', causationId: null, now });

/** One tenant's small inbox history: a conversation with messages, statuses, assignment, tags and a close. */
export async function appendInboxHistory(store: EventStore, options: { tenantId?: string; conversations?: number; start?: Date } = {}) {
  const tenantId = options.tenantId ?? randomUUID();
  let t = (options.start ?? new Date('2026-11-02T09:00:00Z')).getTime();
  const at = () => new Date((t += 1_000));
  const agentId = randomUUID();
  const leaverId = randomUUID();
  const teamId = randomUUID();
  const numberId = randomUUID();
  await store.appendToStream(`tenant-${tenantId}`, [
    envelope({ type: 'TenantRegistered', data: { tenantId, name: 'Acme' } }, tenantId, at()),
    envelope({ type: 'UserAdded', data: { userId: agentId, name: 'Ana', email: 'ana@acme.test', role: 'agent' } }, tenantId, at()),
    envelope({ type: 'TeamCreated', data: { teamId, name: 'Support' } }, tenantId, at()),
    envelope({ type: 'AgentAddedToTeam', data: { teamId, userId: agentId } }, tenantId, at()),
    // Settings: a member who leaves, targets set twice, business hours.
    envelope({ type: 'UserAdded', data: { userId: leaverId, name: 'Leo', email: 'leo@acme.test', role: 'agent' } }, tenantId, at()),
    envelope({ type: 'AgentAddedToTeam', data: { teamId, userId: leaverId } }, tenantId, at()),
    envelope({ type: 'AgentRemovedFromTeam', data: { teamId, userId: leaverId } }, tenantId, at()),
    envelope(
      { type: 'SlaPolicySet', data: { teamId, priority: 'high', firstResponseSeconds: 600, nextResponseSeconds: null, resolutionSeconds: 3600 } },
      tenantId,
      at(),
    ),
    envelope(
      { type: 'SlaPolicySet', data: { teamId, priority: 'high', firstResponseSeconds: 300, nextResponseSeconds: 900, resolutionSeconds: 3600 } },
      tenantId,
      at(),
    ),
    envelope(
      { type: 'BusinessHoursSet', data: { teamId, timeZone: 'Europe/Madrid', periods: [{ day: 0, open: '09:00', close: '18:00' }], holidays: ['2026-12-25'] } },
      tenantId,
      at(),
    ),
  ]);
  const conversationIds: string[] = [];
  for (let i = 0; i < (options.conversations ?? 3); i++) {
    const contactId = randomUUID();
    const conversationId = randomUUID();
    conversationIds.push(conversationId);
    const waId = `3460000${String(i).padStart(4, '0')}`;
    const wamid = `wamid.in.${conversationId}`;
    await store.appendToStream(`contact-${contactId}`, [
      envelope({ type: 'ContactCreated', data: { contactId, waId, userId: null, profileName: `Customer ${i}` } }, tenantId, at()),
    ]);
    const thread = `thread-${conversationId}`;
    await store.appendToStream(thread, [
      envelope({ type: 'ConversationOpened', data: { conversationId, contactId, numberId, phoneNumberId: '100200300', origin: 'inbound' } }, tenantId, at()),
      envelope(
        {
          type: 'MessageReceived',
          data: {
            conversationId,
            messageId: randomUUID(),
            wamid,
            contactId,
            profileName: `Customer ${i}`,
            sentAt: at().toISOString(),
            content: { type: 'text', body: `parcel ${i} never arrived` },
            replyTo: null,
            referral: null,
          },
        },
        tenantId,
        at(),
      ),
    ]);
    // Statuses out of order: read before delivered.
    const status = (type: 'MessageRead' | 'MessageDelivered') =>
      envelope(
        { type, data: { wamid, messageId: null, conversationId: null, recipientId: waId, at: at().toISOString(), pricing: null, whatsappConversation: null } },
        tenantId,
        at(),
      );
    const read = status('MessageRead');
    await store.appendToStream(thread, [read, status('MessageDelivered')]);
    await store.appendToStream(thread, [
      envelope({ type: 'ConversationQueued', data: { conversationId, teamId, priority: 'high' } }, tenantId, at()),
      envelope({ type: 'ConversationAssigned', data: { conversationId, agentId, teamId } }, tenantId, at()),
      envelope({ type: 'ConversationTagged', data: { conversationId, tag: 'delivery' } }, tenantId, at()),
      envelope(
        {
          type: 'MessageQueued',
          data: { conversationId, messageId: randomUUID(), content: { type: 'text', body: 'on it', previewUrl: false }, senderType: 'agent' },
        },
        tenantId,
        at(),
        { type: 'agent', id: agentId },
      ),
    ]);
    if (i % 2 === 0) {
      await store.appendToStream(thread, [
        envelope({ type: 'ConversationClosed', data: { conversationId, reason: 'resolved', outcome: null } }, tenantId, at()),
      ]);
    }
  }
  return { tenantId, agentId, teamId, conversationIds };
}
