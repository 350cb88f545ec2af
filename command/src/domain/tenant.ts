import type { EventData, EventOf, Priority, UserRole } from '@parley/events';
import { conflict, forbidden, notFound, unprocessable } from '@parley/kit';
import { may, rolesFor } from '@parley/kit/roles';
import { assertNever, type Decider } from './decider.ts';

/**
 * The tenant aggregate: its users, their API keys and its teams. Small and read on every
 * authenticated request (through a cache), so it holds only what commands check.
 */
export type TenantEvent = EventOf<
  | 'TenantRegistered'
  | 'UserAdded'
  | 'ApiKeyIssued'
  | 'ApiKeyRevoked'
  | 'UserDeactivated'
  | 'UserReactivated'
  | 'TeamCreated'
  | 'AgentAddedToTeam'
  | 'AgentRemovedFromTeam'
  | 'SlaPolicySet'
  | 'BusinessHoursSet'
>;

export type SlaTargets = Omit<EventData<'SlaPolicySet'>, 'teamId' | 'priority'>;
export type BusinessHours = Omit<EventData<'BusinessHoursSet'>, 'teamId'>;

export interface TenantTeam {
  name: string;
  members: Set<string>;
  slaPolicies: Map<Priority, SlaTargets>;
  /** null: open around the clock. */
  businessHours: BusinessHours | null;
}

export interface TenantUser {
  userId: string;
  name: string;
  email: string;
  role: UserRole;
  teams: Set<string>;
  /** false: deactivated; their key does not authenticate and they get no conversations. */
  active: boolean;
}

export type TenantState =
  | { status: 'unregistered' }
  | {
      status: 'active';
      tenantId: string;
      name: string;
      users: Map<string, TenantUser>;
      /** keyId → { userId, secretSha256 } */
      apiKeys: Map<string, { userId: string; secretSha256: string }>;
      teams: Map<string, TenantTeam>;
    };

interface NewApiKey {
  keyId: string;
  secretSha256: string;
}

interface NewUser {
  userId: string;
  name: string;
  email: string;
  role: UserRole;
  apiKey: NewApiKey;
}

/** Who asks for a change to a user: resolved from the API key at the edge. */
export interface TenantActor {
  userId: string;
  role: UserRole;
}

export type TenantCommand =
  | { type: 'RegisterTenant'; tenantId: string; name: string; admin: Omit<NewUser, 'role'> }
  | { type: 'AddUser'; user: NewUser }
  | { type: 'CreateTeam'; teamId: string; name: string }
  | { type: 'AddAgentToTeam'; teamId: string; userId: string }
  | { type: 'RemoveAgentFromTeam'; teamId: string; userId: string }
  | { type: 'RotateApiKey'; by: TenantActor; userId: string; apiKey: NewApiKey }
  | { type: 'RevokeApiKey'; by: TenantActor; userId: string }
  | { type: 'DeactivateUser'; by: TenantActor; userId: string }
  | { type: 'ReactivateUser'; by: TenantActor; userId: string }
  | { type: 'SetSlaPolicy'; teamId: string; priority: Priority; targets: SlaTargets }
  | { type: 'SetBusinessHours'; teamId: string; hours: BusinessHours };

const userEvents = (user: NewUser): TenantEvent[] => [
  { type: 'UserAdded', data: { userId: user.userId, name: user.name, email: user.email, role: user.role } },
  { type: 'ApiKeyIssued', data: { keyId: user.apiKey.keyId, userId: user.userId, secretSha256: user.apiKey.secretSha256 } },
];

/** Same calendar or targets: setting them again records nothing. */
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const sameText = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export type ActiveTenant = Extract<TenantState, { status: 'active' }>;

const keysOf = (state: ActiveTenant, userId: string) => [...state.apiKeys].filter(([, k]) => k.userId === userId).map(([keyId]) => keyId);

