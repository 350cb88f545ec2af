/**
 * The event-store port. Every backend (PostgreSQL, EventStoreDB) implements it and
 * passes the same contract suite (`events/test/event-store.contract.ts`).
 *
 * Revisions are per stream and start at 0 (EventStoreDB's convention). Positions are
 * opaque, serializable checkpoints in the whole log: compare them only through
 * `comparePositions` of the store that produced them.
 */

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

/** An opaque checkpoint in the whole log. `START` means "before the first event". */
export type Position = string & { readonly __brand: 'Position' };
export const START = '' as Position;

export interface NewEvent {
  eventId: string;
  type: string;
  data: unknown;
  metadata: unknown;
}

export interface RecordedEvent {
  eventId: string;
  streamId: string;
  revision: number;
  position: Position;
  type: string;
  data: unknown;
  metadata: unknown;
  recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  nextExpectedRevision: number;
  /** Position of the append's last event in the whole log. */
  position: Position;
  /** True when every event was already stored: a retried append that changed nothing. */
  idempotent: boolean;
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive). Defaults to 0. */
  fromRevision?: number;
  maxCount?: number;
}

export interface LogFilter {
  eventTypes?: readonly string[];
  streamPrefixes?: readonly string[];
}

export interface ReadAllOptions {
  /** Read events strictly after this position. Defaults to START. */
  after?: Position;
  maxCount?: number;
  filter?: LogFilter;
}

export interface ReadAllResult {
  events: RecordedEvent[];
  /**
   * Where the next read continues from. With a filter this can move past the last
   * returned event (the store scanned further without a match), so checkpoint it.
   */
  next: Position;
}

export interface SubscribeOptions {
  /** Deliver events strictly after this checkpoint. Defaults to START. */
  after?: Position;
  filter?: LogFilter;
  /** How many events the store fetches ahead of the consumer at most. */
  batchSize?: number;
}

/** A live subscription to the whole log: an async iterator that only fetches when pulled. */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  appendToStream(streamId: string, events: readonly NewEvent[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<ReadAllResult>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** Position of the last event in the log (START when empty). */
  headPosition(): Promise<Position>;
  /** How many events the log holds after `position`, counted up to `cap` (lag reports). */
  countEventsAfter(position: Position, cap: number): Promise<number>;
  /** Throws on a string that is not one of this store's positions: check client input with `isPosition` first. */
  comparePositions(a: Position, b: Position): number;
  /** Whether `value` has the form of this store's positions (START included), e.g. a client's `minPosition`. */
  isPosition(value: string): value is Position;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** -1 when the stream does not exist. */
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${actual < 0 ? 'no stream' : actual}`);
  }
}

/** Some but not all of an append's event ids are already stored: not a clean retry. */
export class PartialDuplicateAppendError extends Error {
  override readonly name = 'PartialDuplicateAppendError';
  constructor(readonly streamId: string) {
    super(`stream ${streamId}: some of the appended event ids are already stored, others are not`);
  }
}
