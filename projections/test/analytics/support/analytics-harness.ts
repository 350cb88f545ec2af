import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresEventStore, type EventStore } from '@parley/events';
import { createTestDatabase, type TestDatabase } from '@parley/events/testing';
import { type Analytics, createAnalytics } from '../../../src/analytics/index.ts';

/**
 * A PostgreSQL event store of its own and an embedded chDB in a fresh temp directory:
 * one per test file (chDB binds one data directory per process, and vitest runs each
 * file in its own worker).
 */
export class AnalyticsHarness {
  private constructor(
    readonly db: TestDatabase,
    readonly store: EventStore,
    readonly dataDir: string,
  ) {}

  static async start(label: string): Promise<AnalyticsHarness> {
    const db = await createTestDatabase(label);
    const store = await createPostgresEventStore({ connectionString: db.connectionString });
    return new AnalyticsHarness(db, store, mkdtempSync(join(tmpdir(), `parley-chdb-${label}-`)));
  }

  analytics(database = 'parley', extra: { batchSize?: number; clock?: () => Date } = {}): Promise<Analytics> {
    return createAnalytics({ store: this.store, clickhouse: { url: null, dataDir: this.dataDir, database, cluster: null }, ...extra });
  }

  async stop() {
    await this.store.close();
    await this.db.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
