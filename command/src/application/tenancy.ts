import { randomUUID } from 'node:crypto';
import { type EventStore, type Position, type Priority, START, type UserRole } from '@parley/events';
import { type IdentityPort, issueApiKey, notFound, type Principal, parseApiKey, secretMatches } from '@parley/kit';
import type { TargetUser } from '../domain/conversation-thread.ts';
import { streams } from '../domain/ids.ts';
import {
  type ActiveTenant,
  type BusinessHours,
  type SlaTargets,
  type TenantCommand,
  type TenantEvent,
  type TenantState,
  tenantDecider,
} from '../domain/tenant.ts';
import { type CommandContext, CommandHandler } from '../handling/command-handler.ts';

export interface Written {
  position: Position;
}

type TenantHandler = CommandHandler<TenantCommand, TenantState, TenantEvent>;

export interface TenancyOptions {
  /**
   * How often the log is read for changes other processes made to tenants cached here:
   * the longest a key revoked or a user deactivated elsewhere still works here (plus one
   * read).
   */
  followEveryMs?: number;
}

const TENANT_STREAM_PREFIX = streams.tenant('');
const FOLLOW_PAGE = 1000;

/**
 * Keeps this process's cached tenants in step with the log, so that authentication stays
 * a memory lookup and a revocation written by any process is still seen within
 * `followEveryMs`. It polls instead of waiting on the store's notifications: a lost
 * connection or notification then costs one interval at most, and a failed read is
 * retried from the same checkpoint the next time.
 */
class TenantFollower {
  private checkpoint: Position = START;
  private started: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly store: EventStore,
    private readonly tenants: TenantHandler,
    private readonly everyMs: number,
  ) {}

  /**
   * Resolves once the checkpoint is set. Every fold must be cached after it: one cached
   * before could miss an event appended before the checkpoint.
   */
  ready(): Promise<void> {
    this.started ??= this.store.headPosition().then(
      (head) => {
        this.checkpoint = head;
        this.schedule();
      },
      (error: unknown) => {
        this.started = undefined;
        throw error;
      },
    );
    return this.started;
  }

  private schedule() {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.running = this.follow().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.everyMs);
    this.timer.unref();
  }

  private async follow() {
    try {
      for (;;) {
        const page = await this.store.readAll({ after: this.checkpoint, maxCount: FOLLOW_PAGE, filter: { streamPrefixes: [TENANT_STREAM_PREFIX] } });
        for (const streamId of new Set(page.events.map((e) => e.streamId))) await this.tenants.catchUp(streamId);
        this.checkpoint = page.next;
        if (page.events.length < FOLLOW_PAGE || this.closed) return;
      }
    } catch {
      // The store is out of reach: the next round reads again from the same checkpoint.
    }
  }

  async close() {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }
}

export class Tenancy implements IdentityPort {
  private readonly tenants: TenantHandler;
  private readonly follower: TenantFollower;

  constructor(store: EventStore, options: TenancyOptions = {}) {
    this.tenants = new CommandHandler(store, tenantDecider, { cacheSize: 5_000 });
    this.follower = new TenantFollower(store, this.tenants, options.followEveryMs ?? 250);
  }

  /** Stops following the log. */
  async close(): Promise<void> {
    await this.follower.close();
  }

  private async handle(command: TenantCommand, context: CommandContext) {
    await this.follower.ready();
    return this.tenants.handle(streams.tenant(context.tenantId), command, context);
  }

  async registerTenant(input: { name: string; admin: { name: string; email: string } }, context: Omit<CommandContext, 'tenantId'>) {
    const tenantId = randomUUID();
    const userId = randomUUID();
    const keyId = randomUUID();
    const { key, secretSha256 } = issueApiKey(tenantId, keyId);
    const result = await this.handle(
      { type: 'RegisterTenant', tenantId, name: input.name, admin: { userId, ...input.admin, apiKey: { keyId, secretSha256 } } },
      { ...context, tenantId },
    );
    return { tenantId, userId, apiKey: key, position: result.position };
  }

  async addUser(input: { name: string; email: string; role: UserRole }, context: CommandContext) {
    const userId = randomUUID();
    const keyId = randomUUID();
    const { key, secretSha256 } = issueApiKey(context.tenantId, keyId);
    const result = await this.handle({ type: 'AddUser', user: { userId, ...input, apiKey: { keyId, secretSha256 } } }, context);
    return { userId, apiKey: key, position: result.position };
  }

  /** Replaces the user's key: the old one stops working, the answer holds the only copy of the new one. */
  async rotateApiKey(userId: string, by: Principal, context: CommandContext) {
    const keyId = randomUUID();
    const { key, secretSha256 } = issueApiKey(context.tenantId, keyId);
    const result = await this.handle({ type: 'RotateApiKey', by, userId, apiKey: { keyId, secretSha256 } }, context);
    return { userId, apiKey: key, position: result.position, events: result.events.map((e) => e.type) };
  }

