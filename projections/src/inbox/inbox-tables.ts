import type { Sql } from '../runtime/pg-projection.ts';

/**
 * The inbox read model. Created in whatever schema the runner's search_path points at
 * (the live one, or a rebuild's), so no name here is schema-qualified.
 *
 * `last_key` columns hold the order key of the last event that changed a row: handlers
 * only touch a row with an older key, which makes every event idempotent.
 */
export async function createInboxTables(sql: Sql): Promise<void> {
  await sql.query(`
    CREATE TABLE tenants (
      tenant_id uuid PRIMARY KEY,
      name      text NOT NULL
    );
    CREATE TABLE users (
      tenant_id uuid NOT NULL,
      user_id   uuid NOT NULL,
      name      text NOT NULL,
      email     text NOT NULL,
      role      text NOT NULL,
      -- Identity: the query side authenticates from these columns and api_keys.
      active     boolean NOT NULL DEFAULT true,
      active_key text COLLATE "C" NOT NULL DEFAULT '',
      PRIMARY KEY (tenant_id, user_id)
    );
    -- API key hashes; a revoked key stays as a tombstone, so replaying its issue changes nothing.
    CREATE TABLE api_keys (
      tenant_id     uuid NOT NULL,
      key_id        uuid NOT NULL,
      user_id       uuid NOT NULL,
      secret_sha256 text NOT NULL,
      revoked       boolean NOT NULL DEFAULT false,
      PRIMARY KEY (tenant_id, key_id)
    );
    CREATE TABLE teams (
      tenant_id uuid NOT NULL,
      team_id   uuid NOT NULL,
      name      text NOT NULL,
      -- The time zone of the team's business hours (BusinessHoursSet); null: none set.
      time_zone  text,
      -- Its weekly periods ([{ day, open, close }]) and holidays (['YYYY-MM-DD']), as set.
      periods    jsonb,
      holidays   jsonb,
      hours_key  text COLLATE "C" NOT NULL DEFAULT '',
      PRIMARY KEY (tenant_id, team_id)
    );
    -- Membership: a removal keeps the row as a tombstone (member = false), so an older
    -- AgentAddedToTeam applied after it (a replayed parked event) changes nothing.
    CREATE TABLE team_members (
      tenant_id  uuid NOT NULL,
      team_id    uuid NOT NULL,
      user_id    uuid NOT NULL,
      member     boolean NOT NULL DEFAULT true,
      member_key text COLLATE "C" NOT NULL DEFAULT '',
      PRIMARY KEY (tenant_id, team_id, user_id)
    );
    -- SLA targets per team × priority (SlaPolicySet); next_response_seconds null: no target.
    CREATE TABLE sla_policies (
      tenant_id              uuid NOT NULL,
      team_id                uuid NOT NULL,
      priority               text NOT NULL,
      first_response_seconds integer NOT NULL,
      next_response_seconds  integer,
      resolution_seconds     integer NOT NULL,
      last_key               text COLLATE "C" NOT NULL,
      PRIMARY KEY (tenant_id, team_id, priority)
    );
    CREATE TABLE whatsapp_numbers (
      tenant_id            uuid NOT NULL,
      number_id            uuid NOT NULL,
      phone_number_id      text NOT NULL,
      display_phone_number text NOT NULL,
      PRIMARY KEY (tenant_id, number_id)
    );
    CREATE TABLE contacts (
      tenant_id         uuid NOT NULL,
      contact_id        uuid NOT NULL,
      wa_id             text,
      whatsapp_user_id  text,
      name              text,
      first_contact_at  timestamptz,
      last_contact_at   timestamptz,
      inbound_messages  integer NOT NULL DEFAULT 0,
      outbound_messages integer NOT NULL DEFAULT 0,
      conversations     integer NOT NULL DEFAULT 0,
      -- Union of the tags on the contact's conversations.
      tags              text[] NOT NULL DEFAULT '{}',
      last_key          text COLLATE "C" NOT NULL,
      PRIMARY KEY (tenant_id, contact_id)
    );
    CREATE TABLE conversations (
      tenant_id              uuid NOT NULL,
      conversation_id        uuid NOT NULL,
      contact_id             uuid NOT NULL,
      number_id              uuid NOT NULL,
      status                 text NOT NULL,
      priority               text NOT NULL,
      -- low 0 … urgent 3: sorts by priority without a CASE.
      priority_rank          smallint NOT NULL,
      team_id                uuid,
      assignee_id            uuid,
      -- Who had it when it closed: a reopen to "assigned" gives it back.
      last_assignee_id       uuid,
      tags                   text[] NOT NULL DEFAULT '{}',
      unread_count           integer NOT NULL DEFAULT 0,
      message_count          integer NOT NULL DEFAULT 0,
      last_message_preview   text,
      last_message_direction text,
      last_message_at        timestamptz,
      last_activity_at       timestamptz NOT NULL,
      waiting_since          timestamptz,
      opened_at              timestamptz NOT NULL,
      first_inbound_at       timestamptz,
      first_response_at      timestamptz,
      closed_at              timestamptz,
      first_closed_at        timestamptz,
      reopened_count         integer NOT NULL DEFAULT 0,
      close_reason           text,
      outcome                text,
      csat_score             smallint,
      last_key               text COLLATE "C" NOT NULL,
      PRIMARY KEY (tenant_id, conversation_id)
    );
    CREATE INDEX conversations_by_activity ON conversations (tenant_id, last_activity_at DESC, conversation_id DESC);
    CREATE INDEX conversations_by_waiting ON conversations (tenant_id, (coalesce(waiting_since, 'infinity')), conversation_id);
    CREATE INDEX conversations_by_priority ON conversations (tenant_id, (-priority_rank), (coalesce(waiting_since, 'infinity')), conversation_id);
    CREATE INDEX conversations_open_by_assignee ON conversations (tenant_id, assignee_id) WHERE status <> 'closed';
    CREATE INDEX conversations_open_by_team ON conversations (tenant_id, team_id, status) WHERE status <> 'closed';
    CREATE INDEX conversations_by_contact ON conversations (tenant_id, contact_id, opened_at DESC);
    CREATE INDEX conversations_by_tag ON conversations USING gin (tags);

    CREATE TABLE messages (
      tenant_id       uuid NOT NULL,
      message_id      uuid NOT NULL,
      conversation_id uuid NOT NULL,
      contact_id      uuid NOT NULL,
      direction       text NOT NULL,
      wamid           text,
      type            text NOT NULL,
      -- Text, caption or title: what search and previews read.
      body            text,
      content         jsonb NOT NULL,
      sender_type     text NOT NULL,
      sender_id       text NOT NULL,
      sent_at         timestamptz NOT NULL,
      log_key         text COLLATE "C" NOT NULL,
      search          tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(body, ''))) STORED,
      PRIMARY KEY (tenant_id, message_id)
    );
    CREATE INDEX messages_by_conversation ON messages (tenant_id, conversation_id, log_key);
    CREATE INDEX messages_by_wamid ON messages (tenant_id, wamid) WHERE wamid IS NOT NULL;
    CREATE INDEX messages_search ON messages USING gin (search);

    -- Keyed by wamid: statuses arrive out of order, possibly before the message is known here.
    CREATE TABLE message_statuses (
      tenant_id        uuid NOT NULL,
      wamid            text NOT NULL,
      status           text NOT NULL,
      at               timestamptz NOT NULL,
      error_code       integer,
      error_title      text,
      error_details    text,
      billable         boolean,
      pricing_category text,
      PRIMARY KEY (tenant_id, wamid, status)
    );
    CREATE TABLE notes (
      tenant_id       uuid NOT NULL,
      note_id         uuid NOT NULL,
      conversation_id uuid NOT NULL,
      author_id       text NOT NULL,
      body            text NOT NULL,
      created_at      timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, note_id)
    );
    CREATE INDEX notes_by_conversation ON notes (tenant_id, conversation_id, created_at);

    -- A conversation's timeline: one row per activity event (ACTIVITY_EVENT_TYPES), keyed
    -- by the event id, so applying an event again inserts nothing. Messages keep only
    -- their id here: text and delivery statuses are read from messages and
    -- message_statuses, which statuses arriving later keep current.
    CREATE TABLE conversation_activity (
      tenant_id       uuid NOT NULL,
      event_id        uuid NOT NULL,
      conversation_id uuid NOT NULL,
      type            text NOT NULL,
      at              timestamptz NOT NULL,
      log_key         text COLLATE "C" NOT NULL,
      actor_type      text NOT NULL,
      actor_id        text NOT NULL,
      message_id      uuid,
      data            jsonb NOT NULL,
      PRIMARY KEY (tenant_id, event_id)
    );
    CREATE INDEX conversation_activity_by_conversation ON conversation_activity (tenant_id, conversation_id, at, log_key);
  `);
}
