import { eventCatalog, type UserRole } from '@parley/events';
import { describe, expect, it } from 'vitest';
import { type TenantCommand, type TenantState, tenantDecider } from '../../src/domain/tenant.ts';
import { rejection, history as runHistory } from './decider-testing.ts';

const TENANT = '11111111-1111-4111-8111-111111111111';
const ADMIN = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const AGENT = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const ANALYST = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const SUPERVISOR = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
const STRANGER = 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee';
const TEAM = 'f0000000-0000-4000-8000-000000000001';
const OTHER_TEAM = 'f0000000-0000-4000-8000-000000000002';
const SHA = (c: string) => c.repeat(64);

const keyIdFor = (userId: string) => `${userId.slice(0, 24)}000000000000`;

const register: TenantCommand = {
  type: 'RegisterTenant',
  tenantId: TENANT,
  name: 'Acme',
  admin: { userId: ADMIN, name: 'Ada Admin', email: 'ada@acme.test', apiKey: { keyId: keyIdFor(ADMIN), secretSha256: SHA('a') } },
};

const addUser = (userId: string, role: UserRole, email: string): TenantCommand => ({
  type: 'AddUser',
  user: { userId, name: `${role} user`, email, role, apiKey: { keyId: keyIdFor(userId), secretSha256: SHA('b') } },
});

const createTeam = (teamId: string, name: string): TenantCommand => ({ type: 'CreateTeam', teamId, name });
const NEW_KEY = '99999999-9999-4999-8999-999999999999';
const asAdmin = { userId: ADMIN, role: 'admin' } as const;
const rotate = (userId: string, by: { userId: string; role: UserRole } = asAdmin): TenantCommand => ({
  type: 'RotateApiKey',
  by,
  userId,
  apiKey: { keyId: NEW_KEY, secretSha256: SHA('c') },
});
const revoke = (userId: string, by: { userId: string; role: UserRole } = asAdmin): TenantCommand => ({ type: 'RevokeApiKey', by, userId });
const deactivate = (userId: string, by: { userId: string; role: UserRole } = asAdmin): TenantCommand => ({ type: 'DeactivateUser', by, userId });
const reactivate = (userId: string, by: { userId: string; role: UserRole } = asAdmin): TenantCommand => ({ type: 'ReactivateUser', by, userId });
const addToTeam = (teamId: string, userId: string): TenantCommand => ({ type: 'AddAgentToTeam', teamId, userId });
const removeFromTeam = (teamId: string, userId: string): TenantCommand => ({ type: 'RemoveAgentFromTeam', teamId, userId });

const history = (...commands: TenantCommand[]) => runHistory(tenantDecider, commands);
const given = (...commands: TenantCommand[]) => history(...commands).state;

/** A registered tenant with an agent, an analyst, a supervisor and one team. */
const withStaff = () =>
  given(
    register,
    addUser(AGENT, 'agent', 'agent@acme.test'),
    addUser(ANALYST, 'analyst', 'analyst@acme.test'),
    addUser(SUPERVISOR, 'supervisor', 'sup@acme.test'),
    createTeam(TEAM, 'Sales'),
  );

function active(state: TenantState) {
  if (state.status !== 'active') throw new Error('tenant is not registered');
  return state;
}

describe('tenant decider: registration', () => {
  it('registers the tenant with its admin and their API key', () => {
    expect(tenantDecider.decide(register, tenantDecider.initialState())).toEqual([
      { type: 'TenantRegistered', data: { tenantId: TENANT, name: 'Acme' } },
      { type: 'UserAdded', data: { userId: ADMIN, name: 'Ada Admin', email: 'ada@acme.test', role: 'admin' } },
      { type: 'ApiKeyIssued', data: { keyId: keyIdFor(ADMIN), userId: ADMIN, secretSha256: SHA('a') } },
    ]);
    const state = active(given(register));
    expect(state.tenantId).toBe(TENANT);
    expect(state.users.get(ADMIN)?.role).toBe('admin');
    expect(state.apiKeys.get(keyIdFor(ADMIN))).toEqual({ userId: ADMIN, secretSha256: SHA('a') });
  });

  it('refuses a second registration', () => {
    expect(rejection(() => tenantDecider.decide(register, given(register))).status).toBe(409);
  });

  it('answers 404 for any other command before registration', () => {
    const commands = [addUser(AGENT, 'agent', 'agent@acme.test'), createTeam(TEAM, 'Sales'), addToTeam(TEAM, AGENT)];
    for (const command of commands) {
      expect(rejection(() => tenantDecider.decide(command, tenantDecider.initialState())).status, command.type).toBe(404);
    }
  });
});

