import { type EventStore, type Logger, type Position, type RecordedEvent, START, silentLogger } from '@parley/events';
import type pg from 'pg';
import { CHECKPOINT_CHANNEL } from './checkpoint-watcher.ts';
import { backOff, FollowLoop, Resubscribe } from './follow-loop.ts';
import type { PgProjection, Sql } from './pg-projection.ts';
import { orderKeyOf, toProjected } from './projected-event.ts';
import { LoopHealth, type MonitoredProjector, type ProjectorStatus, stalledSeconds } from './projector-status.ts';
import { migrateRuntime } from './runtime-schema.ts';

export interface PgProjectorOptions {
  /** The read-model database (may differ from the event store's). */
  pool: pg.Pool;
  store: EventStore;
  projection: PgProjection;
  /** Events per transaction at most. */
  batchSize?: number;
  /** Attempts for an event whose handler throws, before it is parked. */
  attempts?: number;
  retryDelayMs?: number;
  clock?: () => Date;
  logger?: Logger;
  /**
   * Runs inside the batch transaction after the read-model writes and before the
   * checkpoint: tests interrupt a projector exactly there.
   */
  beforeCheckpoint?: (events: readonly RecordedEvent[]) => Promise<void>;
}

export interface ParkedEvent {
  id: string;
  eventId: string;
  position: string;
  streamId: string;
  eventType: string;
  error: string;
  attempts: number;
  parkedAt: Date;
  replayedAt: Date | null;
}

