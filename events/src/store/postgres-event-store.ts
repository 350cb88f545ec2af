import pg from 'pg';
import {
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type LogFilter,
  type NewEvent,
  PartialDuplicateAppendError,
  type Position,
  type ReadAllOptions,
  type ReadAllResult,
  type ReadStreamOptions,
  type RecordedEvent,
  START,
  type SubscribeOptions,
  type Subscription,
  WrongExpectedRevisionError,
} from './event-store.ts';
import { createPgPool, LISTEN_CONNECTION } from './pg-pool.ts';
import { PositionWaiter } from './position-waiter.ts';
import { migrateEventStore, NOTIFY_CHANNEL } from './postgres-schema.ts';

export interface PostgresEventStoreOptions {
  connectionString: string;
  /** Connections for reads and appends. */
  poolSize?: number;
  /** Upper bound of events sent to PostgreSQL in one group commit. */
  maxBatchEvents?: number;
  /** Safety net should a notification be lost; subscribers otherwise wake on NOTIFY only. */
  idleRecheckMs?: number;
}

interface PendingAppend {
  streamId: string;
  expected: ExpectedRevision;
  events: readonly NewEvent[];
  /** The request as `parley_append` takes it, serialized when it is queued. */
  json: string;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

type AppendOutcome =
  | { ok: true; pos: number | string; rev: number | string; dup: boolean }
  | { ok: false; err: 'wrong_revision'; actual: number }
  | { ok: false; err: 'partial_duplicate' };

interface EventRow {
  global_position: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: unknown;
  recorded_at: Date;
}

const toPosition = (n: bigint | number | string): Position => String(n) as Position;
const positionValue = (p: Position | undefined): bigint => (p === undefined || p === START ? 0n : BigInt(p));

const toRecorded = (row: EventRow): RecordedEvent => ({
  eventId: row.event_id,
  streamId: row.stream_id,
  revision: Number(row.stream_revision),
  position: toPosition(row.global_position),
  type: row.event_type,
  data: row.data,
  metadata: row.metadata,
  recordedAt: row.recorded_at,
});

const EVENT_COLUMNS = 'global_position, stream_id, stream_revision, event_id, event_type, data, metadata, recorded_at';

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Whether a failed `parley_append` call may have failed because of one of its requests
 * (a value jsonb rejects, a constraint, a trigger): the server answered with an error.
 * Lost connections, shutdowns, exhausted resources and refused logins fail every request
 * alike; splitting the batch would only repeat the failure.
 */
function mayBeOneRequestsFault(error: unknown): boolean {
  if (!(error instanceof pg.DatabaseError) || typeof error.code !== 'string') return false;
  const code = error.code;
  return !(code.startsWith('08') || code.startsWith('57P') || code.startsWith('53') || code.startsWith('28') || code === '3D000');
}

/**
 * Batches concurrent appends into one `parley_append` call (group commit). While one
 * batch is committing, new appends queue up; the next batch takes all of them. A lone
 * writer therefore pays no added latency, and N concurrent writers share one commit.
 * A batch is one transaction, so one request PostgreSQL refuses would fail all of them:
 * a batch that fails that way is split in halves and retried, until the failing request
 * is alone and gets its own error; everyone else commits as if they had been alone.
 */
class GroupCommitter {
  private queue: PendingAppend[] = [];
  private flushing = false;
  readonly stats: GroupCommitStats = { batches: 0, requests: 0, events: 0, flushMs: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly maxBatchEvents: number,
  ) {}

