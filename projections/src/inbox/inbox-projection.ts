import type { EventOf, InboundContent, OutboundContent, Priority } from '@parley/events';
import { assertNever } from '../runtime/assert-never.ts';
import type { PgProjection, Sql } from '../runtime/pg-projection.ts';
import type { Projected } from '../runtime/projected-event.ts';
import { createInboxTables } from './inbox-tables.ts';

export const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

/** What search and previews read from a message: its text, caption or title. */
export function messageText(content: InboundContent | OutboundContent): string | null {
  switch (content.type) {
    case 'text':
      return content.body;
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return content.caption;
    case 'location':
      return [content.name, content.address].filter(Boolean).join(', ') || null;
    case 'contacts':
      return content.contacts.map((c) => c.formattedName).join(', ');
    case 'interactive':
      return content.title;
    case 'button':
      return content.text;
    case 'reaction':
      return content.emoji;
    case 'template':
      return `template ${content.name}`;
    case 'unsupported':
      return null;
    default:
      return assertNever(content);
  }
}

const preview = (content: InboundContent | OutboundContent): string => {
  const text = messageText(content);
  return text ? (text.length > 200 ? `${text.slice(0, 199)}…` : text) : `[${content.type}]`;
};

const at = (p: Projected) => p.metadata.occurredAt;

/**
 * Updates one conversation row only if this event is newer than the row's last change;
 * `set` is SQL over the columns with $1 = tenant, $2 = conversation, $3 = occurredAt,
 * $4 = order key and further parameters from `params`.
 */
async function updateConversation(sql: Sql, p: Projected, conversationId: string, set: string, params: unknown[] = []): Promise<void> {
  await sql.query(
    `UPDATE conversations SET ${set ? `${set}, ` : ''}last_activity_at = greatest(last_activity_at, $3), last_key = $4
     WHERE tenant_id = $1 AND conversation_id = $2 AND last_key < $4`,
    [p.metadata.tenantId, conversationId, at(p), p.orderKey, ...params],
  );
}

async function refreshContactTags(sql: Sql, tenantId: string, conversationId: string): Promise<void> {
  await sql.query(
    `UPDATE contacts k SET tags = coalesce((
       SELECT array_agg(DISTINCT t ORDER BY t) FROM conversations c, unnest(c.tags) t
       WHERE c.tenant_id = k.tenant_id AND c.contact_id = k.contact_id), '{}')
     WHERE k.tenant_id = $1 AND k.contact_id = (SELECT contact_id FROM conversations WHERE tenant_id = $1 AND conversation_id = $2)`,
    [tenantId, conversationId],
  );
}

