import { createPostgresEventStore } from '../src/store/postgres-event-store.ts';
import { createTestDatabase } from '../src/testing/database.ts';
import { eventStoreContract } from './event-store.contract.ts';

eventStoreContract('PostgreSQL', async () => {
  const db = await createTestDatabase('event_store');
  const store = await createPostgresEventStore({ connectionString: db.connectionString });
  return { store, dispose: () => db.drop() };
});
