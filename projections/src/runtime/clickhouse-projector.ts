import type { ClickHouseClient } from '@clickhouse/client';
import { type EventStore, type Logger, type Position, type RecordedEvent, START } from '@parley/events';
import { chTime, fromChTime, queryRows } from '../analytics/clickhouse.ts';
import { FollowLoop } from './follow-loop.ts';
import { type MonitoredProjector, type ProjectorStatus, stalledSeconds } from './projector-status.ts';

export interface ClickHouseProjectorOptions {
  store: EventStore;
  client: ClickHouseClient;
  database: string;
  /** Events per batch: one INSERT per table and one checkpoint per batch. */
  batchSize?: number;
  /** How long a partial batch waits for more events before it is written. */
  flushMs?: number;
  clock?: () => Date;
  logger?: Logger;
  /** Test seam: runs after a batch's inserts, before its checkpoint (the crash tests kill here). */
  afterInsertBeforeCheckpoint?: (batch: { first: Position; last: Position }) => void | Promise<void>;
}

/**
 * A store position as a number that orders like the log: PostgreSQL positions are
 * gap-free integers; EventStoreDB's `commit/prepare` orders by its prepare part.
 */
export function positionSeq(position: Position): number {
  const parts = position.split('/');
  const n = Number(parts[parts.length - 1]);
  if (!Number.isSafeInteger(n)) throw new Error(`position ${position} is not an ordinal this projector can store`);
  return n;
}

/**
 * What the ClickHouse projectors (analytics, usage) share: the follow loop, the checkpoint
 * in `projector_checkpoints`, waiting for a position, and the status /health reports. A
 * subclass loads its own state (`load`, after `loadCheckpoint`) and writes a batch
 * (`apply`, ending with `saveCheckpoint`).
 *
 * Exactly-once effect without transactions is each subclass's business: rows carry their
 * event's ordinal and, after a crash between the inserts and the checkpoint, rows at or
 * below a table's high-water mark are dropped when re-read.
 */
export abstract class ClickHouseProjector implements MonitoredProjector {
  protected readonly db: string;
  protected readonly clock: () => Date;
  protected checkpoint: Position = START;
  protected readonly follower: FollowLoop;

  protected constructor(
    readonly name: string,
    protected readonly options: ClickHouseProjectorOptions,
  ) {
    this.db = options.database;
    this.clock = options.clock ?? (() => new Date());
    const batchSize = options.batchSize ?? 5_000;
    this.follower = new FollowLoop({
      name,
      store: options.store,
      batchSize,
      readBatchSize: Math.min(batchSize, 2_000),
      flushMs: options.flushMs ?? 200,
      logger: options.logger,
      resuming: 'loading the checkpoint',
      // A failed batch may have left the memory ahead of what was stored: nothing is
      // consumed again before a fresh load of the checkpoint and the subclass's state.
      resume: async ({ afterFailure }) => {
        if (afterFailure) await this.load();
        return this.checkpoint;
      },
      apply: (batch) => this.apply(batch),
    });
  }

  /** Loads the checkpoint (`loadCheckpoint`) and whatever else the projector keeps in memory. */
  protected abstract load(): Promise<void>;
  /** Writes one batch, then `saveCheckpoint` of its last position. */
  protected abstract apply(batch: readonly RecordedEvent[]): Promise<void>;

  get position(): Position {
    return this.checkpoint;
  }

  /** Loads the checkpoint and the projector's state, then projects in the background until stop(). */
  async start(): Promise<void> {
    await this.load();
    this.follower.start();
  }

  async stop(): Promise<void> {
    await this.follower.stop();
  }

  /** Resolves once the checkpoint has reached `position` (default: the head now). */
  async waitFor(position?: Position, timeoutMs = 60_000): Promise<void> {
    const target = position ?? (await this.options.store.headPosition());
    if (this.options.store.comparePositions(this.checkpoint, target) >= 0) return;
    if (this.follower.running && (await this.follower.waitFor(target, timeoutMs))) return;
    if (!this.follower.running) throw new Error(`${this.name} stopped at ${this.checkpoint} before ${target}`);
    throw new Error(`${this.name} did not reach ${target} in ${timeoutMs} ms (at ${this.checkpoint})`);
  }

