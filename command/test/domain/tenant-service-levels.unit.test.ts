import { describe, expect, it } from 'vitest';
import { type TenantCommand, tenantDecider } from '../../src/domain/tenant.ts';
import { history, rejection } from './decider-testing.ts';

const TENANT = '11111111-1111-4111-8111-111111111111';
const ADMIN = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const TEAM = 'f0000000-0000-4000-8000-000000000001';
const NO_TEAM = 'f0000000-0000-4000-8000-000000000009';

const setup: TenantCommand[] = [
  {
    type: 'RegisterTenant',
    tenantId: TENANT,
    name: 'Acme',
    admin: { userId: ADMIN, name: 'Ada', email: 'ada@acme.test', apiKey: { keyId: ADMIN, secretSha256: 'a'.repeat(64) } },
  },
  { type: 'CreateTeam', teamId: TEAM, name: 'Sales' },
];
const targets = { firstResponseSeconds: 300, nextResponseSeconds: 600, resolutionSeconds: 3600 };
const hours = {
  timeZone: 'America/Mexico_City',
  periods: [
    { day: 0, open: '09:00', close: '18:00' },
    { day: 4, open: '22:00', close: '06:00' },
  ],
  holidays: ['2026-12-25'],
};
const run = (...commands: TenantCommand[]) => history(tenantDecider, [...setup, ...commands]);

describe('tenant: SLA policies and business hours', () => {
  it('records a policy per team and priority, and nothing when it is set again unchanged', () => {
    const set: TenantCommand = { type: 'SetSlaPolicy', teamId: TEAM, priority: 'urgent', targets };
    const { events, state } = run(set, set);
    expect(events.slice(-1)).toEqual([{ type: 'SlaPolicySet', data: { teamId: TEAM, priority: 'urgent', ...targets } }]);
    expect(events.filter((e) => e.type === 'SlaPolicySet')).toHaveLength(1);
    if (state.status !== 'active') throw new Error('not active');
    expect(state.teams.get(TEAM)?.slaPolicies.get('urgent')).toEqual(targets);
    const changed = run(set, { ...set, targets: { ...targets, firstResponseSeconds: 120 } }).events;
    expect(changed.filter((e) => e.type === 'SlaPolicySet')).toHaveLength(2);
  });

  it('replaces a team calendar, overnight periods included', () => {
    const { events, state } = run({ type: 'SetBusinessHours', teamId: TEAM, hours });
    expect(events.slice(-1)).toEqual([{ type: 'BusinessHoursSet', data: { teamId: TEAM, ...hours } }]);
    if (state.status !== 'active') throw new Error('not active');
    expect(state.teams.get(TEAM)?.businessHours).toEqual(hours);
    expect(
      run({ type: 'SetBusinessHours', teamId: TEAM, hours }, { type: 'SetBusinessHours', teamId: TEAM, hours }).events.filter(
        (e) => e.type === 'BusinessHoursSet',
      ),
    ).toHaveLength(1);
  });

  it('refuses unknown teams, empty periods and repeated holidays', () => {
    const state = run().state;
    expect(rejection(() => tenantDecider.decide({ type: 'SetSlaPolicy', teamId: NO_TEAM, priority: 'low', targets }, state)).status).toBe(404);
    expect(rejection(() => tenantDecider.decide({ type: 'SetBusinessHours', teamId: NO_TEAM, hours }, state)).status).toBe(404);
    const empty = { ...hours, periods: [{ day: 1, open: '10:00', close: '10:00' }] };
    expect(rejection(() => tenantDecider.decide({ type: 'SetBusinessHours', teamId: TEAM, hours: empty }, state)).message).toMatch(/opens and closes/);
    const twice = { ...hours, holidays: ['2026-12-25', '2026-12-25'] };
    expect(rejection(() => tenantDecider.decide({ type: 'SetBusinessHours', teamId: TEAM, hours: twice }, state)).status).toBe(422);
  });
});
