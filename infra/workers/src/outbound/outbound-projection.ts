import type { PgProjection, Projected, Sql } from '@parley/projections';

export const OUTBOUND_SCHEMA = 'outbound';

/**
 * What the workers must still send, rebuilt from the log: every queued message with
 * where it goes, until its outcome is in the log. Redis only carries the jobs; whatever
 * it loses is found here again (see SendDispatcher). Rows are keyed by what the event
 * names, so applying an event twice changes nothing the second time.
 */
async function createTables(sql: Sql): Promise<void> {
  await sql.query(`
    CREATE TABLE recipients (
      tenant_id  uuid NOT NULL,
      contact_id uuid NOT NULL,
      wa_id      text,
      PRIMARY KEY (tenant_id, contact_id)
    );
    CREATE TABLE threads (
      tenant_id       uuid NOT NULL,
      conversation_id uuid NOT NULL,
      contact_id      uuid NOT NULL,
      phone_number_id text NOT NULL,
      PRIMARY KEY (tenant_id, conversation_id)
    );
    CREATE TABLE sends (
      tenant_id       uuid NOT NULL,
      message_id      uuid NOT NULL,
      conversation_id uuid NOT NULL,
      phone_number_id text NOT NULL,
      recipient       text,
      content         jsonb NOT NULL,
      queued_at       timestamptz NOT NULL,
      queued_key      text COLLATE "C" NOT NULL,
      -- pending until the log holds its outcome: sent (with the wamid) or failed.
      state           text NOT NULL DEFAULT 'pending',
      wamid           text,
      PRIMARY KEY (message_id)
    );
    CREATE INDEX sends_pending ON sends (queued_key) WHERE state = 'pending';
  `);
}

async function apply(sql: Sql, p: Projected): Promise<void> {
  const tenant = p.metadata.tenantId;
  const e = p.event;
  switch (e.type) {
    case 'ContactCreated':
      await sql.query('INSERT INTO recipients (tenant_id, contact_id, wa_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        tenant,
        e.data.contactId,
        e.data.waId,
      ]);
      return;
    case 'ConversationOpened':
      await sql.query('INSERT INTO threads (tenant_id, conversation_id, contact_id, phone_number_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
        tenant,
        e.data.conversationId,
        e.data.contactId,
        e.data.phoneNumberId,
      ]);
      return;
    case 'MessageQueued':
      await sql.query(
        `INSERT INTO sends (tenant_id, message_id, conversation_id, phone_number_id, recipient, content, queued_at, queued_key)
         SELECT $1, $2, t.conversation_id, t.phone_number_id, r.wa_id, $4, $5, $6
           FROM threads t LEFT JOIN recipients r ON r.tenant_id = t.tenant_id AND r.contact_id = t.contact_id
          WHERE t.tenant_id = $1 AND t.conversation_id = $3
         ON CONFLICT DO NOTHING`,
        [tenant, e.data.messageId, e.data.conversationId, JSON.stringify(e.data.content), p.metadata.occurredAt, p.orderKey],
      );
      return;
    case 'MessageSent':
    case 'MessageFailed':
      if (e.data.messageId === null) return;
      await sql.query(`UPDATE sends SET state = $2, wamid = $3 WHERE message_id = $1 AND state = 'pending'`, [
        e.data.messageId,
        e.type === 'MessageSent' ? 'sent' : 'failed',
        e.data.wamid,
      ]);
      return;
    default:
      return;
  }
}

export const outboundProjection: PgProjection = {
  name: 'outbound',
  schema: OUTBOUND_SCHEMA,
  version: 1,
  createTables,
  apply,
};
