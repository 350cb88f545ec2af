import type pg from 'pg';

/**
 * Schema of the PostgreSQL event store, applied idempotently at start-up.
 *
 * Ordering: appends are serialized by one transaction-scoped advisory lock and take
 * their global positions (max + 1, gap-free) while holding it. PostgreSQL makes a
 * transaction visible before it releases its locks, so a reader that sees position p
 * also sees every position below p: readers can page by position without skipping a
 * late commit. The cost, one commit at a time, is paid back by group commit: the
 * adapter sends every append that arrives while a commit is in flight as one batch to
 * `parley_append`, which checks each request's expected revision on its own.
 */
export const APPEND_LOCK_KEY = 7_240_519_001;
export const NOTIFY_CHANNEL = 'parley_events';

const statements = [
  `CREATE TABLE IF NOT EXISTS events (
     global_position bigint PRIMARY KEY,
     stream_id text NOT NULL,
     stream_revision bigint NOT NULL,
     event_id uuid NOT NULL,
     event_type text NOT NULL,
     data jsonb NOT NULL,
     metadata jsonb NOT NULL,
     recorded_at timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT events_stream_revision_key UNIQUE (stream_id, stream_revision),
     CONSTRAINT events_event_id_key UNIQUE (event_id)
   )`,
  // Deliberately no index on event_type: every append would pay for it, while filtered
  // readers (projectors) mostly read near the head, where scanning positions is cheap.
  /*
   * requests: [{ "s": stream, "x": "any"|"no_stream"|"stream_exists"|<revision>,
   *              "e": [{ "id", "type", "data", "metadata" }] }]
   * Event ids are distinct across the requests of one call (the adapter makes sure).
   * Returns one result per request, in order:
   *   { "ok": true, "rev": <stream revision>, "pos": <global position>, "dup": <all already stored> }
   *   { "ok": false, "err": "wrong_revision", "actual": <revision or -1> }
   *   { "ok": false, "err": "partial_duplicate" }
   * A failed request never aborts the others: it is reported, not raised. A request the
   * database itself refuses (a value jsonb cannot hold, a constraint) does raise, failing
   * the call; the adapter then splits the batch to isolate it (postgres-event-store.ts).
   */
  `CREATE OR REPLACE FUNCTION parley_append(requests jsonb) RETURNS jsonb
   LANGUAGE plpgsql AS $fn$
   DECLARE
     req jsonb;
     ev jsonb;
     stream text;
     expected jsonb;
     cur bigint;
     head bigint;
     n int;
     found int;
     last_found jsonb;
     revs jsonb;
     stored jsonb;
     results jsonb[] := '{}';
     idx int;
     -- Per accepted request: its index, first revision and first global position.
     acc_idx int[] := '{}';
     acc_rev bigint[] := '{}';
     acc_pos bigint[] := '{}';
   BEGIN
     PERFORM pg_advisory_xact_lock(${APPEND_LOCK_KEY});
     -- One statement for all look-ups (each statement costs executor start-up); arrays
     -- and = ANY keep them on their indexes whatever the batch size.
     SELECT (SELECT coalesce(max(global_position), 0) FROM events),
            (SELECT coalesce(jsonb_object_agg(d.stream_id, l.rev), '{}'::jsonb)
               FROM (SELECT DISTINCT r->>'s' AS stream_id FROM jsonb_array_elements(requests) r) d,
                    LATERAL (SELECT e.stream_revision AS rev FROM events e WHERE e.stream_id = d.stream_id
                             ORDER BY e.stream_revision DESC LIMIT 1) l),
            (SELECT coalesce(jsonb_object_agg(e.event_id::text, jsonb_build_array(e.global_position, e.stream_revision)), '{}'::jsonb)
               FROM events e
              WHERE e.event_id = ANY (ARRAY(SELECT (x->>'id')::uuid FROM jsonb_array_elements(requests) r, jsonb_array_elements(r->'e') x)))
       INTO head, revs, stored;

     FOR idx IN 0 .. jsonb_array_length(requests) - 1 LOOP
       req := requests->idx;
       stream := req->>'s';
       n := jsonb_array_length(req->'e');
       found := 0;
       last_found := NULL;
       IF stored <> '{}'::jsonb THEN
         FOR ev IN SELECT value FROM jsonb_array_elements(req->'e') LOOP
           IF stored ? (ev->>'id') THEN
             found := found + 1;
             IF last_found IS NULL OR (stored->(ev->>'id')->>0)::bigint > (last_found->>0)::bigint THEN
               last_found := stored->(ev->>'id');
             END IF;
           END IF;
         END LOOP;
       END IF;

       IF n > 0 AND found = n THEN
         results := results || jsonb_build_object('ok', true, 'pos', last_found->0, 'rev', last_found->1, 'dup', true);
         CONTINUE;
       ELSIF found > 0 THEN
         results := results || jsonb_build_object('ok', false, 'err', 'partial_duplicate');
         CONTINUE;
       END IF;

       cur := coalesce((revs->>stream)::bigint, -1);
       expected := req->'x';
       IF (expected = '"no_stream"'::jsonb AND cur <> -1)
          OR (expected = '"stream_exists"'::jsonb AND cur = -1)
          OR (jsonb_typeof(expected) = 'number' AND (expected::text)::bigint <> cur) THEN
         results := results || jsonb_build_object('ok', false, 'err', 'wrong_revision', 'actual', cur);
         CONTINUE;
       END IF;

       IF n > 0 THEN
         acc_idx := acc_idx || idx;
         acc_rev := acc_rev || (cur + 1);
         acc_pos := acc_pos || (head + 1);
         head := head + n;
         cur := cur + n;
         revs := jsonb_set(revs, ARRAY[stream], to_jsonb(cur));
       END IF;
       results := results || jsonb_build_object('ok', true, 'pos', head, 'rev', cur, 'dup', false);
     END LOOP;

     IF cardinality(acc_idx) > 0 THEN
       INSERT INTO events (global_position, stream_id, stream_revision, event_id, event_type, data, metadata)
       SELECT a.pos0 + x.ord - 1, requests->a.i->>'s', a.rev0 + x.ord - 1,
              (x.value->>'id')::uuid, x.value->>'type', x.value->'data', x.value->'metadata'
       FROM unnest(acc_idx, acc_rev, acc_pos) AS a(i, rev0, pos0),
            LATERAL jsonb_array_elements(requests->a.i->'e') WITH ORDINALITY AS x(value, ord);
       PERFORM pg_notify('${NOTIFY_CHANNEL}', head::text);
     END IF;
     RETURN to_jsonb(results);
   END
   $fn$`,
];

/** Creates or upgrades the event-store schema; safe to run from several processes at once. */
export async function migrateEventStore(pool: pg.Pool): Promise<void> {
  const lockKey = APPEND_LOCK_KEY + 1;
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [lockKey]);
    try {
      for (const sql of statements) await client.query(sql);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [lockKey]);
    }
  } finally {
    client.release();
  }
}
