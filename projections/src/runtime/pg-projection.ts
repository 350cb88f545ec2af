import type pg from 'pg';
import type { Projected } from './projected-event.ts';

/** What a projector's handlers get: one client inside the runner's transaction. */
export type Sql = Pick<pg.PoolClient, 'query'>;

/**
 * A PostgreSQL read model: its tables and how each event changes them. The runner owns
 * transactions, checkpoints and the schema: handlers use unqualified table names, and the
 * runner points `search_path` at the live schema or at a rebuild's fresh one.
 */
export interface PgProjection {
  /** Checkpoint name. */
  readonly name: string;
  /** Schema of the live tables; readers put it on their search_path. */
  readonly schema: string;
  /** Bump when tables or handlers change meaning: the runner then rebuilds from zero on start. */
  readonly version: number;
  createTables(sql: Sql): Promise<void>;
  /** Must be idempotent per event: the same event applied twice changes nothing the second time. */
  apply(sql: Sql, event: Projected): Promise<void>;
  /** The same for several events in log order, in fewer round trips; the runner prefers it. */
  applyBatch?(sql: Sql, events: readonly Projected[]): Promise<void>;
}