interface Target {
  schema: string;
  checkpoint: string;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** No connection could be had: the database is down or refuses sessions, whatever code it answered. */
class DatabaseUnreachable extends Error {
  constructor(cause: unknown) {
    super(`cannot connect: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DatabaseUnreachable';
  }
}

/**
 * Connection losses, shutdowns, deadlocks and serialization failures are the database's
 * trouble, not the event's: the batch is retried from its checkpoint, nothing is parked.
 */
function isTransient(err: unknown): boolean {
  if (err instanceof DatabaseUnreachable) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    // 57014 (statement timeout, cancel) is the handler's own slowness: poison, not transient.
    if (code === '57014') return false;
    if (/^(08|53|57)/.test(code) || code === '40001' || code === '40P01') return true;
    if (/^E[A-Z]+$/.test(code)) return true; // ECONNRESET, ECONNREFUSED, EPIPE, ...
  }
  return /Connection terminated|connection is closed|Client has encountered a connection error/i.test(err.message);
}

class CheckpointMoved extends Resubscribe {}

/**
 * A replayed event applies on top of the rows' current state: its order key sorts after
 * every event applied so far (the checkpoint's) and every earlier replay at the same
 * checkpoint, and before every later event, so row guards let it through and later
 * events still win.
 */
const replayKey = (checkpoint: string, micros: string) => `${orderKeyOf(checkpoint as Position)}+replay+${micros.padStart(20, '0')}`;

/**
 * Runs one PostgreSQL projection: follows the log from its checkpoint and applies events
 * in batches, each batch and its checkpoint in one transaction, so a crash anywhere
 * neither loses nor double-applies an event. A batch whose handler throws is re-applied
 * event by event under savepoints: the failing event is retried, then parked with its
 * error, and the projector goes on.
 */
export class PgProjector implements MonitoredProjector {
  private readonly pool: pg.Pool;
  private readonly store: EventStore;
  private readonly projection: PgProjection;
  private readonly batchSize: number;
  private readonly attempts: number;
  private readonly retryDelayMs: number;
  private readonly clock: () => Date;
  private readonly logger: Logger;
  private readonly beforeCheckpoint: PgProjectorOptions['beforeCheckpoint'];
  private readonly live: Target;
  private readonly follower: FollowLoop;

  /** Where the live checkpoint stood when this runner last read or moved it. */
  private generation = 0;
  private position: Position = START;
  private rebuilding: Promise<void> | null = null;

  constructor(options: PgProjectorOptions) {
    this.pool = options.pool;
    this.store = options.store;
    this.projection = options.projection;
    this.batchSize = options.batchSize ?? 500;
    this.attempts = options.attempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 50;
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger ?? silentLogger;
    this.beforeCheckpoint = options.beforeCheckpoint;
    this.live = { schema: options.projection.schema, checkpoint: options.projection.name };
    this.follower = new FollowLoop({
      name: `projection ${this.name}`,
      store: this.store,
      batchSize: this.batchSize,
      logger: this.logger,
      resume: async () => {
        const checkpoint = await this.readCheckpoint(this.live.checkpoint);
        this.position = checkpoint.position;
        this.generation = checkpoint.generation;
        return checkpoint.position;
      },
      apply: async (batch) => {
        this.position = await this.applyBatch(this.live, batch, { position: this.position, generation: this.generation });
      },
    });
  }

  /** The live loop's failures: its back-off, and what its status says about them. */
  private get health(): LoopHealth {
    return this.follower.health;
  }

  get name(): string {
    return this.projection.name;
  }

  /** Creates what is missing; rebuilds when the projection's version changed. */
  async prepare(): Promise<void> {
    await migrateRuntime(this.pool);
    const created = await this.transaction(async (sql) => {
      await sql.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`parley:projection:${this.name}`]);
      const existing = await sql.query<{ version: number }>('SELECT version FROM projector.checkpoints WHERE projector = $1', [this.name]);
      if (existing.rows[0]) return existing.rows[0].version;
      await this.createFreshSchema(sql, this.live);
      return this.projection.version;
    });
    if (created !== this.projection.version) {
      this.logger.info(`projection ${this.name}: version ${created} → ${this.projection.version}, rebuilding`);
      await this.rebuild({ unlessVersion: this.projection.version });
    }
  }

  /** Prepares and follows the log in the background until `stop()`. */
  async start(): Promise<void> {
    if (this.follower.started) return;
    await this.prepare();
    this.follower.start();
  }

  async stop(): Promise<void> {
    await this.follower.stop();
  }

  /**
   * Applies a batch and moves the checkpoint in one transaction. The checkpoint row is
   * locked first and must still be where this runner left it: another instance or a
   * rebuild swap moved it otherwise (CheckpointMoved: re-read and resubscribe).
   */
  private async applyBatch(target: Target, batch: readonly RecordedEvent[], expected: { position: Position; generation: number }): Promise<Position> {
    const last = batch.at(-1)!.position;
    const attempt = (isolated: boolean) =>
      this.transaction(async (sql) => {
        const row = await sql.query<{ position: string; generation: number }>(
          'SELECT position, generation FROM projector.checkpoints WHERE projector = $1 FOR UPDATE',
          [target.checkpoint],
        );
        const current = row.rows[0];
        if (!current || current.position !== expected.position || current.generation !== expected.generation) throw new CheckpointMoved();
        // A commit lost in a database crash loses its checkpoint with it: the events are
        // applied again from the log. So no batch waits for its WAL flush.
        await sql.query(`SET LOCAL search_path TO ${quoteIdent(target.schema)}, public; SET LOCAL synchronous_commit TO off`);
        if (isolated) await this.applyIsolated(sql, target, batch, this.attempts - 1);
        else await this.applyAll(sql, batch);
        await this.beforeCheckpoint?.(batch);
        await sql.query('UPDATE projector.checkpoints SET position = $2, updated_at = now() WHERE projector = $1', [target.checkpoint, last]);
        // Delivered at commit: readers waiting for this position wake without polling.
        await sql.query('SELECT pg_notify($1, $2)', [CHECKPOINT_CHANNEL, `${target.checkpoint}\t${last}`]);
      });
    try {
      await attempt(false);
    } catch (err) {
      if (err instanceof CheckpointMoved || isTransient(err)) throw err;
      await attempt(true);
    }
    return last;
  }

  private async applyAll(sql: Sql, batch: readonly RecordedEvent[]): Promise<void> {
    const projected = batch.map(toProjected).filter((p) => p !== null);
    if (this.projection.applyBatch) await this.projection.applyBatch(sql, projected);
    else for (const p of projected) await this.projection.apply(sql, p);
  }

  private async applyOne(sql: Sql, recorded: RecordedEvent, orderKey?: string): Promise<void> {
    const projected = toProjected(recorded);
    if (projected) await this.projection.apply(sql, orderKey === undefined ? projected : { ...projected, orderKey });
  }

  /**
   * Each event under a savepoint: a throwing one is retried, then parked, and the rest
   * still apply. The failed batch was the first attempt (`tries` = attempts − 1 here);
   * a rebuild's final catch-up has had none.
   */
  private async applyIsolated(sql: Sql, target: Target, batch: readonly RecordedEvent[], tries = this.attempts): Promise<void> {
    for (const recorded of batch) {
      let error: unknown = null;
      for (let attempt = 1; attempt <= Math.max(1, tries); attempt++) {
        await sql.query('SAVEPOINT parley_event');
        try {
          await this.applyOne(sql, recorded);
          await sql.query('RELEASE SAVEPOINT parley_event');
          error = null;
          break;
        } catch (err) {
          await sql.query('ROLLBACK TO SAVEPOINT parley_event');
          if (isTransient(err)) throw err;
          error = err;
          if (attempt < tries) await sleep(this.retryDelayMs * 2 ** (attempt - 1));
        }
      }
      if (error !== null) await this.park(sql, target, recorded, error);
    }
  }

  private async park(sql: Sql, target: Target, recorded: RecordedEvent, error: unknown): Promise<void> {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.logger.warn(`projection ${target.checkpoint}: parked event ${recorded.eventId} (${recorded.type}) at ${recorded.position}: ${message}`);
    const event = {
      type: recorded.type,
      data: recorded.data,
      metadata: recorded.metadata,
      recordedAt: recorded.recordedAt.toISOString(),
      revision: recorded.revision,
    };
    await sql.query(
      `INSERT INTO projector.parked_events (projector, event_id, position, stream_id, event_type, event, error, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (projector, event_id) DO UPDATE
         SET error = EXCLUDED.error, attempts = projector.parked_events.attempts + EXCLUDED.attempts,
             parked_at = now(), replayed_at = NULL`,
      [this.name, recorded.eventId, recorded.position, recorded.streamId, recorded.type, JSON.stringify(event), message, this.attempts],
    );
  }

  /**
   * Replays the log from zero into fresh tables while readers keep the live ones, then
   * swaps them in one transaction: the last events are applied with the live checkpoint
   * locked, the schemas are renamed, and the checkpoint takes the rebuild's position
   * with a new generation (a live runner then resubscribes from there).
   */
  rebuild(options: { unlessVersion?: number } = {}): Promise<void> {
    this.rebuilding ??= this.exclusiveRebuild(options.unlessVersion).finally(() => {
      this.rebuilding = null;
    });
    return this.rebuilding;
  }

  /**
   * One rebuild of a projection at a time, across processes: a session advisory lock on
   * a connection held for the whole rebuild. A start-up rebuild (a version bump) that
   * waited for another process's finds the version current and has nothing left to do.
   */
  private async exclusiveRebuild(unlessVersion: number | undefined): Promise<void> {
    const lock = await this.pool.connect();
    const key = `parley:rebuild:${this.name}`;
    try {
      await lock.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
      if (unlessVersion !== undefined) {
        const current = await lock.query<{ version: number }>('SELECT version FROM projector.checkpoints WHERE projector = $1', [this.name]);
        if (current.rows[0]?.version === unlessVersion) return;
      }
      await this.doRebuild();
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
      lock.release();
    }
  }

  private async doRebuild(): Promise<void> {
    const fresh: Target = { schema: `${this.projection.schema}__rebuild`, checkpoint: `${this.name}__rebuild` };
    const startedAt = (await this.pool.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0]!.now;
    await this.transaction(async (sql) => {
      await sql.query(`DROP SCHEMA IF EXISTS ${quoteIdent(fresh.schema)} CASCADE`);
      await sql.query('DELETE FROM projector.checkpoints WHERE projector = $1', [fresh.checkpoint]);
      await this.createFreshSchema(sql, fresh);
    });
    let position = START;
    const health = new LoopHealth();
    for (;;) {
      const page = await this.store.readAll({ after: position, maxCount: this.batchSize });
      if (page.events.length === 0) break;
      try {
        position = await this.applyBatch(fresh, page.events, { position, generation: 1 });
        health.progressed();
      } catch (err) {
        if (!isTransient(err)) throw err;
        // The checkpoint did not move: the same page again. Stopping the live loop does not cut this short.
        await backOff({ name: `projection ${this.name}`, logger: this.logger, health, stage: 'rebuilding', error: err });
      }
    }
    const retired = `${this.projection.schema}__retired`;
    await this.transaction(async (sql) => {
      await sql.query('SELECT 1 FROM projector.checkpoints WHERE projector = $1 FOR UPDATE', [this.live.checkpoint]);
      await sql.query(`SET LOCAL search_path TO ${quoteIdent(fresh.schema)}, public`);
      for (;;) {
        const page = await this.store.readAll({ after: position, maxCount: this.batchSize });
        if (page.events.length === 0) break;
        await this.applyIsolated(sql, fresh, page.events);
        position = page.events.at(-1)!.position;
      }
      await sql.query(`DROP SCHEMA IF EXISTS ${quoteIdent(retired)} CASCADE`);
      await sql.query(`ALTER SCHEMA ${quoteIdent(this.projection.schema)} RENAME TO ${quoteIdent(retired)}`);
      await sql.query(`ALTER SCHEMA ${quoteIdent(fresh.schema)} RENAME TO ${quoteIdent(this.projection.schema)}`);
      await sql.query(`UPDATE projector.checkpoints SET position = $2, generation = generation + 1, version = $3, updated_at = now() WHERE projector = $1`, [
        this.live.checkpoint,
        position,
        this.projection.version,
      ]);
      await sql.query('DELETE FROM projector.checkpoints WHERE projector = $1', [fresh.checkpoint]);
      // Parked before the rebuild and not parked again by it: the rebuilt tables hold
      // those events now, and a replay would apply them twice.
      await sql.query('DELETE FROM projector.parked_events WHERE projector = $1 AND parked_at < $2 AND replayed_at IS NULL', [this.name, startedAt]);
    });
    // Readers still on the old tables finish first: DROP waits for their locks.
    await this.pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(retired)} CASCADE`);
    this.logger.info(`projection ${this.name}: rebuilt up to ${position}`);
  }

  /**
   * Read from the checkpoint row, so it is right whichever process runs the loop; the
   * loop's failures are this process's own. `stalledSeconds` is measured on the
   * database's clock, which stamped both the checkpoint and the events.
   */
  async status(): Promise<ProjectorStatus> {
    const rebuild = await this.pool.query<{ position: string }>('SELECT position FROM projector.checkpoints WHERE projector = $1', [`${this.name}__rebuild`]);
    const rebuilding = rebuild.rows[0]
      ? { position: rebuild.rows[0].position, eventsBehind: await this.store.countEventsAfter(rebuild.rows[0].position as Position, 1_000_000) }
      : null;
    const row = (
      await this.pool.query<{ position: string; updated_at: Date; now: Date }>(
        'SELECT position, updated_at, clock_timestamp() AS now FROM projector.checkpoints WHERE projector = $1',
        [this.live.checkpoint],
      )
    ).rows[0];
    if (!row) throw new Error(`projection ${this.live.checkpoint} has no checkpoint: call prepare() first`);
    const checkpoint = { position: row.position as Position };
    const [behind, oldest, parked] = await Promise.all([
      this.store.countEventsAfter(checkpoint.position, 1_000_000),
      this.store.readAll({ after: checkpoint.position, maxCount: 1 }),
      this.pool.query<{ n: string }>('SELECT count(*) AS n FROM projector.parked_events WHERE projector = $1 AND replayed_at IS NULL', [this.name]),
    ]);
    const pending = oldest.events[0];
    return {
      name: this.name,
      position: checkpoint.position,
      eventsBehind: behind,
      secondsBehind: pending ? Math.max(0, (this.clock().getTime() - pending.recordedAt.getTime()) / 1000) : 0,
      parked: Number(parked.rows[0]?.n ?? 0),
      running: this.follower.running,
      rebuilding,
      lastProgressAt: row.updated_at.toISOString(),
      stalledSeconds: behind === 0 ? 0 : stalledSeconds(row.now, pending?.recordedAt ?? null, row.updated_at),
      ...this.health.snapshot(),
    };
  }

  loopTrouble(): string | null {
    return this.health.trouble();
  }

  async parked(options: { includeReplayed?: boolean; limit?: number } = {}): Promise<ParkedEvent[]> {
    const res = await this.pool.query<{
      id: string;
      event_id: string;
      position: string;
      stream_id: string;
      event_type: string;
      error: string;
      attempts: number;
      parked_at: Date;
      replayed_at: Date | null;
    }>(
      `SELECT id, event_id, position, stream_id, event_type, error, attempts, parked_at, replayed_at
       FROM projector.parked_events WHERE projector = $1 AND ($2 OR replayed_at IS NULL) ORDER BY id LIMIT $3`,
      [this.name, options.includeReplayed ?? false, options.limit ?? 100],
    );
    return res.rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      position: r.position,
      streamId: r.stream_id,
      eventType: r.event_type,
      error: r.error,
      attempts: r.attempts,
      parkedAt: r.parked_at,
      replayedAt: r.replayed_at,
    }));
  }

  /**
   * Applies a parked event to the live tables (once its handler is fixed). It lands after
   * events that came later in the log: handlers are written to tolerate that.
   * Returns false when there is no such unreplayed event; throws when it fails again.
   */
  async replay(id: string): Promise<boolean> {
    try {
      return await this.transaction(async (sql) => {
        // Replays are serialized by this lock, so the database clock read after it orders them.
        const checkpoint = await sql.query<{ position: string; micros: string }>(
          `SELECT position, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text AS micros
           FROM projector.checkpoints WHERE projector = $1 FOR UPDATE`,
          [this.live.checkpoint],
        );
        const res = await sql.query<{
          event_id: string;
          position: string;
          stream_id: string;
          event: { type: string; data: unknown; metadata: unknown; recordedAt: string; revision: number };
        }>('SELECT event_id, position, stream_id, event FROM projector.parked_events WHERE projector = $1 AND id = $2 AND replayed_at IS NULL FOR UPDATE', [
          this.name,
          id,
        ]);
        const row = res.rows[0];
        if (!row) return false;
        await sql.query(`SET LOCAL search_path TO ${quoteIdent(this.live.schema)}, public`);
        await this.applyOne(
          sql,
          {
            eventId: row.event_id,
            streamId: row.stream_id,
            revision: row.event.revision,
            position: row.position as Position,
            type: row.event.type,
            data: row.event.data,
            metadata: row.event.metadata,
            recordedAt: new Date(row.event.recordedAt),
          },
          replayKey(checkpoint.rows[0]?.position ?? START, checkpoint.rows[0]?.micros ?? '0'),
        );
        await sql.query('UPDATE projector.parked_events SET replayed_at = now() WHERE id = $1', [id]);
        return true;
      });
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      await this.pool.query('UPDATE projector.parked_events SET error = $2, attempts = attempts + 1 WHERE id = $1', [id, message]);
      throw err;
    }
  }

  private async createFreshSchema(sql: Sql, target: Target): Promise<void> {
    // Tables without a checkpoint say nothing about the log: start them anew.
    await sql.query(`DROP SCHEMA IF EXISTS ${quoteIdent(target.schema)} CASCADE`);
    await sql.query(`CREATE SCHEMA ${quoteIdent(target.schema)}`);
    await sql.query(`SET LOCAL search_path TO ${quoteIdent(target.schema)}, public`);
    await this.projection.createTables(sql);
    await sql.query(`INSERT INTO projector.checkpoints (projector, position, version) VALUES ($1, $2, $3)`, [
      target.checkpoint,
      START,
      this.projection.version,
    ]);
  }

  private async readCheckpoint(name: string): Promise<{ position: Position; generation: number }> {
    const res = await this.pool.query<{ position: string; generation: number }>('SELECT position, generation FROM projector.checkpoints WHERE projector = $1', [
      name,
    ]);
    const row = res.rows[0];
    if (!row) throw new Error(`projection ${name} has no checkpoint: call prepare() first`);
    return { position: row.position as Position, generation: row.generation };
  }

  private async transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((err: unknown) => {
      throw new DatabaseUnreachable(err);
    });
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
