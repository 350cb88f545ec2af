import type pg from 'pg';

/** The runner's own tables: checkpoints and parked (poison) events, shared by all PostgreSQL projectors. */
export async function migrateRuntime(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    // Several processes may start at once: serialize the DDL.
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('parley:projector-runtime'))`);
    await client.query(`
      CREATE SCHEMA IF NOT EXISTS projector;
      CREATE TABLE IF NOT EXISTS projector.checkpoints (
        projector  text PRIMARY KEY,
        position   text NOT NULL,
        -- Bumped by every rebuild swap: a runner that sees it move re-reads its checkpoint.
        generation integer NOT NULL DEFAULT 1,
        version    integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE IF NOT EXISTS projector.parked_events (
        id          bigserial PRIMARY KEY,
        projector   text NOT NULL,
        event_id    text NOT NULL,
        position    text NOT NULL,
        stream_id   text NOT NULL,
        event_type  text NOT NULL,
        -- The stored event itself, so a replay needs nothing from the log.
        event       jsonb NOT NULL,
        error       text NOT NULL,
        attempts    integer NOT NULL,
        parked_at   timestamptz NOT NULL DEFAULT now(),
        replayed_at timestamptz,
        UNIQUE (projector, event_id)
      );`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
