import type { EventStore, UserRole } from '@parley/events';
import { type IdentityPort, type ParsedApiKey, type Principal, parseApiKey, secretMatches } from '@parley/kit';
import type pg from 'pg';
import type { CheckpointWatcher } from '../runtime/checkpoint-watcher.ts';

interface KeyRow {
  user_id: string;
  role: UserRole;
  active: boolean;
  revoked: boolean;
  secret_sha256: string;
}

export interface InboxIdentityOptions {
  /**
   * Longest wait for the inbox projector to reach the log's head when a key is refused
   * (default 10 s, as long as a read-your-writes read may wait). It costs nothing while
   * the projector keeps up; while it is behind, a key written a moment ago still works.
   */
  missWaitMs?: number;
}

/**
 * Authenticates the read side's callers from the inbox read model's identity tables, one
 * indexed lookup a request: the read side never asks the write side. They share the
 * inbox's checkpoint, so a key works from the moment the conversations it may read are
 * there, and a revocation stops it in every process as soon as the projector applies it.
 * A key refused may be one added, rotated in or reactivated a moment ago: the lookup
 * then waits (bounded) for the projector to reach the log's head and looks once more.
 */
export class InboxIdentity implements IdentityPort {
  private readonly missWaitMs: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: Pick<EventStore, 'headPosition'>,
    private readonly progress: Pick<CheckpointWatcher, 'waitFor'>,
    options: InboxIdentityOptions = {},
  ) {
    this.missWaitMs = options.missWaitMs ?? 10_000;
  }

  async authenticate(apiKey: string): Promise<Principal | null> {
    const parsed = parseApiKey(apiKey);
    if (!parsed) return null;
    const principal = await this.lookup(parsed);
    if (principal) return principal;
    return (await this.progress.waitFor(await this.store.headPosition(), this.missWaitMs)) ? this.lookup(parsed) : null;
  }

  private async lookup(key: ParsedApiKey): Promise<Principal | null> {
    const row = await this.find(key.tenantId, key.keyId);
    if (!row || row.revoked || !row.active || !secretMatches(key.secret, row.secret_sha256)) return null;
    return { tenantId: key.tenantId, userId: row.user_id, role: row.role };
  }

  private async find(tenantId: string, keyId: string): Promise<KeyRow | undefined> {
    const res = await this.pool.query<KeyRow>(
      `SELECT k.user_id, u.role, u.active, k.revoked, k.secret_sha256
         FROM api_keys k JOIN users u ON u.tenant_id = k.tenant_id AND u.user_id = k.user_id
        WHERE k.tenant_id = $1 AND k.key_id = $2`,
      [tenantId, keyId],
    );
    return res.rows[0];
  }
}
