import { randomUUID } from 'node:crypto';
import {
  decodeEvent,
  type EventContext,
  type EventStore,
  encodeEvent,
  type ParleyEvent,
  PartialDuplicateAppendError,
  type Position,
  START,
  WrongExpectedRevisionError,
} from '@parley/events';
import { conflict, notFound } from '@parley/kit';
import type { Decider } from '../domain/decider.ts';

/** Who caused a command, and when: the envelope of every event it produces. */
export interface CommandContext extends EventContext {
  /** Event ids for the decided events; random unless the caller must be idempotent. */
  eventId?: (event: ParleyEvent, index: number) => string;
}

export interface HandleResult<S, E> {
  events: E[];
  state: S;
  /** Revision of the stream after the command (-1: still no stream). */
  revision: number;
  /** Position of the stream's last event: a read-your-writes token for the query API. */
  position: Position;
}

interface Loaded<S> {
  state: S;
  revision: number;
  position: Position;
  /** Tenant of the stream's first event: a key of another tenant never sees the stream. */
  tenantId: string | null;
}

export interface CommandHandlerOptions {
  /** Aggregates kept folded in memory; a command then reads only the events after them. */
  cacheSize?: number;
  maxAttempts?: number;
}

/**
 * All IO of a command: load the stream (from the cache, reading only newer events),
 * decide, append with the expected revision, retry on a conflict. Commands on one stream
 * queue behind each other in this process; other processes are caught by the expected
 * revision.
 */
export class CommandHandler<C, S, E extends ParleyEvent> {
  private readonly cache = new Map<string, Loaded<S>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly cacheSize: number;
  private readonly maxAttempts: number;

  constructor(
    private readonly store: EventStore,
    private readonly decider: Decider<C, S, E>,
    options: CommandHandlerOptions = {},
  ) {
    this.cacheSize = options.cacheSize ?? 20_000;
    this.maxAttempts = options.maxAttempts ?? 10;
  }

  /** The cached fold, possibly behind the store: for lookups that re-read on a miss. */
  peek(streamId: string): Loaded<S> | undefined {
    return this.cache.get(streamId);
  }

  /** Current state of a stream, for lookups. */
  async load(streamId: string): Promise<Loaded<S>> {
    return this.withLock(streamId, () => this.refresh(streamId));
  }

  /**
   * Reads the events after a cached fold; a stream not cached is left to its next load.
   * Under the stream's lock, so a load still in flight is caught up too.
   */
  async catchUp(streamId: string): Promise<void> {
    await this.withLock(streamId, async () => {
      if (this.cache.has(streamId)) await this.refresh(streamId);
    });
  }

  async handle(
    streamId: string,
    command: C,
    context: CommandContext,
    options: {
      tenantScoped?: boolean;
      /**
       * 'cached': decide on the cached fold without reading the stream first; the
       * expected revision catches a stale cache (conflict, re-read, retry). Only for
       * commands whose no-op decisions hold on any older state, such as recording
       * WhatsApp deliveries that the cache already shows. A stream not in the cache is
       * taken for a new one (a new sender's contact and thread: most misses): the
       * decision on the initial state is appended expecting no stream, and re-decided
       * on the stream as read if it exists after all. A no-op on that assumed state
       * says nothing, so it reads first. Not with `tenantScoped` (needs the stream's tenant).
       */
      freshness?: 'read' | 'cached';
    } = {},
  ): Promise<HandleResult<S, E>> {
    return this.withLock(streamId, async () => {
      for (let attempt = 1; ; attempt++) {
        const unread = attempt === 1 && options.freshness === 'cached';
        const cached = unread ? this.cache.get(streamId) : undefined;
        // Assumed new: nothing read, nothing cached.
        const assumedNew = unread && !cached && !options.tenantScoped;
        let loaded = cached ?? (assumedNew ? this.blank() : await this.refresh(streamId));
        if (options.tenantScoped && loaded.tenantId !== null && loaded.tenantId !== context.tenantId) {
          throw notFound('conversation not found');
        }
        let events = this.decider.decide(command, loaded.state);
        if (events.length === 0 && assumedNew) {
          loaded = await this.refresh(streamId);
          events = this.decider.decide(command, loaded.state);
        }
        if (events.length === 0) {
          return { events, state: loaded.state, revision: loaded.revision, position: loaded.position };
        }
        const encoded = events.map((e, i) => encodeEvent(e, context.eventId?.(e, i) ?? randomUUID(), context));
        try {
          const result = await this.store.appendToStream(streamId, encoded, {
            expectedRevision: loaded.revision < 0 ? 'no_stream' : loaded.revision,
          });
          // The stream existed and already held these events (deterministic ids): what
          // the command means for the stream as it is is decided again, on a read.
          if (result.idempotent && assumedNew && loaded.revision < 0) continue;
          if (result.idempotent) {
            // Already stored by an earlier attempt the cache has not seen: catch up, so
            // the next command does not decide on the stale fold again.
            const fresh = await this.refresh(streamId);
            return { events: [], state: fresh.state, revision: fresh.revision, position: result.position };
          }
          let state = loaded.state;
          for (const e of events) state = this.decider.evolve(state, e);
          this.remember(streamId, {
            state,
            revision: result.nextExpectedRevision,
            position: result.position,
            tenantId: loaded.tenantId ?? context.tenantId,
          });
          return { events, state, revision: result.nextExpectedRevision, position: result.position };
        } catch (error) {
          const retryable = error instanceof WrongExpectedRevisionError || error instanceof PartialDuplicateAppendError;
          if (!retryable) throw error;
          if (attempt >= this.maxAttempts) throw conflict('too many concurrent changes to the same record: try again');
          // A stream assumed new that exists is no race: read it and decide again now.
          if (assumedNew && loaded.revision < 0) continue;
          // Another process won the race: back off a little, at random, so the same two
          // do not collide again in lockstep.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
        }
      }
    });
  }

  /** A stream with no events, not cached: the fold a command on a new stream starts from. */
  private blank(): Loaded<S> {
    return { state: this.decider.initialState(), revision: -1, position: START, tenantId: null };
  }

  /** Brings the cached fold up to date by reading only the events after it. */
  private async refresh(streamId: string): Promise<Loaded<S>> {
    const cached = this.cache.get(streamId);
    const loaded: Loaded<S> = cached ?? { state: this.decider.initialState(), revision: -1, position: START, tenantId: null };
    const newer = await this.store.readStream(streamId, { fromRevision: loaded.revision + 1 });
    for (const recorded of newer) {
      const { event, metadata } = decodeEvent(recorded);
      loaded.state = this.decider.evolve(loaded.state, event as E);
      loaded.revision = recorded.revision;
      loaded.position = recorded.position;
      loaded.tenantId ??= metadata.tenantId;
    }
    if (loaded.revision >= 0) this.remember(streamId, loaded);
    return loaded;
  }

  private remember(streamId: string, loaded: Loaded<S>) {
    this.cache.delete(streamId);
    this.cache.set(streamId, loaded);
    if (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  private async withLock<T>(streamId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(streamId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.locks.set(streamId, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(streamId) === tail) this.locks.delete(streamId);
    }
  }
}
