/**
 * EventStoreDB adapter for the event-store port, on `@eventstore/db-client` 6.2.x.
 * Needs an EventStoreDB server >= 22.6: older servers do not return $all positions on
 * stream reads, which `appendToStream` and `readStream` rely on.
 */

import type {
  AllStreamRecordedEvent,
  AllStreamResolvedEvent,
  AllStreamSubscription,
  AppendExpectedRevision,
  CurrentRevision,
  Position as EsdbPosition,
  RecordedEvent as EsdbRecordedEvent,
  EventData,
  Filter,
  JSONType,
  ReadRevision,
} from '@eventstore/db-client';
import {
  ANY,
  BACKWARDS,
  END,
  START as ESDB_START,
  EventStoreDBClient,
  eventTypeFilter,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  LogFilter,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './event-store.ts';
import { PartialDuplicateAppendError, START, WrongExpectedRevisionError } from './event-store.ts';

export interface EventStoreDbOptions {
  connectionString: string;
}

// Upper bound on one $all read request. A filtered readAll keeps paging until it has
// `maxCount` matches, so this only bounds the memory of a single page.
const MAX_PAGE_SIZE = 1000;

// A u64 has at most 20 decimal digits: padding both halves to that width makes the
// lexical order of encoded positions equal to the log order.
const POSITION_DIGITS = 20;
const POSITION_PATTERN = /^(\d{20})\/(\d{20})$/;

// Bound on the event ids remembered for duplicate checks (least recently appended
// streams go first); a forgotten stream is simply read again on its next append.
const KNOWN_ID_BUDGET = 100_000;

const textEncoder = new TextEncoder();

interface KnownStreamIds {
  /** Lower-cased event id -> stream revision. */
  ids: Map<string, number>;
  /** Every event up to this revision is in `ids`; -1 before the first. */
  lastRevision: number;
  /** How many of `ids` are counted against KNOWN_ID_BUDGET. */
  counted: number;
}

export function createEventStoreDbEventStore(options: EventStoreDbOptions): EventStore {
  const client = EventStoreDBClient.connectionString(options.connectionString);
  const openSubscriptions = new Set<Subscription>();

  /** Reads raw stream events; a missing stream reads as empty, as the port wants. */
  async function readStreamRaw(
    streamId: string,
    fromRevision: ReadRevision,
    maxCount: number,
    direction: typeof FORWARDS | typeof BACKWARDS,
  ): Promise<EsdbRecordedEvent[]> {
    const events: EsdbRecordedEvent[] = [];
    try {
      for await (const resolved of client.readStream(streamId, { fromRevision, maxCount, direction })) {
        if (resolved.event !== undefined) events.push(resolved.event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  // Event ids already stored per stream, as far as this process has read or written them.
  // Streams are append-only, so an entry stays valid and only ever needs the events after
  // `lastRevision`: the duplicate check of an append reads just what is new.
  const knownIds = new Map<string, KnownStreamIds>();
  let knownIdCount = 0;

  /** Marks `entry` most recently used and evicts whole streams beyond the budget. */
  function touchKnownIds(streamId: string, entry: KnownStreamIds): void {
    knownIds.delete(streamId);
    knownIds.set(streamId, entry);
    knownIdCount += entry.ids.size - entry.counted;
    entry.counted = entry.ids.size;
    for (const [candidateId, candidate] of knownIds) {
      if (knownIdCount <= KNOWN_ID_BUDGET || candidate === entry) break;
      knownIds.delete(candidateId);
      knownIdCount -= candidate.counted;
      // An append in flight may still hold and re-touch it: it then counts afresh.
      candidate.counted = 0;
    }
  }

  async function catchUpKnownIds(streamId: string): Promise<KnownStreamIds> {
    const entry = knownIds.get(streamId) ?? { ids: new Map<string, number>(), lastRevision: -1, counted: 0 };
    for (;;) {
      const page = await readStreamRaw(streamId, BigInt(entry.lastRevision + 1), MAX_PAGE_SIZE, FORWARDS);
      for (const event of page) {
        const revision = Number(event.revision);
        entry.ids.set(event.id.toLowerCase(), revision);
        entry.lastRevision = Math.max(entry.lastRevision, revision);
      }
      if (page.length < MAX_PAGE_SIZE) break;
    }
    touchKnownIds(streamId, entry);
    return entry;
  }

  function rememberAppend(streamId: string, ids: readonly string[], nextExpectedRevision: number): void {
    const entry = knownIds.get(streamId);
    if (entry === undefined) return;
    const firstRevision = nextExpectedRevision - ids.length + 1;
    ids.forEach((id, index) => {
      entry.ids.set(id, firstRevision + index);
    });
    // Another process may have written between our catch-up and our append (under
    // 'any'); only a contiguous append lets us skip re-reading that range.
    if (entry.lastRevision === firstRevision - 1) entry.lastRevision = nextExpectedRevision;
    touchKnownIds(streamId, entry);
  }

  // Appends to one stream from this process run one at a time, so the duplicate check
  // and the write act as one step against every other append of this process.
  const streamLocks = new Map<string, Promise<unknown>>();
  async function withStreamLock<T>(streamId: string, action: () => Promise<T>): Promise<T> {
    const previous = streamLocks.get(streamId) ?? Promise.resolve();
    const run = previous.then(action, action);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    streamLocks.set(streamId, settled);
    try {
      return await run;
    } finally {
      if (streamLocks.get(streamId) === settled) streamLocks.delete(streamId);
    }
  }

  /** The $all position of the event at `revision`, checked to be the one we expect. */
  async function positionAt(streamId: string, revision: number, eventId: string): Promise<Position> {
    const [event] = await readStreamRaw(streamId, BigInt(revision), 1, FORWARDS);
    if (event === undefined || event.id.toLowerCase() !== eventId) {
      throw new Error(
        `stream ${streamId}: event ${eventId} is not at revision ${revision} (was the stream deleted or ` +
          `truncated?); retrying the append with the same event ids is safe`,
      );
    }
    return encodePosition(streamEventPosition(event));
  }

  async function appendNothing(streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    // The client turns the server's "no stream" answer into revision 0, so an empty
    // append to a missing stream would look like one to a stream with one event; check
    // the expectation against the stream's tail ourselves instead.
    const [last] = await readStreamRaw(streamId, END, 1, BACKWARDS);
    const current = last === undefined ? -1 : Number(last.revision);
    const satisfied =
      expected === 'any' || (expected === 'no_stream' && current === -1) || (expected === 'stream_exists' && current >= 0) || expected === current;
    if (!satisfied) throw new WrongExpectedRevisionError(streamId, expected, current);
    return {
      nextExpectedRevision: current,
      position: last === undefined ? START : encodePosition(streamEventPosition(last)),
      // Vacuously true: nothing had to be stored.
      idempotent: true,
    };
  }

  async function appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    appendOptions: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const expected = appendOptions.expectedRevision ?? 'any';
    if (typeof expected === 'number' && !(Number.isSafeInteger(expected) && expected >= 0)) {
      throw new RangeError(`expectedRevision must be a non-negative integer, got ${expected}`);
    }
    // The server returns ids as lower-case UUIDs whatever case they were sent in.
    const ids = events.map((event) => event.eventId.toLowerCase());
    if (new Set(ids).size !== ids.length) {
      throw new TypeError(`append to ${streamId}: the same event id appears twice`);
    }
    if (events.length === 0) return appendNothing(streamId, expected);
    return withStreamLock(streamId, () => appendLocked(streamId, events, ids, expected));
  }

  // How `idempotent` is derived. EventStoreDB accepts a retried append without saying it
  // was a no-op, and only recognises a retry at the exact expected revision (or, under
  // ANY, through a best-effort cache). The port asks more: stored ids win over the
  // expected revision (a retry with a stale revision succeeds), and a mix of stored and
  // new ids is a PartialDuplicateAppendError. So before writing we look the ids up among
  // the stream's stored events (`knownIds`, caught up by reading only the events after
  // the last one this process has seen): all found -> idempotent, nothing written; some
  // found -> partial duplicate; none -> write, and the result is not idempotent.
  // Scope and gap: ids are checked per stream (EventStoreDB has no global id index), and
  // a duplicate written by another process between our look-up and our write is absorbed
  // by the server but reported as `idempotent: false` (only one of the two stored it).
  async function appendLocked(streamId: string, events: readonly NewEvent[], ids: readonly string[], expected: ExpectedRevision): Promise<AppendResult> {
    const known = await catchUpKnownIds(streamId);
    const storedRevisions = ids.flatMap((id) => {
      const revision = known.ids.get(id);
      return revision === undefined ? [] : [revision];
    });
    if (storedRevisions.length === ids.length) {
      // Like a fresh append, answer with the newest of the events.
      let newest = 0;
      storedRevisions.forEach((revision, index) => {
        if (revision > (storedRevisions[newest] ?? -1)) newest = index;
      });
      const revision = storedRevisions[newest] ?? -1;
      const lastStoredId = ids[newest] ?? '';
      return {
        nextExpectedRevision: revision,
        position: await positionAt(streamId, revision, lastStoredId),
        idempotent: true,
      };
    }
    if (storedRevisions.length > 0) throw new PartialDuplicateAppendError(streamId);

    let nextExpectedRevision: number;
    try {
      const result = await client.appendToStream(streamId, events.map(toEventData), {
        expectedRevision: toEsdbExpectedRevision(expected),
      });
      nextExpectedRevision = Number(result.nextExpectedRevision);
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        // Under ANY the server only reports a wrong expected version when the event ids
        // match an earlier append partially ("corrupted idempotency").
        if (expected === 'any') throw new PartialDuplicateAppendError(streamId);
        throw new WrongExpectedRevisionError(streamId, expected, toActualRevision(error.actualVersion));
      }
      throw error;
    }
    rememberAppend(streamId, ids, nextExpectedRevision);

    // The append result's own position describes the write as a whole; how it relates to
    // the $all positions of the individual events varies with server version and batch
    // size. The port promises the position of the last event (what a caller can pass as
    // `after` without seeing this append again), and reading that event back is the one
    // way to get it exactly.
    return {
      nextExpectedRevision,
      position: await positionAt(streamId, nextExpectedRevision, ids.at(-1) ?? ''),
      idempotent: false,
    };
  }

  async function readStream(streamId: string, readOptions: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = readOptions.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (maxCount <= 0) return [];
    const events = await readStreamRaw(streamId, BigInt(readOptions.fromRevision ?? 0), maxCount, FORWARDS);
    return events.map((event) => toRecordedEvent(event, streamEventPosition(event)));
  }

  async function readAll(readOptions: ReadAllOptions = {}): Promise<ReadAllResult> {
    const after = readOptions.after ?? START;
    const limit = readOptions.maxCount ?? Number.POSITIVE_INFINITY;
    const accepts = compileFilter(readOptions.filter);
    const events: RecordedEvent[] = [];
    if (limit <= 0) return { events, next: after };

    // Client 6.2.x cannot send a server-side filter with a $all read (only subscriptions
    // take one), so filtering happens here, paging until `limit` matches or the end.
    const filtered = readOptions.filter !== undefined;
    let cursor = decodePosition(after);
    for (;;) {
      // +1: a read from a position includes the event at that position, which we skip.
      const remaining = limit - events.length;
      const pageSize = filtered ? MAX_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, remaining + 1);
      let seen = 0;
      // Pages are bounded, so we drain each one instead of breaking out early: breaking
      // would leave the gRPC call open until the server finished sending anyway.
      for await (const resolved of client.readAll({
        fromPosition: cursor ?? ESDB_START,
        maxCount: pageSize,
        direction: FORWARDS,
      })) {
        seen += 1;
        const event = resolved.event;
        if (event === undefined) continue;
        if (cursor !== undefined && compareEsdbPositions(event.position, cursor) <= 0) continue;
        cursor = event.position;
        if (events.length < limit && !isSystemEvent(event) && accepts(event)) {
          events.push(toRecordedEvent(event, event.position));
        }
      }
      if (events.length >= limit || seen < pageSize) break;
    }
    // A short page means the scan reached the end of the log: the checkpoint may jump to
    // the last position scanned, so the next filtered read does not scan it again.
    const scannedTo = events.length < limit && cursor !== undefined ? encodePosition(cursor) : undefined;
    return { events, next: scannedTo ?? events.at(-1)?.position ?? after };
  }

  function subscribeToAll(subscribeOptions: SubscribeOptions = {}): Subscription {
    const after = decodePosition(subscribeOptions.after ?? START);
    const accepts = compileFilter(subscribeOptions.filter);
    let source: AllStreamSubscription | undefined;
    let closing: Promise<void> | undefined;
    let ended = false;
    let failure: { error: unknown } | undefined;
    let cursor = after;
    let wake: (() => void) | undefined;
    const signal = (): void => {
      const resume = wake;
      wake = undefined;
      resume?.();
    };

    const open = (): AllStreamSubscription => {
      const stream = client.subscribeToAll(
        { fromPosition: after ?? ESDB_START, filter: toServerFilter(subscribeOptions.filter) },
        // The client's subscription is an object-mode stream piped from gRPC: capping its
        // buffer makes the pipe pause, and gRPC flow control then holds the server back.
        { highWaterMark: subscribeOptions.batchSize },
      );
      // Listeners go on at once: the client emits errors on the stream directly, and an
      // error with no listener would crash the process.
      stream.on('readable', signal);
      stream.on('end', () => {
        ended = true;
        signal();
      });
      stream.on('close', () => {
        ended = true;
        signal();
      });
      stream.on('error', (error: Error) => {
        failure ??= { error };
        signal();
      });
      return stream;
    };

    // Pulls with read() rather than flowing mode, so nothing is buffered beyond the
    // stream's high-water mark while the consumer is busy.
    const pull = async (): Promise<RecordedEvent | undefined> => {
      for (;;) {
        if (closing !== undefined) return undefined;
        if (failure !== undefined) throw failure.error;
        source ??= open();
        const resolved = source.read() as AllStreamResolvedEvent | null;
        if (resolved !== null) {
          // Checkpoints never arrive here (the client only hands them to a callback we do
          // not register); unresolved records carry no event and are skipped too.
          const event = resolved.event;
          if (event === undefined) continue;
          // The server already starts after `after`; this guards the exclusivity the port
          // promises regardless of server version.
          if (cursor !== undefined && compareEsdbPositions(event.position, cursor) <= 0) continue;
          cursor = event.position;
          if (isSystemEvent(event) || !accepts(event)) continue;
          return toRecordedEvent(event, event.position);
        }
        if (ended) {
          throw new Error('EventStoreDB ended the $all subscription; resubscribe from the last checkpoint');
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    };

    const close = (): Promise<void> => {
      closing ??= (async () => {
        openSubscriptions.delete(subscription);
        signal();
        const stream = source;
        if (stream === undefined) return;
        try {
          await stream.unsubscribe();
        } catch {
          // Cancelling fails only when the call never started; its error was (or will be)
          // surfaced to the consumer through iteration, and there is nothing to release.
        } finally {
          stream.destroy();
        }
      })();
      return closing;
    };

    async function* iterate(): AsyncGenerator<RecordedEvent, void, undefined> {
      try {
        for (;;) {
          const event = await pull();
          if (event === undefined) return;
          yield event;
        }
      } finally {
        await close();
      }
    }

    // One shared iterator: the gRPC call starts on the first pull, not on subscribe, and
    // a second for-await continues the same subscription instead of racing it.
    let iterator: AsyncGenerator<RecordedEvent, void, undefined> | undefined;
    const subscription: Subscription = {
      [Symbol.asyncIterator]: () => (iterator ??= iterate()),
      close,
    };
    openSubscriptions.add(subscription);
    return subscription;
  }

  function comparePositionsOf(a: Position, b: Position): number {
    return compareEsdbPositions(decodePosition(a), decodePosition(b));
  }

  async function headPosition(): Promise<Position> {
    // System events ($-types and $-streams) are invisible through readAll and
    // subscriptions, so the head is the newest non-system event. It is almost always the
    // very last record; otherwise keep paging backwards.
    let from: EsdbPosition | typeof END = END;
    let pageSize = 1;
    for (;;) {
      let seen = 0;
      let oldest: EsdbPosition | undefined;
      let head: EsdbPosition | undefined;
      for await (const resolved of client.readAll({ fromPosition: from, maxCount: pageSize, direction: BACKWARDS })) {
        seen += 1;
        const event = resolved.event;
        if (event === undefined) continue;
        if (from !== END && compareEsdbPositions(event.position, from) >= 0) continue;
        oldest = event.position;
        if (head === undefined && !isSystemEvent(event)) head = event.position;
      }
      if (head !== undefined) return encodePosition(head);
      if (seen < pageSize || oldest === undefined) return START;
      from = oldest;
      pageSize = MAX_PAGE_SIZE;
    }
  }

  async function countEventsAfter(position: Position, cap: number): Promise<number> {
    // Commit positions are byte offsets, not counts: count by reading forward, bounded.
    let count = 0;
    let after = position;
    while (count < cap) {
      const page = await readAll({ after, maxCount: Math.min(MAX_PAGE_SIZE, cap - count) });
      count += page.events.length;
      if (page.events.length === 0 || comparePositionsOf(page.next, after) <= 0) break;
      after = page.next;
    }
    return Math.min(count, cap);
  }

  async function close(): Promise<void> {
    await Promise.allSettled([...openSubscriptions].map((subscription) => subscription.close()));
    await client.dispose();
  }

  return {
    appendToStream,
    readStream,
    readAll,
    subscribeToAll,
    headPosition,
    countEventsAfter,
    comparePositions: comparePositionsOf,
    isPosition: (value: string): value is Position => value === START || POSITION_PATTERN.test(value),
    close,
  };
}

function toEventData(event: NewEvent): EventData {
  return jsonEvent({
    id: event.eventId,
    type: event.type,
    // JSON has no `undefined` (the client would fail to encode it). The client
    // JSON-stringifies any value, so the narrower JSONType in its typings is not a limit.
    data: (event.data ?? null) as JSONType,
    // Encoded here rather than by the client, which drops falsy metadata: `null`, `0` or
    // `false` would otherwise read back as `undefined`.
    metadata: event.metadata === undefined ? undefined : textEncoder.encode(JSON.stringify(event.metadata)),
  });
}

function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

function toActualRevision(actual: CurrentRevision): number {
  return actual === NO_STREAM ? -1 : Number(actual);
}

function isSystemEvent(event: EsdbRecordedEvent): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

/** Exact client-side check; the server-side filter is only a pre-selection. */
function compileFilter(filter: LogFilter | undefined): (event: EsdbRecordedEvent) => boolean {
  const types = filter?.eventTypes === undefined ? undefined : new Set(filter.eventTypes);
  const prefixes = filter?.streamPrefixes;
  return (event) => (types === undefined || types.has(event.type)) && (prefixes === undefined || prefixes.some((prefix) => event.streamId.startsWith(prefix)));
}

/**
 * The server takes one filter, on event type or on stream name. Event types win because
 * an anchored alternation is exact; the other condition and the exclusion of system
 * events are then enforced client-side.
 */
function toServerFilter(filter: LogFilter | undefined): Filter {
  if (filter?.eventTypes !== undefined) {
    // An empty list yields `^(?:)$`, matching no real event type, as intended.
    return eventTypeFilter({ regex: `^(?:${filter.eventTypes.map(escapeRegex).join('|')})$` });
  }
  if (filter?.streamPrefixes !== undefined && filter.streamPrefixes.length > 0) {
    return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
  }
  // No filter, or an empty prefix list (which matches nothing client-side): at least keep
  // system events off the wire.
  return excludeSystemEvents();
}

// The server evaluates the pattern as a .NET regex; escaping these metacharacters with a
// backslash means the same there as in JavaScript.
function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\#\s]/g, '\\$&');
}

function streamEventPosition(event: EsdbRecordedEvent): EsdbPosition {
  if (event.position === undefined) {
    throw new Error(`event ${event.id} in stream ${event.streamId} has no $all position: EventStoreDB >= 22.6 is required`);
  }
  return event.position;
}

function toRecordedEvent(event: EsdbRecordedEvent | AllStreamRecordedEvent, position: EsdbPosition): RecordedEvent {
  return {
    eventId: event.id,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: encodePosition(position),
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.created,
  };
}

function encodePosition(position: EsdbPosition): Position {
  const commit = position.commit.toString(10).padStart(POSITION_DIGITS, '0');
  const prepare = position.prepare.toString(10).padStart(POSITION_DIGITS, '0');
  return `${commit}/${prepare}` as Position;
}

/** `undefined` stands for START, which sorts before every real position. */
function decodePosition(position: Position): EsdbPosition | undefined {
  if (position === START) return undefined;
  const match = POSITION_PATTERN.exec(position);
  const commit = match?.[1];
  const prepare = match?.[2];
  if (commit === undefined || prepare === undefined) {
    throw new TypeError(`not an EventStoreDB position: ${JSON.stringify(position)}`);
  }
  return { commit: BigInt(commit), prepare: BigInt(prepare) };
}

function compareEsdbPositions(a: EsdbPosition | undefined, b: EsdbPosition | undefined): number {
  if (a === undefined || b === undefined) {
    if (a === b) return 0;
    return a === undefined ? -1 : 1;
  }
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}