describe('tenant decider: users', () => {
  it('adds a user with an API key', () => {
    expect(tenantDecider.decide(addUser(AGENT, 'agent', 'agent@acme.test'), given(register))).toEqual([
      { type: 'UserAdded', data: { userId: AGENT, name: 'agent user', email: 'agent@acme.test', role: 'agent' } },
      { type: 'ApiKeyIssued', data: { keyId: keyIdFor(AGENT), userId: AGENT, secretSha256: SHA('b') } },
    ]);
  });

  it('refuses an email already in use, whatever its case', () => {
    const state = given(register);
    expect(rejection(() => tenantDecider.decide(addUser(AGENT, 'agent', 'ada@acme.test'), state)).status).toBe(409);
    expect(rejection(() => tenantDecider.decide(addUser(AGENT, 'agent', 'ADA@Acme.Test'), state)).status).toBe(409);
  });
});

describe('tenant decider: teams', () => {
  it('creates a team', () => {
    expect(tenantDecider.decide(createTeam(TEAM, 'Sales'), given(register))).toEqual([{ type: 'TeamCreated', data: { teamId: TEAM, name: 'Sales' } }]);
  });

  it('refuses a duplicate team name, ignoring case and surrounding spaces', () => {
    const state = given(register, createTeam(TEAM, 'Sales'));
    expect(rejection(() => tenantDecider.decide(createTeam(OTHER_TEAM, 'Sales'), state)).status).toBe(409);
    expect(rejection(() => tenantDecider.decide(createTeam(OTHER_TEAM, '  sALES '), state)).status).toBe(409);
    expect(tenantDecider.decide(createTeam(OTHER_TEAM, 'Support'), state)).toHaveLength(1);
  });

  it('adds an agent and a supervisor to a team', () => {
    const state = withStaff();
    expect(tenantDecider.decide(addToTeam(TEAM, AGENT), state)).toEqual([{ type: 'AgentAddedToTeam', data: { teamId: TEAM, userId: AGENT } }]);
    expect(tenantDecider.decide(addToTeam(TEAM, SUPERVISOR), state)).toHaveLength(1);
    const after = active(given(register, addUser(AGENT, 'agent', 'agent@acme.test'), createTeam(TEAM, 'Sales'), addToTeam(TEAM, AGENT)));
    expect([...(after.teams.get(TEAM)?.members ?? [])]).toEqual([AGENT]);
    expect([...(after.users.get(AGENT)?.teams ?? [])]).toEqual([TEAM]);
  });

  it('answers 404 for an unknown team', () => {
    expect(rejection(() => tenantDecider.decide(addToTeam(OTHER_TEAM, AGENT), withStaff())).status).toBe(404);
  });

  it('refuses an unknown user', () => {
    expect(rejection(() => tenantDecider.decide(addToTeam(TEAM, STRANGER), withStaff())).status).toBe(422);
  });

  it('refuses an analyst (and an admin)', () => {
    expect(rejection(() => tenantDecider.decide(addToTeam(TEAM, ANALYST), withStaff())).status).toBe(422);
    expect(rejection(() => tenantDecider.decide(addToTeam(TEAM, ADMIN), withStaff())).status).toBe(422);
  });

  it('does nothing for a member already in the team', () => {
    const { state, events } = history(
      register,
      addUser(AGENT, 'agent', 'agent@acme.test'),
      createTeam(TEAM, 'Sales'),
      addToTeam(TEAM, AGENT),
      addToTeam(TEAM, AGENT),
    );
    expect(events.filter((e) => e.type === 'AgentAddedToTeam')).toHaveLength(1);
    expect(tenantDecider.decide(addToTeam(TEAM, AGENT), state)).toEqual([]);
  });
});

