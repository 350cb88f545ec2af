import { describe, it } from 'vitest';
import { createEventStoreDbEventStore } from '../src/store/eventstoredb-event-store.ts';
import { eventStoreContract } from './event-store.contract.ts';

const url = process.env.EVENTSTORE_URL;

if (url) {
  eventStoreContract('EventStoreDB', async () => ({
    store: createEventStoreDbEventStore({ connectionString: url }),
    dispose: async () => undefined,
  }));
} else {
  console.warn('SKIPPED: EventStoreDB contract suite: EVENTSTORE_URL is not set (see infra/docker-compose.yml)');
  describe('event store contract: EventStoreDB', () => {
    it.skip('skipped: set EVENTSTORE_URL (e.g. esdb://localhost:2113?tls=false) to run it against EventStoreDB', () => {});
  });
}