async function recordStatus(
  sql: Sql,
  p: Projected<EventOf<'MessageSent' | 'MessageDelivered' | 'MessageRead' | 'MessageFailed'>>,
  status: string,
  error: { code: number; title: string; details: string | null } | null,
): Promise<void> {
  const d = p.event.data;
  await sql.query(
    `INSERT INTO message_statuses (tenant_id, wamid, status, at, error_code, error_title, error_details, billable, pricing_category)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
    [p.metadata.tenantId, d.wamid, status, d.at, error?.code ?? null, error?.title ?? null, error?.details ?? null, d.pricing?.billable ?? null, d.pricing?.category ?? null],
  );
}

async function apply(sql: Sql, p: Projected): Promise<void> {
  const tenantId = p.metadata.tenantId;
  const e = p.event;
  switch (e.type) {
    case 'TenantRegistered':
      await sql.query('INSERT INTO tenants (tenant_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [e.data.tenantId, e.data.name]);
      return;
    case 'UserAdded':
      await sql.query('INSERT INTO users (tenant_id, user_id, name, email, role) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [
        tenantId,
        e.data.userId,
        e.data.name,
        e.data.email,
        e.data.role,
      ]);
      return;
    case 'ApiKeyIssued':
      return; // keys are checked against the log, never served
    case 'SlaPolicySet':
    case 'BusinessHoursSet':
      return; // SLA settings feed the analytics projections
    case 'TeamCreated':
      await sql.query('INSERT INTO teams (tenant_id, team_id, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [tenantId, e.data.teamId, e.data.name]);
      return;
    case 'AgentAddedToTeam':
      await sql.query('INSERT INTO team_members (tenant_id, team_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        tenantId,
        e.data.teamId,
        e.data.userId,
      ]);
      return;
    case 'WhatsAppNumberConnected':
      await sql.query(
        'INSERT INTO whatsapp_numbers (tenant_id, number_id, phone_number_id, display_phone_number) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [e.data.tenantId, e.data.numberId, e.data.phoneNumberId, e.data.displayPhoneNumber],
      );
      return;
    case 'ContactCreated':
      await sql.query(
        `INSERT INTO contacts (tenant_id, contact_id, wa_id, whatsapp_user_id, name, last_key) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING`,
        [tenantId, e.data.contactId, e.data.waId, e.data.userId, e.data.profileName, p.orderKey],
      );
      return;
    case 'ContactUpdated':
      await sql.query('UPDATE contacts SET name = $3, last_key = $4 WHERE tenant_id = $1 AND contact_id = $2 AND last_key < $4', [
        tenantId,
        e.data.contactId,
        e.data.profileName,
        p.orderKey,
      ]);
      return;
    case 'ConversationOpened': {
      const inserted = await sql.query(
        `INSERT INTO conversations (tenant_id, conversation_id, contact_id, number_id, status, priority, priority_rank,
                                    last_activity_at, opened_at, last_key)
         VALUES ($1, $2, $3, $4, 'new', 'normal', $5, $6, $6, $7) ON CONFLICT DO NOTHING`,
        [tenantId, e.data.conversationId, e.data.contactId, e.data.numberId, PRIORITY_RANK.normal, at(p), p.orderKey],
      );
      if (inserted.rowCount === 1) {
        await sql.query(
          `UPDATE contacts SET conversations = conversations + 1,
             first_contact_at = least(coalesce(first_contact_at, $3), $3), last_contact_at = greatest(coalesce(last_contact_at, $3), $3)
           WHERE tenant_id = $1 AND contact_id = $2`,
          [tenantId, e.data.contactId, at(p)],
        );
      }
      return;
    }
    case 'MessageReceived': {
      const d = e.data;
      const inserted = await sql.query(
        `INSERT INTO messages (tenant_id, message_id, conversation_id, contact_id, direction, wamid, type, body, content,
                               sender_type, sender_id, sent_at, log_key)
         VALUES ($1, $2, $3, $4, 'inbound', $5, $6, $7, $8, 'customer', $9, $10, $11) ON CONFLICT DO NOTHING`,
        [tenantId, d.messageId, d.conversationId, d.contactId, d.wamid, d.content.type, messageText(d.content), JSON.stringify(d.content), d.contactId, d.sentAt, p.orderKey],
      );
      if (inserted.rowCount !== 1) return;
      // The customer's turn starts a wait for a human unless one is already running.
      await updateConversation(
        sql,
        p,
        d.conversationId,
        `unread_count = unread_count + 1, message_count = message_count + 1,
         last_message_preview = $5, last_message_direction = 'inbound', last_message_at = greatest(coalesce(last_message_at, $6), $6),
         first_inbound_at = coalesce(first_inbound_at, $6),
         waiting_since = CASE WHEN status = 'closed' THEN waiting_since ELSE coalesce(waiting_since, $6) END`,
        [preview(d.content), d.sentAt],
      );
      await sql.query(
        `UPDATE contacts SET inbound_messages = inbound_messages + 1, name = coalesce($3, name),
           first_contact_at = least(coalesce(first_contact_at, $4), $4), last_contact_at = greatest(coalesce(last_contact_at, $4), $4)
         WHERE tenant_id = $1 AND contact_id = $2`,
        [tenantId, d.contactId, d.profileName, d.sentAt],
      );
      return;
    }
    case 'MessageQueued': {
      const d = e.data;
      const conversation = await sql.query<{ contact_id: string }>('SELECT contact_id FROM conversations WHERE tenant_id = $1 AND conversation_id = $2', [
        tenantId,
        d.conversationId,
      ]);
      const contactId = conversation.rows[0]?.contact_id;
      if (!contactId) throw new Error(`message ${d.messageId} for unknown conversation ${d.conversationId}`);
      const inserted = await sql.query(
        `INSERT INTO messages (tenant_id, message_id, conversation_id, contact_id, direction, wamid, type, body, content,
                               sender_type, sender_id, sent_at, log_key)
         VALUES ($1, $2, $3, $4, 'outbound', NULL, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
        [tenantId, d.messageId, d.conversationId, contactId, d.content.type, messageText(d.content), JSON.stringify(d.content), d.senderType, p.metadata.actor.id, at(p), p.orderKey],
      );
      if (inserted.rowCount !== 1) return;
      const human = d.senderType === 'agent';
      // A human reply answers the customer: the wait ends and their messages count as read.
      await updateConversation(
        sql,
        p,
        d.conversationId,
        `message_count = message_count + 1, last_message_preview = $5, last_message_direction = 'outbound',
         last_message_at = greatest(coalesce(last_message_at, $3), $3),
         unread_count = CASE WHEN $6 THEN 0 ELSE unread_count END,
         first_response_at = CASE WHEN $6 THEN coalesce(first_response_at, $3) ELSE first_response_at END,
         waiting_since = CASE WHEN $6 THEN NULL ELSE waiting_since END`,
        [preview(d.content), human],
      );
      await sql.query(
        `UPDATE contacts SET outbound_messages = outbound_messages + 1, last_contact_at = greatest(coalesce(last_contact_at, $3), $3)
         WHERE tenant_id = $1 AND contact_id = $2`,
        [tenantId, contactId, at(p)],
      );
      return;
    }
    case 'MessageSent':
      return recordStatus(sql, p as Projected<typeof e>, 'sent', null);
    case 'MessageDelivered':
      return recordStatus(sql, p as Projected<typeof e>, 'delivered', null);
    case 'MessageRead':
      return recordStatus(sql, p as Projected<typeof e>, 'read', null);
    case 'MessageFailed':
      return recordStatus(sql, p as Projected<typeof e>, 'failed', { code: e.data.errorCode, title: e.data.errorTitle, details: e.data.errorDetails });
    case 'ConversationQueued':
      return updateConversation(sql, p, e.data.conversationId, `status = 'queued', team_id = $5, priority = $6, priority_rank = $7`, [
        e.data.teamId,
        e.data.priority,
        PRIORITY_RANK[e.data.priority],
      ]);
    case 'ConversationAssigned':
      return updateConversation(
        sql,
        p,
        e.data.conversationId,
        `assignee_id = $5, last_assignee_id = $5, status = CASE WHEN status IN ('new', 'queued') THEN 'assigned' ELSE status END`,
        [e.data.agentId],
      );
    case 'ConversationTransferred':
      return updateConversation(
        sql,
        p,
        e.data.conversationId,
        `assignee_id = $5, last_assignee_id = $5, team_id = coalesce($6, team_id), status = CASE WHEN $5::uuid IS NULL THEN 'queued' ELSE 'assigned' END`,
        [e.data.toAgentId, e.data.toTeamId],
      );
    case 'ConversationUnassigned':
      return updateConversation(
        sql,
        p,
        e.data.conversationId,
        `assignee_id = NULL, last_assignee_id = NULL, status = CASE WHEN team_id IS NULL THEN 'new' ELSE 'queued' END`,
      );
    case 'ConversationStatusChanged':
      return updateConversation(sql, p, e.data.conversationId, 'status = $5', [e.data.to]);
    case 'ConversationPriorityChanged':
      return updateConversation(sql, p, e.data.conversationId, 'priority = $5, priority_rank = $6', [e.data.to, PRIORITY_RANK[e.data.to]]);
    case 'ConversationTagged':
      await updateConversation(sql, p, e.data.conversationId, 'tags = CASE WHEN $5 = ANY(tags) THEN tags ELSE array_append(tags, $5) END', [e.data.tag]);
      return refreshContactTags(sql, tenantId, e.data.conversationId);
    case 'ConversationUntagged':
      await updateConversation(sql, p, e.data.conversationId, 'tags = array_remove(tags, $5)', [e.data.tag]);
      return refreshContactTags(sql, tenantId, e.data.conversationId);
    case 'NoteAdded': {
      const inserted = await sql.query(
        `INSERT INTO notes (tenant_id, note_id, conversation_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [tenantId, e.data.noteId, e.data.conversationId, p.metadata.actor.id, e.data.body, at(p)],
      );
      if (inserted.rowCount === 1) await updateConversation(sql, p, e.data.conversationId, '');
      return;
    }
    case 'ConversationClosed':
      return updateConversation(
        sql,
        p,
        e.data.conversationId,
        `status = 'closed', assignee_id = NULL, closed_at = $3, first_closed_at = coalesce(first_closed_at, $3),
         close_reason = $5, outcome = $6, waiting_since = NULL`,
        [e.data.reason, e.data.outcome],
      );
    case 'ConversationReopened':
      // A reopen starts a new wait for a human (see docs/metrics.md).
      return updateConversation(
        sql,
        p,
        e.data.conversationId,
        `status = $5, assignee_id = CASE WHEN $5 = 'assigned' THEN last_assignee_id ELSE NULL END, closed_at = NULL,
         reopened_count = reopened_count + 1, waiting_since = $3, close_reason = NULL, outcome = NULL`,
        [e.data.to],
      );
    case 'CsatRecorded':
      return updateConversation(sql, p, e.data.conversationId, 'csat_score = $5', [e.data.score]);
    default:
      return assertNever(e);
  }
}

export const INBOX_SCHEMA = 'inbox';

/** The agents' and supervisors' inbox. */
export const inboxProjection: PgProjection = {
  name: 'inbox',
  schema: INBOX_SCHEMA,
  version: 1,
  createTables: createInboxTables,
  apply,
};
