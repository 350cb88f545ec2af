export * from './store/event-store.ts';
export { createPostgresEventStore, type PostgresEventStore, type PostgresEventStoreOptions } from './store/postgres-event-store.ts';
export { createEventStoreDbEventStore, type EventStoreDbOptions } from './store/eventstoredb-event-store.ts';
export { createPgPool, LISTEN_CONNECTION } from './store/pg-pool.ts';
export * from './catalog/envelope.ts';
export * from './catalog/events.ts';
export * from './catalog/event-codec.ts';
export * from './catalog/customer-time.ts';