describe('tenant decider: removing a team member', () => {
  it('removes a member, and the fold forgets the membership on both sides', () => {
    const { state, events } = history(
      register,
      addUser(AGENT, 'agent', 'agent@acme.test'),
      createTeam(TEAM, 'Sales'),
      addToTeam(TEAM, AGENT),
      removeFromTeam(TEAM, AGENT),
    );
    expect(events.slice(-1)).toEqual([{ type: 'AgentRemovedFromTeam', data: { teamId: TEAM, userId: AGENT } }]);
    expect([...(active(state).teams.get(TEAM)?.members ?? [])]).toEqual([]);
    expect([...(active(state).users.get(AGENT)?.teams ?? [])]).toEqual([]);
    // Removed, then added again: a member once more.
    expect(tenantDecider.decide(addToTeam(TEAM, AGENT), state)).toHaveLength(1);
  });

  it('does nothing for a user who is not a member', () => {
    expect(tenantDecider.decide(removeFromTeam(TEAM, AGENT), withStaff())).toEqual([]);
  });

  it('answers 404 for an unknown team and 422 for an unknown user', () => {
    expect(rejection(() => tenantDecider.decide(removeFromTeam(OTHER_TEAM, AGENT), withStaff())).status).toBe(404);
    expect(rejection(() => tenantDecider.decide(removeFromTeam(TEAM, STRANGER), withStaff())).status).toBe(422);
  });
});

