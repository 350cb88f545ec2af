import { ACTIVITY_EVENT_TYPES, MESSAGE_ACTIVITY_TYPES } from './inbox-rows.ts';

/** An SQL string literal of one of our own constants (event type names: letters only). */
const sqlText = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * The inbox's event handlers, as one PL/pgSQL function that applies a whole batch in one
 * round trip: `inbox_apply(events jsonb)` takes an array of
 * `{ t: type, id: event id, k: order key, tenant, at: occurredAt, actor, actorType, d: data }` in log order, and for
 * `MessageReceived` `customerAt` (customer time, computed in inbox-projection.ts).
 *
 * Per-event statements from Node cost a round trip each (~0.2 ms), which capped the
 * projector at ~2k events/s; inside the database the same statements run at memory
 * speed. Every handler is idempotent per row (see `last_key` in inbox-tables.ts).
 * Created in the projection's schema; table names resolve through search_path, so the
 * same function serves the live schema and a rebuild's.
 */
export const INBOX_APPLY_FUNCTION = `
CREATE FUNCTION inbox_apply(events jsonb) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  e jsonb;
  d jsonb;
  t text;
  k text;
  tenant uuid;
  at timestamptz;
  conv uuid;
  contact uuid;
  n integer;
  human boolean;
  body text;
  preview text;
  rank smallint;
BEGIN
  -- Timelines: the batch's activity events in one set-based statement, not one per event.
  INSERT INTO conversation_activity (tenant_id, event_id, conversation_id, type, at, log_key, actor_type, actor_id, message_id, data)
  -- Milliseconds, as the activity cursor writes instants: a finer occurredAt would page unevenly.
  SELECT (x->>'tenant')::uuid, (x->>'id')::uuid, (x->'d'->>'conversationId')::uuid, x->>'t', date_trunc('milliseconds', (x->>'at')::timestamptz), x->>'k',
         x->>'actorType', x->>'actor', (x->'d'->>'messageId')::uuid,
         -- A message's content lives in messages; the timeline joins it.
         CASE WHEN x->>'t' IN (${MESSAGE_ACTIVITY_TYPES.map(sqlText).join(', ')}) THEN '{}'::jsonb ELSE x->'d' END
    FROM jsonb_array_elements(events) x
   WHERE x->>'t' IN (${ACTIVITY_EVENT_TYPES.map(sqlText).join(', ')})
  ON CONFLICT DO NOTHING;

  FOR e IN SELECT value FROM jsonb_array_elements(events) LOOP
    t := e->>'t';
    k := e->>'k';
    tenant := (e->>'tenant')::uuid;
    at := (e->>'at')::timestamptz;
    d := e->'d';
    conv := (d->>'conversationId')::uuid;
    rank := CASE coalesce(d->>'priority', d->>'to') WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 WHEN 'urgent' THEN 3 END;

    CASE t
    WHEN 'TenantRegistered' THEN
      INSERT INTO tenants (tenant_id, name) VALUES ((d->>'tenantId')::uuid, d->>'name') ON CONFLICT DO NOTHING;
    WHEN 'UserAdded' THEN
      INSERT INTO users (tenant_id, user_id, name, email, role)
      VALUES (tenant, (d->>'userId')::uuid, d->>'name', d->>'email', d->>'role') ON CONFLICT DO NOTHING;
    WHEN 'TeamCreated' THEN
      INSERT INTO teams (tenant_id, team_id, name) VALUES (tenant, (d->>'teamId')::uuid, d->>'name') ON CONFLICT DO NOTHING;
    WHEN 'BusinessHoursSet' THEN
      UPDATE teams SET time_zone = d->>'timeZone', periods = d->'periods', holidays = d->'holidays', hours_key = k
      WHERE tenant_id = tenant AND team_id = (d->>'teamId')::uuid AND hours_key < k;
    WHEN 'UserDeactivated', 'UserReactivated' THEN
      UPDATE users SET active = (t = 'UserReactivated'), active_key = k
      WHERE tenant_id = tenant AND user_id = (d->>'userId')::uuid AND active_key < k;
    WHEN 'ApiKeyIssued' THEN
      INSERT INTO api_keys (tenant_id, key_id, user_id, secret_sha256)
      VALUES (tenant, (d->>'keyId')::uuid, (d->>'userId')::uuid, d->>'secretSha256') ON CONFLICT DO NOTHING;
    WHEN 'ApiKeyRevoked' THEN
      -- An upsert: the tombstone stands even when the issue is applied after it (a replayed parked event).
      INSERT INTO api_keys (tenant_id, key_id, user_id, secret_sha256, revoked)
      VALUES (tenant, (d->>'keyId')::uuid, (d->>'userId')::uuid, '', true)
      ON CONFLICT (tenant_id, key_id) DO UPDATE SET revoked = true;
    WHEN 'AgentAddedToTeam', 'AgentRemovedFromTeam' THEN
      INSERT INTO team_members AS m (tenant_id, team_id, user_id, member, member_key)
      VALUES (tenant, (d->>'teamId')::uuid, (d->>'userId')::uuid, t = 'AgentAddedToTeam', k)
      ON CONFLICT (tenant_id, team_id, user_id) DO UPDATE SET member = excluded.member, member_key = excluded.member_key
      WHERE m.member_key < excluded.member_key;
    WHEN 'SlaPolicySet' THEN
      INSERT INTO sla_policies AS p (tenant_id, team_id, priority, first_response_seconds, next_response_seconds, resolution_seconds, last_key)
      VALUES (tenant, (d->>'teamId')::uuid, d->>'priority', (d->>'firstResponseSeconds')::integer,
              (d->>'nextResponseSeconds')::integer, (d->>'resolutionSeconds')::integer, k)
      ON CONFLICT (tenant_id, team_id, priority) DO UPDATE SET first_response_seconds = excluded.first_response_seconds,
        next_response_seconds = excluded.next_response_seconds, resolution_seconds = excluded.resolution_seconds, last_key = excluded.last_key
      WHERE p.last_key < excluded.last_key;
    WHEN 'WhatsAppNumberConnected' THEN
      INSERT INTO whatsapp_numbers (tenant_id, number_id, phone_number_id, display_phone_number)
      VALUES ((d->>'tenantId')::uuid, (d->>'numberId')::uuid, d->>'phoneNumberId', d->>'displayPhoneNumber') ON CONFLICT DO NOTHING;
    WHEN 'ContactCreated' THEN
      INSERT INTO contacts (tenant_id, contact_id, wa_id, whatsapp_user_id, name, last_key)
      VALUES (tenant, (d->>'contactId')::uuid, d->>'waId', d->>'userId', d->>'profileName', k) ON CONFLICT DO NOTHING;
    WHEN 'ContactUpdated' THEN
      UPDATE contacts SET name = d->>'profileName', last_key = k
      WHERE tenant_id = tenant AND contact_id = (d->>'contactId')::uuid AND last_key < k;

    WHEN 'ConversationOpened' THEN
      INSERT INTO conversations (tenant_id, conversation_id, contact_id, number_id, status, priority, priority_rank, last_activity_at, opened_at, last_key)
      VALUES (tenant, conv, (d->>'contactId')::uuid, (d->>'numberId')::uuid, 'new', 'normal', 1, at, at, k)
      ON CONFLICT DO NOTHING;
      GET DIAGNOSTICS n = ROW_COUNT;
      IF n = 1 THEN
        UPDATE contacts SET conversations = conversations + 1,
          first_contact_at = least(coalesce(first_contact_at, at), at), last_contact_at = greatest(coalesce(last_contact_at, at), at)
        WHERE tenant_id = tenant AND contact_id = (d->>'contactId')::uuid;
      END IF;

    WHEN 'MessageReceived', 'MessageQueued' THEN
      -- Text, caption or title: what search and previews read. Inline: SQL function calls
      -- from PL/pgSQL cost more than the rest of an event's work.
      body := CASE d->'content'->>'type'
        WHEN 'text' THEN d->'content'->>'body'
        WHEN 'image' THEN d->'content'->>'caption'
        WHEN 'video' THEN d->'content'->>'caption'
        WHEN 'audio' THEN d->'content'->>'caption'
        WHEN 'document' THEN d->'content'->>'caption'
        WHEN 'sticker' THEN d->'content'->>'caption'
        WHEN 'location' THEN nullif(concat_ws(', ', nullif(d->'content'->>'name', ''), nullif(d->'content'->>'address', '')), '')
        WHEN 'interactive' THEN d->'content'->>'title'
        WHEN 'button' THEN d->'content'->>'text'
        WHEN 'reaction' THEN d->'content'->>'emoji'
        WHEN 'template' THEN 'template ' || (d->'content'->>'name')
        ELSE NULL
      END;
      IF d->'content'->>'type' = 'contacts' THEN
        body := (SELECT string_agg(c->>'formattedName', ', ') FROM jsonb_array_elements(d->'content'->'contacts') c);
      END IF;
      preview := CASE WHEN coalesce(body, '') = '' THEN '[' || (d->'content'->>'type') || ']'
                      WHEN length(body) > 200 THEN left(body, 199) || '…' ELSE body END;
    ELSE
      NULL;
    END CASE;

    CASE t
    WHEN 'MessageReceived' THEN
      INSERT INTO messages (tenant_id, message_id, conversation_id, contact_id, direction, wamid, type, body, content, sender_type, sender_id, sent_at, log_key)
      VALUES (tenant, (d->>'messageId')::uuid, conv, (d->>'contactId')::uuid, 'inbound', d->>'wamid', d->'content'->>'type',
              body, d->'content', 'customer', d->>'contactId', (d->>'sentAt')::timestamptz, k)
      ON CONFLICT DO NOTHING;
      GET DIAGNOSTICS n = ROW_COUNT;
      IF n = 1 THEN
        -- The customer's turn starts a wait for a human unless one is already running.
        UPDATE conversations SET unread_count = unread_count + 1, message_count = message_count + 1,
          last_message_preview = preview, last_message_direction = 'inbound',
          last_message_at = greatest(coalesce(last_message_at, (e->>'customerAt')::timestamptz), (e->>'customerAt')::timestamptz),
          first_inbound_at = coalesce(first_inbound_at, (e->>'customerAt')::timestamptz),
          waiting_since = CASE WHEN status = 'closed' THEN waiting_since ELSE coalesce(waiting_since, (e->>'customerAt')::timestamptz) END,
          last_activity_at = greatest(last_activity_at, at), last_key = k
        WHERE tenant_id = tenant AND conversation_id = conv AND last_key < k;
        UPDATE contacts SET inbound_messages = inbound_messages + 1, name = coalesce(d->>'profileName', name),
          first_contact_at = least(coalesce(first_contact_at, (e->>'customerAt')::timestamptz), (e->>'customerAt')::timestamptz),
          last_contact_at = greatest(coalesce(last_contact_at, (e->>'customerAt')::timestamptz), (e->>'customerAt')::timestamptz)
        WHERE tenant_id = tenant AND contact_id = (d->>'contactId')::uuid;
      END IF;

    WHEN 'MessageQueued' THEN
      SELECT c.contact_id INTO contact FROM conversations c WHERE c.tenant_id = tenant AND c.conversation_id = conv;
      IF contact IS NULL THEN
        RAISE EXCEPTION 'message % for unknown conversation %', d->>'messageId', conv;
      END IF;
      INSERT INTO messages (tenant_id, message_id, conversation_id, contact_id, direction, wamid, type, body, content, sender_type, sender_id, sent_at, log_key)
      VALUES (tenant, (d->>'messageId')::uuid, conv, contact, 'outbound', NULL, d->'content'->>'type',
              body, d->'content', d->>'senderType', e->>'actor', at, k)
      ON CONFLICT DO NOTHING;
      GET DIAGNOSTICS n = ROW_COUNT;
      IF n = 1 THEN
        -- A human reply answers the customer: the wait ends and their messages count as read.
        human := (d->>'senderType') = 'agent';
        UPDATE conversations SET message_count = message_count + 1,
          last_message_preview = preview, last_message_direction = 'outbound',
          last_message_at = greatest(coalesce(last_message_at, at), at),
          unread_count = CASE WHEN human THEN 0 ELSE unread_count END,
          first_response_at = CASE WHEN human THEN coalesce(first_response_at, at) ELSE first_response_at END,
          waiting_since = CASE WHEN human THEN NULL ELSE waiting_since END,
          last_activity_at = greatest(last_activity_at, at), last_key = k
        WHERE tenant_id = tenant AND conversation_id = conv AND last_key < k;
        UPDATE contacts SET outbound_messages = outbound_messages + 1, last_contact_at = greatest(coalesce(last_contact_at, at), at)
        WHERE tenant_id = tenant AND contact_id = contact;
      END IF;

    WHEN 'MessageSent', 'MessageDelivered', 'MessageRead', 'MessageFailed' THEN
      INSERT INTO message_statuses (tenant_id, wamid, status, at, error_code, error_title, error_details, billable, pricing_category)
      VALUES (tenant, d->>'wamid', lower(substr(t, 8)), (d->>'at')::timestamptz, (d->>'errorCode')::integer, d->>'errorTitle',
              d->>'errorDetails', (d->'pricing'->>'billable')::boolean, d->'pricing'->>'category')
      ON CONFLICT DO NOTHING;
      -- The workers' outcome of one of our sends names the message: its wamid joins the statuses.
      IF d->>'messageId' IS NOT NULL THEN
        UPDATE messages SET wamid = d->>'wamid'
        WHERE tenant_id = tenant AND message_id = (d->>'messageId')::uuid AND wamid IS NULL;
      END IF;

    WHEN 'ConversationQueued' THEN
      UPDATE conversations SET status = 'queued', team_id = (d->>'teamId')::uuid, priority = d->>'priority', priority_rank = rank,
        last_activity_at = greatest(last_activity_at, at), last_key = k
      WHERE tenant_id = tenant AND conversation_id = conv AND last_key < k;
    WHEN 'ConversationAssigned' THEN
      UPDATE conversations SET assignee_id = (d->>'agentId')::uuid, last_assignee_id = (d->>'agentId')::uuid,
        status = CASE WHEN status IN ('new', 'queued') THEN 'assigned' ELSE status END,
        last_activity_at = greatest(last_activity_at, at), last_key = k
      WHERE tenant_id = tenant AND conversation_id = conv AND last_key < k;
    WHEN 'ConversationTransferred' THEN
      UPDATE conversations SET assignee_id = (d->>'toAgentId')::uuid, last_assignee_id = (d->>'toAgentId')::uuid,
        team_id = coalesce((d->>'toTeamId')::uuid, team_id),
        status = CASE WHEN d->>'toAgentId' IS NULL THEN 'queued' ELSE 'assigned' END,
        last_activity_at = greatest(last_activity_at, at), last_key = k
      WHERE tenant_id = tenant AND conversation_id = conv AND last_key < k;
    WHEN 'ConversationUnassigned' THEN
      UPDATE conversations SET assignee_id = NULL, last_assignee_id = NULL,
        status = CASE WHEN team_id IS NULL THEN 'new' ELSE 'queued' END,
        last_activity_at = greatest(last_activity_at, at), last_key = k
      WHERE tenant_id = tenant AND conversation_id = conv AND last_key < k;
    WHEN 'ConversationStatusChanged' THEN
      UPDATE conversations SET status = d->>'to', last_activity_at = greatest(last_activity_at, at), last_key = k
      WHERE tenant_id = tenant AND conversation_id = conv AND last_key < k;
    WHEN 'ConversationPriorityChanged' THEN
      UPDATE conversations SET priority = d->>'to', priority_rank = rank, last_activity_at = greatest(last_activity_at, at), last_key = k
      WHERE tenant_id = tenant AND conversation_id = conv AND last_key < k;
    WHEN 'ConversationTagged', 'ConversationUntagged' THEN
      UPDATE conversations SET
        tags = CASE WHEN t = 'ConversationUntagged' THEN array_remove(tags, d->>'tag')
                    WHEN (d->>'tag') = ANY(tags) THEN tags ELSE array_append(tags, d->>'tag') END,
        last_activity_at = greatest(last_activity_at, at), last_key = k
      WHERE tenant_id = tenant AND conversation_id = conv AND last_key < k
      RETURNING contact_id INTO contact;
      IF contact IS NOT NULL THEN
        UPDATE contacts x SET tags = coalesce((
            SELECT array_agg(DISTINCT tag ORDER BY tag) FROM conversations c, unnest(c.tags) tag
            WHERE c.tenant_id = tenant AND c.contact_id = contact), '{}')
        WHERE x.tenant_id = tenant AND x.contact_id = contact;
      END IF;
    WHEN 'NoteAdded' THEN
      INSERT INTO notes (tenant_id, note_id, conversation_id, author_id, body, created_at)
      VALUES (tenant, (d->>'noteId')::uuid, conv, e->>'actor', d->>'body', at) ON CONFLICT DO NOTHING;
      GET DIAGNOSTICS n = ROW_COUNT;
      IF n = 1 THEN
        UPDATE conversations SET last_activity_at = greatest(last_activity_at, at), last_key = k
        WHERE tenant_id = tenant AND conversation_id = conv AND last_key < k;
      END IF;
    WHEN 'ConversationClosed' THEN
      UPDATE conversations SET status = 'closed', assignee_id = NULL, closed_at = at, first_closed_at = coalesce(first_closed_at, at),
        close_reason = d->>'reason', outcome = d->>'outcome', waiting_since = NULL,
        last_activity_at = greatest(last_activity_at, at), last_key = k
      WHERE tenant_id = tenant AND conversation_id = conv AND last_key < k;
    WHEN 'ConversationReopened' THEN
      -- A reopen starts a new wait for a human (see docs/metrics.md).
      UPDATE conversations SET status = d->>'to', assignee_id = CASE WHEN d->>'to' = 'assigned' THEN last_assignee_id END,
        closed_at = NULL, reopened_count = reopened_count + 1, waiting_since = at, close_reason = NULL, outcome = NULL,
        last_activity_at = greatest(last_activity_at, at), last_key = k
      WHERE tenant_id = tenant AND conversation_id = conv AND last_key < k;
    WHEN 'CsatRecorded' THEN
      UPDATE conversations SET csat_score = (d->>'score')::smallint, last_activity_at = greatest(last_activity_at, at), last_key = k
      WHERE tenant_id = tenant AND conversation_id = conv AND last_key < k;
    ELSE
      NULL; -- events the inbox does not read
    END CASE;
  END LOOP;

  -- Planner statistics for conversations, which the handlers look up by primary key.
  -- Every other index on the table starts with tenant_id too. Without statistics (a
  -- fresh schema: first start, rebuild; autovacuum off or not run yet) PL/pgSQL's cached
  -- generic plans, made while the table is tiny, can pick one of those, matching
  -- tenant_id only, and then scan all of a tenant's conversations for every event. The
  -- plans stay until something invalidates them. ANALYZE gives the planner real
  -- statistics and invalidates the plans (they are made again, on the primary key). It
  -- runs when the table has doubled since its last ANALYZE or VACUUM (relpages), so
  -- O(log n) times in the table's life. SKIP_LOCKED: an ANALYZE or VACUUM already
  -- running (autovacuum) is left to finish on its own.
  IF pg_relation_size('conversations') >= 8192 * greatest(4, 2 * (SELECT relpages FROM pg_class WHERE oid = 'conversations'::regclass)) THEN
    ANALYZE (SKIP_LOCKED) conversations;
  END IF;
END
$fn$;
`;