  append(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      // Serialized here, so a request that cannot be (a BigInt, a cycle) fails alone.
      const json = JSON.stringify({
        s: streamId,
        x: expected,
        e: events.map((e) => ({ id: e.eventId, type: e.type, data: e.data, metadata: e.metadata })),
      });
      this.queue.push({ streamId, expected, events, json, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private takeBatch(): PendingAppend[] {
    const batch: PendingAppend[] = [];
    const ids = new Set<string>();
    const rest: PendingAppend[] = [];
    let size = 0;
    for (const p of this.queue) {
      // An event id may stand in one request of a call only (concurrent webhook
      // redeliveries carry the same ids): a colliding request waits for the next batch,
      // where the first one's events are stored and it becomes an idempotent no-op.
      const collides = p.events.some((e) => ids.has(e.eventId));
      if (collides || (batch.length > 0 && size + p.events.length > this.maxBatchEvents)) {
        rest.push(p);
        continue;
      }
      for (const e of p.events) ids.add(e.eventId);
      size += p.events.length;
      batch.push(p);
    }
    this.queue = rest;
    return batch;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        await this.commit(this.takeBatch());
        // Let the writers just answered queue their next appends before the next batch is
        // cut: otherwise it leaves with half of them and the batches alternate in halves.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Commits `batch` as one transaction and answers each of its callers. */
  private async commit(batch: PendingAppend[]): Promise<void> {
    let outcomes: AppendOutcome[];
    const started = performance.now();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      // No connection (the database is down, or refuses sessions): no request is to blame.
      for (const p of batch) p.reject(error);
      return;
    }
    try {
      const payload = `[${batch.map((p) => p.json).join(',')}]`;
      const res = await client.query<{ r: AppendOutcome[] }>('SELECT parley_append($1::jsonb) AS r', [payload]).finally(() => client.release());
      outcomes = res.rows[0]?.r ?? [];
      this.stats.batches += 1;
      this.stats.requests += batch.length;
      this.stats.events += batch.reduce((n, p) => n + p.events.length, 0);
      this.stats.flushMs += performance.now() - started;
    } catch (error) {
      // Nothing of the batch was stored. Halves in order keep the order of the requests.
      if (batch.length > 1 && mayBeOneRequestsFault(error)) {
        const half = batch.length >>> 1;
        await this.commit(batch.slice(0, half));
        await this.commit(batch.slice(half));
        return;
      }
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (!o) p.reject(new Error('event store returned no outcome for an append'));
      else if (o.ok) p.resolve({ nextExpectedRevision: Number(o.rev), position: toPosition(o.pos), idempotent: o.dup });
      else if (o.err === 'wrong_revision') p.reject(new WrongExpectedRevisionError(p.streamId, p.expected, o.actual));
      else p.reject(new PartialDuplicateAppendError(p.streamId));
    });
  }
}

/** While the LISTEN connection is down, subscribers at the head re-read this often. */
const DEAF_RECHECK_MS = 250;
const LISTEN_RETRY_MAX_MS = 5_000;

/**
 * One LISTEN connection per store; subscribers wait on it for the head to move. A lost
 * connection is reconnected with back-off, for as long as the store is open; until then
 * waiting subscribers fall back to re-reading every DEAF_RECHECK_MS, so a database that
 * comes back is seen within that, LISTEN or not. Nothing here ever fails a subscriber.
 */
class HeadWatcher {
  private readonly head = new PositionWaiter<bigint>((a, b) => (a < b ? -1 : a > b ? 1 : 0), 0n);
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private failures = 0;
  private retryAt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly readHead: () => Promise<bigint>,
  ) {}

  /** Listens unless it is already, or a failed attempt's back-off has not run out (its timer tries again). */
  private listen(): Promise<void> {
    if (this.client || this.closed || Date.now() < this.retryAt) return this.connecting ?? Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, ...LISTEN_CONNECTION });
    let lost = false;
    client.on('notification', (msg) => {
      if (msg.payload) this.head.advance(BigInt(msg.payload));
    });
    client.on('error', () => {
      lost = true;
      if (this.client === client) this.lose(client);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
      if (lost) throw new Error('LISTEN connection lost while it was set up');
    } catch {
      void client.end().catch(() => undefined);
      this.retryLater();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
    // Whatever committed while nobody listened: re-read the head. Should that fail, the
    // subscribers' own reads cover it.
    try {
      this.head.advance(await this.readHead());
    } catch {
      // see above
    }
  }

  private lose(client: pg.Client) {
    this.client = undefined;
    void client.end().catch(() => undefined);
    this.retryLater();
    // Waiters would otherwise sleep out their long wait deaf: let them re-read now, and
    // wait again with the short re-check.
    this.head.releaseAll();
  }

  private retryLater() {
    if (this.closed) return;
    this.failures += 1;
    const delay = Math.min(LISTEN_RETRY_MAX_MS, 100 * 2 ** Math.min(this.failures - 1, 6));
    this.retryAt = Date.now() + delay;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryAt = 0;
      void this.listen();
    }, delay);
    this.retryTimer.unref();
  }

  /**
   * Resolves once the log's head is past `after`, after `maxWaitMs` (DEAF_RECHECK_MS
   * while not listening), when `signal` aborts, or on close. Never rejects.
   */
  async waitPast(after: bigint, maxWaitMs: number, signal: AbortSignal): Promise<void> {
    await this.listen();
    await this.head.waitFor(after + 1n, this.client ? maxWaitMs : Math.min(maxWaitMs, DEAF_RECHECK_MS), signal);
  }