describe('tenant decider: revoking and rotating keys, deactivating users', () => {
  const ADMIN_2 = 'abababab-abab-4bab-8bab-abababababab';
  const decide = (command: TenantCommand, state: TenantState) => {
    const events = tenantDecider.decide(command, state);
    for (const e of events) expect(eventCatalog[e.type][1].safeParse(e.data).success, e.type).toBe(true);
    return events;
  };

  it('rotates a key: the old one is revoked and a new one issued in one change', () => {
    expect(decide(rotate(AGENT), withStaff())).toEqual([
      { type: 'ApiKeyRevoked', data: { keyId: keyIdFor(AGENT), userId: AGENT, reason: 'rotated' } },
      { type: 'ApiKeyIssued', data: { keyId: NEW_KEY, userId: AGENT, secretSha256: SHA('c') } },
    ]);
    const state = active(given(register, addUser(AGENT, 'agent', 'agent@acme.test'), rotate(AGENT)));
    expect([...state.apiKeys].filter(([, k]) => k.userId === AGENT)).toEqual([[NEW_KEY, { userId: AGENT, secretSha256: SHA('c') }]]);
    // A revoked key is simply replaced.
    expect(decide(rotate(AGENT), given(register, addUser(AGENT, 'agent', 'agent@acme.test'), revoke(AGENT)))).toEqual([
      { type: 'ApiKeyIssued', data: { keyId: NEW_KEY, userId: AGENT, secretSha256: SHA('c') } },
    ]);
  });

  it("lets any user rotate their own key, only an admin someone else's, and answers 404 for a user not in the tenant", () => {
    const state = withStaff();
    for (const [id, role] of [
      [AGENT, 'agent'],
      [ANALYST, 'analyst'],
      [SUPERVISOR, 'supervisor'],
    ] as const) {
      expect(decide(rotate(id, { userId: id, role }), state).map((e) => e.type)).toEqual(['ApiKeyRevoked', 'ApiKeyIssued']);
    }
    expect(rejection(() => decide(rotate(AGENT, { userId: SUPERVISOR, role: 'supervisor' }), state)).status).toBe(403);
    expect(rejection(() => decide(rotate(STRANGER), state)).status).toBe(404);
    expect(rejection(() => decide(rotate(STRANGER, { userId: AGENT, role: 'agent' }), state)).status).toBe(403);
  });

  it('revokes a key, once; only admins may', () => {
    const state = withStaff();
    expect(decide(revoke(AGENT), state)).toEqual([{ type: 'ApiKeyRevoked', data: { keyId: keyIdFor(AGENT), userId: AGENT, reason: 'revoked' } }]);
    const revoked = given(register, addUser(AGENT, 'agent', 'agent@acme.test'), revoke(AGENT));
    expect(active(revoked).apiKeys.has(keyIdFor(AGENT))).toBe(false);
    expect(decide(revoke(AGENT), revoked)).toEqual([]);
    expect(rejection(() => decide(revoke(AGENT, { userId: SUPERVISOR, role: 'supervisor' }), state)).status).toBe(403);
    expect(rejection(() => decide(revoke(AGENT, { userId: AGENT, role: 'agent' }), state)).status).toBe(403);
    expect(rejection(() => decide(revoke(STRANGER), state)).status).toBe(404);
  });

  it('deactivates and reactivates a user, keeping their key; repeating either changes nothing', () => {
    expect(decide(deactivate(AGENT), withStaff())).toEqual([{ type: 'UserDeactivated', data: { userId: AGENT } }]);
    const off = given(register, addUser(AGENT, 'agent', 'agent@acme.test'), deactivate(AGENT));
    expect(active(off).users.get(AGENT)?.active).toBe(false);
    expect(active(off).apiKeys.has(keyIdFor(AGENT))).toBe(true);
    expect(decide(deactivate(AGENT), off)).toEqual([]);
    expect(decide(reactivate(AGENT), off)).toEqual([{ type: 'UserReactivated', data: { userId: AGENT } }]);
    const on = given(register, addUser(AGENT, 'agent', 'agent@acme.test'), deactivate(AGENT), reactivate(AGENT));
    expect(active(on).users.get(AGENT)?.active).toBe(true);
    expect(decide(reactivate(AGENT), on)).toEqual([]);
    for (const command of [deactivate(AGENT, { userId: SUPERVISOR, role: 'supervisor' }), reactivate(AGENT, { userId: AGENT, role: 'agent' })]) {
      expect(rejection(() => decide(command, withStaff())).status, command.type).toBe(403);
    }
    expect(rejection(() => decide(deactivate(STRANGER), withStaff())).status).toBe(404);
    expect(rejection(() => decide(reactivate(STRANGER), withStaff())).status).toBe(404);
  });

  it('keeps one active admin with a key: revoking or deactivating the last one is a 409', () => {
    const alone = given(register);
    for (const command of [revoke(ADMIN), deactivate(ADMIN)]) {
      const error = rejection(() => decide(command, alone));
      expect(error.status, command.type).toBe(409);
      expect(error.message).toMatch(/last active admin/);
    }
    // Rotating keeps them in: the new key replaces the old one.
    expect(decide(rotate(ADMIN), alone).map((e) => e.type)).toEqual(['ApiKeyRevoked', 'ApiKeyIssued']);

    const two = given(register, addUser(ADMIN_2, 'admin', 'ada2@acme.test'));
    expect(decide(deactivate(ADMIN), two)).toHaveLength(1);
    expect(decide(revoke(ADMIN), two)).toHaveLength(1);
    const secondDeactivated = given(register, addUser(ADMIN_2, 'admin', 'ada2@acme.test'), deactivate(ADMIN_2));
    expect(rejection(() => decide(deactivate(ADMIN), secondDeactivated)).status).toBe(409);
    // An admin without a key cannot manage anything either, so they do not count.
    const secondWithoutKey = given(register, addUser(ADMIN_2, 'admin', 'ada2@acme.test'), revoke(ADMIN_2));
    expect(rejection(() => decide(revoke(ADMIN), secondWithoutKey)).status).toBe(409);
    expect(rejection(() => decide(deactivate(ADMIN), secondWithoutKey)).status).toBe(409);
    // A deactivated admin may still lose their key: they were not managing anything.
    expect(decide(revoke(ADMIN_2), secondDeactivated)).toHaveLength(1);
  });
});
