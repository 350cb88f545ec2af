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
    -- Numbers whose rate was set; the others send at the platform's default.
    CREATE TABLE number_rates (
      phone_number_id     text PRIMARY KEY,
      messages_per_second integer NOT NULL
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

/**
 * A batch in four set-based statements instead of one per event: recipients, threads,
 * then the sends they make addressable, then outcomes. A batch is in log order, and each
 * statement sees the rows the earlier ones wrote, so a conversation opened and replied to
 * in one batch is found; every statement skips what is already there.
 */
async function applyBatch(sql: Sql, events: readonly Projected[]): Promise<void> {
  const contacts = events.flatMap(({ event: e, metadata }) =>
    e.type === 'ContactCreated' ? [{ tenant: metadata.tenantId, contact: e.data.contactId, wa: e.data.waId }] : [],
  );
  const threads = events.flatMap(({ event: e, metadata }) =>
    e.type === 'ConversationOpened'
      ? [{ tenant: metadata.tenantId, conversation: e.data.conversationId, contact: e.data.contactId, number: e.data.phoneNumberId }]
      : [],
  );
  const queued = events.flatMap(({ event: e, metadata, orderKey }) =>
    e.type === 'MessageQueued'
      ? [
          {
            tenant: metadata.tenantId,
            message: e.data.messageId,
            conversation: e.data.conversationId,
            content: e.data.content,
            at: metadata.occurredAt,
            key: orderKey,
          },
        ]
      : [],
  );
  const outcomes = events.flatMap(({ event: e }) =>
    (e.type === 'MessageSent' || e.type === 'MessageFailed') && e.data.messageId !== null
      ? [{ message: e.data.messageId, state: e.type === 'MessageSent' ? 'sent' : 'failed', wamid: e.data.wamid }]
      : [],
  );
  if (contacts.length > 0) {
    await sql.query(
      `INSERT INTO recipients (tenant_id, contact_id, wa_id)
       SELECT tenant, contact, wa FROM jsonb_to_recordset($1::jsonb) AS x(tenant uuid, contact uuid, wa text) ON CONFLICT DO NOTHING`,
      [JSON.stringify(contacts)],
    );
  }
  if (threads.length > 0) {
    await sql.query(
      `INSERT INTO threads (tenant_id, conversation_id, contact_id, phone_number_id)
       SELECT tenant, conversation, contact, number FROM jsonb_to_recordset($1::jsonb) AS x(tenant uuid, conversation uuid, contact uuid, number text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(threads)],
    );
  }
  if (queued.length > 0) {
    await sql.query(
      `INSERT INTO sends (tenant_id, message_id, conversation_id, phone_number_id, recipient, content, queued_at, queued_key)
       SELECT x.tenant, x.message, t.conversation_id, t.phone_number_id, r.wa_id, x.content, x.at, x.key
         FROM jsonb_to_recordset($1::jsonb) AS x(tenant uuid, message uuid, conversation uuid, content jsonb, at timestamptz, key text)
         JOIN threads t ON t.tenant_id = x.tenant AND t.conversation_id = x.conversation
         LEFT JOIN recipients r ON r.tenant_id = t.tenant_id AND r.contact_id = t.contact_id
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(queued)],
    );
  }
  const rates = events.flatMap(({ event: e }) =>
    e.type === 'WhatsAppNumberRateSet' ? [{ number: e.data.phoneNumberId, rate: e.data.messagesPerSecond }] : [],
  );
  if (rates.length > 0) {
    // Later in the batch wins: the rows go in log order, one statement each.
    for (const r of rates) {
      await sql.query(
        `INSERT INTO number_rates (phone_number_id, messages_per_second) VALUES ($1, $2)
         ON CONFLICT (phone_number_id) DO UPDATE SET messages_per_second = EXCLUDED.messages_per_second`,
        [r.number, r.rate],
      );
    }
  }
  if (outcomes.length > 0) {
    await sql.query(
      `UPDATE sends s SET state = x.state, wamid = x.wamid
         FROM jsonb_to_recordset($1::jsonb) AS x(message uuid, state text, wamid text)
        WHERE s.message_id = x.message AND s.state = 'pending'`,
      [JSON.stringify(outcomes)],
    );
  }
}

export const outboundProjection: PgProjection = {
  name: 'outbound',
  schema: OUTBOUND_SCHEMA,
  // 2: number rates.
  version: 2,
  createTables,
  apply: (sql, event) => applyBatch(sql, [event]),
  applyBatch,
};