  async revokeApiKey(userId: string, by: Principal, context: CommandContext) {
    return this.written(await this.handle({ type: 'RevokeApiKey', by, userId }, context));
  }

  async deactivateUser(userId: string, by: Principal, context: CommandContext) {
    return this.written(await this.handle({ type: 'DeactivateUser', by, userId }, context));
  }

  async reactivateUser(userId: string, by: Principal, context: CommandContext) {
    return this.written(await this.handle({ type: 'ReactivateUser', by, userId }, context));
  }

  private written(result: { position: Position; events: TenantEvent[] }) {
    return { position: result.position, events: result.events.map((e) => e.type) };
  }

  async createTeam(input: { name: string }, context: CommandContext) {
    const teamId = randomUUID();
    const result = await this.handle({ type: 'CreateTeam', teamId, ...input }, context);
    return { teamId, position: result.position };
  }

  async addAgentToTeam(teamId: string, userId: string, context: CommandContext): Promise<Written> {
    const result = await this.handle({ type: 'AddAgentToTeam', teamId, userId }, context);
    return { position: result.position };
  }

  async removeAgentFromTeam(teamId: string, userId: string, context: CommandContext) {
    return this.written(await this.handle({ type: 'RemoveAgentFromTeam', teamId, userId }, context));
  }

  async setSlaPolicy(teamId: string, priority: Priority, targets: SlaTargets, context: CommandContext) {
    return this.written(await this.handle({ type: 'SetSlaPolicy', teamId, priority, targets }, context));
  }

  async setBusinessHours(teamId: string, hours: BusinessHours, context: CommandContext) {
    return this.written(await this.handle({ type: 'SetBusinessHours', teamId, hours }, context));
  }

  /**
   * Resolves an API key from the cached tenant fold, which the follower keeps within
   * `followEveryMs` of the log: a revoked key, or a deactivated user's, fails here that
   * soon after any process stored the change. A key not in the fold re-reads the tenant
   * (a user added a moment ago, possibly by another process).
   */
  async authenticate(key: string): Promise<Principal | null> {
    const parsed = parseApiKey(key);
    if (!parsed) return null;
    await this.follower.ready();
    const find = (state: TenantState | undefined) => {
      if (state?.status !== 'active') return null;
      const stored = state.apiKeys.get(parsed.keyId);
      if (!stored || !secretMatches(parsed.secret, stored.secretSha256)) return null;
      const user = state.users.get(stored.userId);
      return user?.active ? { tenantId: parsed.tenantId, userId: user.userId, role: user.role } : null;
    };
    const stream = streams.tenant(parsed.tenantId);
    return find(this.tenants.peek(stream)?.state) ?? find((await this.tenants.load(stream)).state);
  }

  /** Whether the tenant is registered. */
  async exists(tenantId: string): Promise<boolean> {
    const stream = streams.tenant(tenantId);
    const cached = this.tenants.peek(stream)?.state;
    return (cached?.status === 'active' ? cached : (await this.tenants.load(stream)).state).status === 'active';
  }

  /** The tenant's users and teams, for commands that point at them. */
  async directory(tenantId: string): Promise<TenantDirectory> {
    await this.follower.ready();
    const stream = streams.tenant(tenantId);
    const cached = this.tenants.peek(stream)?.state;
    const state = cached?.status === 'active' ? cached : (await this.tenants.load(stream)).state;
    if (state.status !== 'active') throw notFound('tenant not found');
    return new TenantDirectory(state, async () => {
      const fresh = (await this.tenants.load(stream)).state;
      return fresh.status === 'active' ? fresh : state;
    });
  }
}

/** Lookups into one tenant; a miss re-reads the tenant once, in case it just changed. */
export class TenantDirectory {
  constructor(
    private state: ActiveTenant,
    private readonly reload: () => Promise<ActiveTenant>,
  ) {}

  private async lookup<T>(find: (s: ActiveTenant) => T | null): Promise<T | null> {
    const hit = find(this.state);
    if (hit !== null) return hit;
    this.state = await this.reload();
    return find(this.state);
  }

  user(userId: string): Promise<TargetUser | null> {
    return this.lookup((s) => {
      const u = s.users.get(userId);
      return u ? { userId: u.userId, role: u.role, teams: [...u.teams], active: u.active } : null;
    });
  }

  /** The tenant's deactivated users, as this lookup sees them. */
  inactiveUserIds(): ReadonlySet<string> {
    return new Set([...this.state.users.values()].filter((u) => !u.active).map((u) => u.userId));
  }

  async teamExists(teamId: string): Promise<boolean> {
    return (await this.lookup((s) => (s.teams.has(teamId) ? true : null))) ?? false;
  }
}
