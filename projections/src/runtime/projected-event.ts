import { decodeEvent, type EventMetadata, isEventType, type ParleyEvent, type Position, type RecordedEvent } from '@parley/events';

/** A stored event as projections see it: decoded, validated, with where it sits in the log. */
export interface Projected<E extends ParleyEvent = ParleyEvent> {
  event: E;
  metadata: EventMetadata;
  eventId: string;
  streamId: string;
  position: Position;
  /**
   * The position as a string that sorts in log order under the "C" collation. Read-model
   * rows keep the key of the last event that changed them, so replaying an event already
   * applied is a no-op (applied twice = applied once). Both stores' positions qualify:
   * PostgreSQL's are decimal integers, EventStoreDB's fixed-width digits.
   */
  orderKey: string;
  recordedAt: Date;
}

export const orderKeyOf = (position: Position): string => position.padStart(48, '0');

/**
 * `null` for event types this build does not know (written by a newer one): they are
 * skipped, not parked. A known type whose data does not match its schema throws.
 */
export function toProjected(recorded: RecordedEvent): Projected | null {
  if (!isEventType(recorded.type)) return null;
  const { event, metadata } = decodeEvent(recorded);
  return {
    event,
    metadata,
    eventId: recorded.eventId,
    streamId: recorded.streamId,
    position: recorded.position,
    orderKey: orderKeyOf(recorded.position),
    recordedAt: recorded.recordedAt,
  };
}