  /**
   * Whether the projection includes `position`, waiting up to `timeoutMs`: by this
   * process's follower when it runs here, else by the checkpoint the process that runs it
   * stores (the query API with a ClickHouse server and the projectors elsewhere).
   */
  async reached(position: Position, timeoutMs: number): Promise<boolean> {
    const { store } = this.options;
    if (this.follower.running) {
      if (store.comparePositions(this.checkpoint, position) >= 0) return true;
      return this.follower.waitFor(position, timeoutMs);
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (store.comparePositions((await this.storedCheckpoint()).position, position) >= 0) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async status(): Promise<ProjectorStatus> {
    const store = this.options.store;
    const running = this.follower.running;
    // Not running here (a ClickHouse server, the projector in another process): the
    // stored checkpoint is the truth, not what this process last loaded.
    const stored = running ? null : await this.storedCheckpoint();
    const checkpoint = stored?.position ?? this.checkpoint;
    const lastProgressAt = stored ? stored.updatedAt : this.follower.health.lastProgressAt;
    const [eventsBehind, next] = await Promise.all([store.countEventsAfter(checkpoint, 1_000_000), store.readAll({ after: checkpoint, maxCount: 1 })]);
    const oldest = next.events[0];
    return {
      name: this.name,
      position: checkpoint,
      eventsBehind,
      secondsBehind: oldest ? Math.max(0, (this.clock().getTime() - oldest.recordedAt.getTime()) / 1000) : 0,
      parked: 0,
      running,
      lastProgressAt: lastProgressAt?.toISOString() ?? null,
      // Wall time, not the injected clock: the events were stamped by the store's.
      stalledSeconds: eventsBehind === 0 ? 0 : stalledSeconds(new Date(), oldest?.recordedAt ?? null, lastProgressAt),
      ...this.follower.health.snapshot(),
    };
  }

  loopTrouble(): string | null {
    return this.follower.health.trouble();
  }

  /** The stored checkpoint into memory, and its time as the loop's last known progress. */
  protected async loadCheckpoint(): Promise<void> {
    const stored = await this.storedCheckpoint();
    this.checkpoint = stored.position;
    this.follower.health.knownProgress(stored.updatedAt);
  }

  /** Each table's high-water mark: the largest ordinal its rows carry (0 when empty). */
  protected async highWaterMarks<T extends string>(columns: Readonly<Record<T, string>>): Promise<Map<T, number>> {
    const marks = new Map<T, number>();
    for (const [table, column] of Object.entries(columns) as [T, string][]) {
      const mark = await queryRows(this.options.client, `SELECT max(${column}) AS mark FROM ${this.db}.${table}`);
      marks.set(table, Number(mark[0]?.mark ?? 0));
    }
    return marks;
  }

  /** After the batch's inserts: the test seam, then the checkpoint row, then memory. */
  protected async saveCheckpoint(batch: readonly RecordedEvent[]): Promise<void> {
    const first = batch[0]!.position;
    const last = batch[batch.length - 1]!.position;
    await this.options.afterInsertBeforeCheckpoint?.({ first, last });
    await this.options.client.insert({
      table: `${this.db}.projector_checkpoints`,
      values: [{ projector: this.name, position: last, seq: positionSeq(last), updated_at: chTime(this.clock().getTime()) }],
      format: 'JSONEachRow',
    });
    this.checkpoint = last;
  }

  private async storedCheckpoint(): Promise<{ position: Position; updatedAt: Date | null }> {
    const rows = await queryRows(
      this.options.client,
      `SELECT argMax(position, seq) AS position, toString(argMax(updated_at, seq)) AS updated_at
       FROM ${this.db}.projector_checkpoints WHERE projector = {name:String} HAVING count() > 0`,
      { name: this.name },
    );
    const row = rows[0];
    return row ? { position: row.position as Position, updatedAt: new Date(fromChTime(String(row.updated_at))) } : { position: START, updatedAt: null };
  }
}
