import { randomUUID } from 'node:crypto';
import type { EventStore, Position, Priority, UserRole } from '@parley/events';
import { issueApiKey, parseApiKey, secretMatches } from '../auth/api-keys.ts';
import { notFound } from '../errors.ts';
import type { TargetUser } from '../domain/conversation-thread.ts';
import { streams } from '../domain/ids.ts';
import {
  type BusinessHours,
  type SlaTargets,
  type TenantCommand,
  type TenantState,
  tenantDecider,
  type TenantEvent,
} from '../domain/tenant.ts';
import { type CommandContext, CommandHandler } from '../handling/command-handler.ts';

/** Who is calling: resolved from the API key; the tenant never comes from the request body. */
export interface Principal {
  tenantId: string;
  userId: string;
  role: UserRole;
}

export interface Written {
  position: Position;
}

type ActiveTenant = Extract<TenantState, { status: 'active' }>;

export class Tenancy {
  private readonly tenants: CommandHandler<TenantCommand, TenantState, TenantEvent>;

  constructor(store: EventStore) {
    this.tenants = new CommandHandler(store, tenantDecider, { cacheSize: 5_000 });
  }

  async registerTenant(input: { name: string; admin: { name: string; email: string } }, context: Omit<CommandContext, 'tenantId'>) {
    const tenantId = randomUUID();
    const userId = randomUUID();
    const keyId = randomUUID();
    const { key, secretSha256 } = issueApiKey(tenantId, keyId);
    const result = await this.tenants.handle(
      streams.tenant(tenantId),
      { type: 'RegisterTenant', tenantId, name: input.name, admin: { userId, ...input.admin, apiKey: { keyId, secretSha256 } } },
      { ...context, tenantId },
    );
    return { tenantId, userId, apiKey: key, position: result.position };
  }

  async addUser(input: { name: string; email: string; role: UserRole }, context: CommandContext) {
    const userId = randomUUID();
    const keyId = randomUUID();
    const { key, secretSha256 } = issueApiKey(context.tenantId, keyId);
    const result = await this.tenants.handle(
      streams.tenant(context.tenantId),
      { type: 'AddUser', user: { userId, ...input, apiKey: { keyId, secretSha256 } } },
      context,
    );
    return { userId, apiKey: key, position: result.position };
  }

  async createTeam(input: { name: string }, context: CommandContext) {
    const teamId = randomUUID();
    const result = await this.tenants.handle(streams.tenant(context.tenantId), { type: 'CreateTeam', teamId, ...input }, context);
    return { teamId, position: result.position };
  }

  async addAgentToTeam(teamId: string, userId: string, context: CommandContext): Promise<Written> {
    const result = await this.tenants.handle(streams.tenant(context.tenantId), { type: 'AddAgentToTeam', teamId, userId }, context);
    return { position: result.position };
  }

  async setSlaPolicy(teamId: string, priority: Priority, targets: SlaTargets, context: CommandContext) {
    const result = await this.tenants.handle(streams.tenant(context.tenantId), { type: 'SetSlaPolicy', teamId, priority, targets }, context);
    return { position: result.position, events: result.events.map((e) => e.type) };
  }

  async setBusinessHours(teamId: string, hours: BusinessHours, context: CommandContext) {
    const result = await this.tenants.handle(streams.tenant(context.tenantId), { type: 'SetBusinessHours', teamId, hours }, context);
    return { position: result.position, events: result.events.map((e) => e.type) };
  }

  /**
   * Resolves an API key. The folded tenant is cached; it is re-read only when the key is
   * not in it yet (a user added a moment ago, possibly by another process).
   */
  async authenticate(key: string): Promise<Principal | null> {
    const parsed = parseApiKey(key);
    if (!parsed) return null;
    const find = (state: TenantState | undefined) => {
      if (state?.status !== 'active') return null;
      const stored = state.apiKeys.get(parsed.keyId);
      if (!stored || !secretMatches(parsed.secret, stored.secretSha256)) return null;
      const user = state.users.get(stored.userId);
      return user ? { tenantId: parsed.tenantId, userId: user.userId, role: user.role } : null;
    };
    const stream = streams.tenant(parsed.tenantId);
    return find(this.tenants.peek(stream)?.state) ?? find((await this.tenants.load(stream)).state);
  }

  /** The tenant's users and teams, for commands that point at them. */
  async directory(tenantId: string): Promise<TenantDirectory> {
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
      return u ? { userId: u.userId, role: u.role, teams: [...u.teams] } : null;
    });
  }

  async teamExists(teamId: string): Promise<boolean> {
    return (await this.lookup((s) => (s.teams.has(teamId) ? true : null))) ?? false;
  }
}
