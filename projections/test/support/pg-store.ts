import { createPgPool, createPostgresEventStore, type PostgresEventStore } from '@parley/events';
import { createTestDatabase, type TestDatabase } from '@parley/events/testing';
import type pg from 'pg';

/** What a PostgreSQL projection test starts from: a database of its own, the store on it, and a pool for projectors. */
export interface PgStore {
  db: TestDatabase;
  store: PostgresEventStore;
  pool: pg.Pool;
}

export async function openPgStore(name: string): Promise<PgStore> {
  const db = await createTestDatabase(name);
  const store = await createPostgresEventStore({ connectionString: db.connectionString, idleRecheckMs: 200 });
  const pool = createPgPool({ connectionString: db.connectionString, max: 4 });
  return { db, store, pool };
}

/** Closes what openPgStore opened, whatever of it a failed start left undefined. */
export async function closePgStore(opened: Partial<PgStore>): Promise<void> {
  await opened.pool?.end();
  await opened.store?.close();
  await opened.db?.drop();
}
