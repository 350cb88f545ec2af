import { createEventStoreDbEventStore, createPostgresEventStore, type EventStore } from '@parley/events';
import type { Config } from './config.ts';

/** The store the configuration names: EventStoreDB when EVENTSTORE_URL is set, else PostgreSQL. */
export async function createEventStore(config: Pick<Config, 'databaseUrl' | 'eventStoreUrl'>): Promise<EventStore> {
  return config.eventStoreUrl
    ? createEventStoreDbEventStore({ connectionString: config.eventStoreUrl })
    : await createPostgresEventStore({ connectionString: config.databaseUrl });
}