  async close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.head.releaseAll();
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

export interface GroupCommitStats {
  batches: number;
  requests: number;
  events: number;
  flushMs: number;
}

export interface PostgresEventStore extends EventStore {
  readonly pool: pg.Pool;
  /** Counters of the group committer since start: batches sent and what they carried. */
  readonly stats: Readonly<GroupCommitStats>;
}

export async function createPostgresEventStore(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
  const pool = createPgPool({ connectionString: options.connectionString, max: options.poolSize ?? 10 });
  await migrateEventStore(pool);

  const committer = new GroupCommitter(pool, options.maxBatchEvents ?? 2000);
  const idleRecheckMs = options.idleRecheckMs ?? 30_000;

  const headPositionValue = async (): Promise<bigint> => {
    const res = await pool.query<{ h: string }>('SELECT coalesce(max(global_position), 0) AS h FROM events');
    return BigInt(res.rows[0]?.h ?? '0');
  };
  const watcher = new HeadWatcher(options.connectionString, headPositionValue);

  const filterSql = (filter: LogFilter | undefined, params: unknown[]): string => {
    const clauses: string[] = [];
    if (filter?.eventTypes) {
      params.push(filter.eventTypes);
      clauses.push(`event_type = ANY($${params.length}::text[])`);
    }
    if (filter?.streamPrefixes) {
      params.push(filter.streamPrefixes.map((p) => `${escapeLike(p)}%`));
      clauses.push(`stream_id LIKE ANY($${params.length}::text[])`);
    }
    return clauses.length ? `AND ${clauses.join(' AND ')}` : '';
  };

  const readAll = async ({ after = START, maxCount = 1000, filter }: ReadAllOptions = {}): Promise<ReadAllResult> => {
    const params: unknown[] = [positionValue(after).toString(), maxCount];
    const where = filterSql(filter, params);
    // One statement, one snapshot: the head read here bounds what the page could have
    // contained, so a short page lets the checkpoint jump to it.
    const res = await pool.query<EventRow & { head: string }>(
      `SELECT h.head, e.* FROM (SELECT coalesce(max(global_position), 0) AS head FROM events) h
       LEFT JOIN LATERAL (
         SELECT ${EVENT_COLUMNS} FROM events
         WHERE global_position > $1 AND global_position <= h.head ${where}
         ORDER BY global_position LIMIT $2
       ) e ON true`,
      params,
    );
    const events = res.rows.filter((r) => r.global_position !== null).map(toRecorded);
    const head = res.rows[0]?.head ?? '0';
    const last = events.at(-1);
    const next = events.length < maxCount ? toPosition(BigInt(head) > positionValue(after) ? head : positionValue(after)) : (last?.position ?? after);
    return { events, next };
  };

  const subscribeToAll = ({ after = START, filter, batchSize = 500 }: SubscribeOptions = {}): Subscription => {
    const closing = new AbortController();
    const { signal } = closing;
    async function* iterate(): AsyncGenerator<RecordedEvent> {
      let checkpoint = after;
      while (!signal.aborted) {
        const page = await readAll({ after: checkpoint, maxCount: batchSize, filter });
        for (const event of page.events) {
          if (signal.aborted) return;
          yield event;
        }
        checkpoint = page.next;
        if (page.events.length < batchSize) await watcher.waitPast(positionValue(checkpoint), idleRecheckMs, signal);
      }
    }
    const generator = iterate();
    return {
      [Symbol.asyncIterator]: () => generator,
      async close() {
        closing.abort();
        await generator.return(undefined);
      },
    };
  };

  return {
    pool,
    get stats() {
      return committer.stats;
    },
    async appendToStream(streamId, events, { expectedRevision = 'any' } = {}) {
      const ids = new Set(events.map((e) => e.eventId));
      if (ids.size !== events.length) throw new TypeError(`append to ${streamId}: the same event id appears twice`);
      return committer.append(streamId, expectedRevision, events);
    },
    async readStream(streamId, { fromRevision = 0, maxCount = 1_000_000 }: ReadStreamOptions = {}) {
      const res = await pool.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND stream_revision >= $2
         ORDER BY stream_revision LIMIT $3`,
        [streamId, fromRevision, maxCount],
      );
      return res.rows.map(toRecorded);
    },
    readAll,
    subscribeToAll,
    async headPosition() {
      return toPosition(await headPositionValue());
    },
    async countEventsAfter(position, cap) {
      // Positions are gap-free, so the distance to the head is the count.
      const behind = (await headPositionValue()) - positionValue(position);
      return Number(behind < 0n ? 0n : behind < BigInt(cap) ? behind : BigInt(cap));
    },
    isPosition(value): value is Position {
      // global_position is a bigint: at most 19 digits.
      return value === START || /^[0-9]{1,19}$/.test(value);
    },
    comparePositions(a, b) {
      const d = positionValue(a) - positionValue(b);
      return d < 0n ? -1 : d > 0n ? 1 : 0;
    },
    async close() {
      await watcher.close();
      await pool.end();
    },
  };
}