/** Admin changes to another user; a user may only rotate their own key. */
function targetUser(state: ActiveTenant, by: TenantActor, userId: string, selfAllowed: boolean): TenantUser {
  if (by.role !== 'admin' && !(selfAllowed && by.userId === userId)) {
    throw forbidden(selfAllowed ? "only admins change another user's key" : 'this needs one of the roles: admin');
  }
  const user = state.users.get(userId);
  if (!user) throw notFound(`user ${userId} not found`);
  return user;
}

/**
 * Without an active admin holding a key nobody can manage the tenant's users again
 * (the platform admin key only registers tenants), so the last one stays.
 */
function ensureAdminRemains(state: ActiveTenant, losing: string, what: string) {
  for (const u of state.users.values()) {
    if (u.userId !== losing && u.role === 'admin' && u.active && keysOf(state, u.userId).length > 0) return;
  }
  throw conflict(`user ${losing} is the last active admin with an API key: ${what} would leave the tenant without an admin`);
}

export const tenantDecider: Decider<TenantCommand, TenantState, TenantEvent> = {
  initialState: () => ({ status: 'unregistered' }),

  decide(command, state) {
    if (command.type === 'RegisterTenant') {
      if (state.status !== 'unregistered') throw conflict('tenant already registered');
      return [{ type: 'TenantRegistered', data: { tenantId: command.tenantId, name: command.name } }, ...userEvents({ ...command.admin, role: 'admin' })];
    }
    if (state.status !== 'active') throw notFound('tenant not found');
    switch (command.type) {
      case 'AddUser': {
        const { user } = command;
        for (const u of state.users.values()) {
          if (sameText(u.email, user.email)) throw conflict(`a user with email ${user.email} already exists`);
        }
        return userEvents(user);
      }
      case 'CreateTeam': {
        for (const t of state.teams.values()) {
          if (sameText(t.name, command.name)) throw conflict(`a team named "${command.name}" already exists`);
        }
        return [{ type: 'TeamCreated', data: { teamId: command.teamId, name: command.name } }];
      }
      case 'AddAgentToTeam': {
        const team = state.teams.get(command.teamId);
        if (!team) throw notFound(`team ${command.teamId} not found`);
        const user = state.users.get(command.userId);
        if (!user) throw unprocessable(`user ${command.userId} not found in this tenant`);
        if (!may(user.role, 'joinTeams')) {
          throw unprocessable(`user ${command.userId} is ${user.role}: only ${rolesFor('joinTeams').join(' and ')} users join teams`);
        }
        if (team.members.has(command.userId)) return [];
        return [{ type: 'AgentAddedToTeam', data: { teamId: command.teamId, userId: command.userId } }];
      }
      case 'RemoveAgentFromTeam': {
        const team = state.teams.get(command.teamId);
        if (!team) throw notFound(`team ${command.teamId} not found`);
        if (!state.users.has(command.userId)) throw unprocessable(`user ${command.userId} not found in this tenant`);
        // Removing someone who is not (or no longer) a member changes nothing, like adding one twice.
        if (!team.members.has(command.userId)) return [];
        return [{ type: 'AgentRemovedFromTeam', data: { teamId: command.teamId, userId: command.userId } }];
      }
      case 'RotateApiKey': {
        const user = targetUser(state, command.by, command.userId, true);
        return [
          ...keysOf(state, user.userId).map((keyId): TenantEvent => ({ type: 'ApiKeyRevoked', data: { keyId, userId: user.userId, reason: 'rotated' } })),
          { type: 'ApiKeyIssued', data: { keyId: command.apiKey.keyId, userId: user.userId, secretSha256: command.apiKey.secretSha256 } },
        ];
      }
      case 'RevokeApiKey': {
        const user = targetUser(state, command.by, command.userId, false);
        const keys = keysOf(state, user.userId);
        if (keys.length === 0) return [];
        if (user.role === 'admin' && user.active) ensureAdminRemains(state, user.userId, 'revoking their key');
        return keys.map((keyId) => ({ type: 'ApiKeyRevoked', data: { keyId, userId: user.userId, reason: 'revoked' } }));
      }
      case 'DeactivateUser': {
        const user = targetUser(state, command.by, command.userId, false);
        if (!user.active) return [];
        if (user.role === 'admin' && keysOf(state, user.userId).length > 0) ensureAdminRemains(state, user.userId, 'deactivating them');
        return [{ type: 'UserDeactivated', data: { userId: user.userId } }];
      }
      case 'ReactivateUser': {
        const user = targetUser(state, command.by, command.userId, false);
        if (user.active) return [];
        return [{ type: 'UserReactivated', data: { userId: user.userId } }];
      }
      case 'SetSlaPolicy': {
        const team = state.teams.get(command.teamId);
        if (!team) throw notFound(`team ${command.teamId} not found`);
        const { targets } = command;
        const current = team.slaPolicies.get(command.priority);
        if (current && sameJson(current, targets)) return [];
        return [{ type: 'SlaPolicySet', data: { teamId: command.teamId, priority: command.priority, ...targets } }];
      }
      case 'SetBusinessHours': {
        const team = state.teams.get(command.teamId);
        if (!team) throw notFound(`team ${command.teamId} not found`);
        const { hours } = command;
        for (const p of hours.periods) {
          if (p.open === p.close) throw unprocessable(`period on day ${p.day} opens and closes at ${p.open}: give a period of some length`);
        }
        if (new Set(hours.holidays).size !== hours.holidays.length) throw unprocessable('holidays are listed twice');
        if (team.businessHours && sameJson(team.businessHours, hours)) return [];
        return [{ type: 'BusinessHoursSet', data: { teamId: command.teamId, ...hours } }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    if (event.type === 'TenantRegistered') {
      return {
        status: 'active',
        tenantId: event.data.tenantId,
        name: event.data.name,
        users: new Map(),
        apiKeys: new Map(),
        teams: new Map(),
      };
    }
    if (state.status !== 'active') return state;
    // Evolve mutates a private copy-on-load state: the command handler never shares a
    // state it is still folding, and a fold of hundreds of users stays linear.
    switch (event.type) {
      case 'UserAdded':
        state.users.set(event.data.userId, { ...event.data, teams: new Set(), active: true });
        return state;
      case 'ApiKeyIssued':
        state.apiKeys.set(event.data.keyId, { userId: event.data.userId, secretSha256: event.data.secretSha256 });
        return state;
      case 'ApiKeyRevoked':
        state.apiKeys.delete(event.data.keyId);
        return state;
      case 'UserDeactivated':
      case 'UserReactivated': {
        const user = state.users.get(event.data.userId);
        if (user) user.active = event.type === 'UserReactivated';
        return state;
      }
      case 'TeamCreated':
        state.teams.set(event.data.teamId, { name: event.data.name, members: new Set(), slaPolicies: new Map(), businessHours: null });
        return state;
      case 'AgentAddedToTeam':
        state.teams.get(event.data.teamId)?.members.add(event.data.userId);
        state.users.get(event.data.userId)?.teams.add(event.data.teamId);
        return state;
      case 'AgentRemovedFromTeam':
        state.teams.get(event.data.teamId)?.members.delete(event.data.userId);
        state.users.get(event.data.userId)?.teams.delete(event.data.teamId);
        return state;
      case 'SlaPolicySet': {
        const { teamId, priority, ...targets } = event.data;
        state.teams.get(teamId)?.slaPolicies.set(priority, targets);
        return state;
      }
      case 'BusinessHoursSet': {
        const { teamId, ...hours } = event.data;
        const team = state.teams.get(teamId);
        if (team) team.businessHours = hours;
        return state;
      }
      default:
        return assertNever(event);
    }
  },
};
