import type { UserRole } from '@parley/events';
import { describe, expect, it } from 'vitest';
import { tenantDecider, type TenantCommand, type TenantEvent, type TenantState } from '../../src/domain/tenant.ts';
import { history as runHistory, rejection } from './decider-testing.ts';

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
const addToTeam = (teamId: string, userId: string): TenantCommand => ({ type: 'AddAgentToTeam', teamId, userId });

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
