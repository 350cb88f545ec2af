import type { RecordedEvent } from '../store/event-store.ts';
import { EventMetadata } from './envelope.ts';
import { eventCatalog, isEventType, type ParleyEvent } from './events.ts';

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
