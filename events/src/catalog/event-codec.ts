import type { NewEvent, RecordedEvent } from '../store/event-store.ts';
import { type Actor, EventMetadata } from './envelope.ts';
import { eventCatalog, isEventType, type ParleyEvent } from './events.ts';

/** Who caused an event, and when: everything of its envelope but its id. */
export interface EventContext {
  tenantId: string;
  actor: Actor;
  correlationId: string;
  causationId: string | null;
  now: Date;
}

/** A catalog event with its envelope, ready to append; its data is checked against its schema. */
export function encodeEvent(event: ParleyEvent, eventId: string, context: EventContext): NewEvent {
  const [version, schema] = eventCatalog[event.type];
  const metadata: EventMetadata = {
    eventId,
    tenantId: context.tenantId,
    schemaVersion: version,
    occurredAt: context.now.toISOString(),
    correlationId: context.correlationId,
    causationId: context.causationId,
    actor: context.actor,
  };
  // What goes into the log is checked like any other input: a bug must not reach it.
  return { eventId, type: event.type, data: schema.parse(event.data), metadata };
}

export class EventDecodeError extends Error {
  override readonly name = 'EventDecodeError';
}

/** Decodes a stored event into a catalog event, validating data and envelope against their schemas. */
export function decodeEvent(recorded: RecordedEvent): { event: ParleyEvent; metadata: EventMetadata } {
  if (!isEventType(recorded.type)) throw new EventDecodeError(`unknown event type ${recorded.type} at ${recorded.position}`);
  const [, schema] = eventCatalog[recorded.type];
  const data = schema.safeParse(recorded.data);
  const metadata = EventMetadata.safeParse(recorded.metadata);
  if (!data.success || !metadata.success) {
    throw new EventDecodeError(`event ${recorded.eventId} (${recorded.type}) does not match its schema`);
  }
  return { event: { type: recorded.type, data: data.data } as ParleyEvent, metadata: metadata.data };
}
