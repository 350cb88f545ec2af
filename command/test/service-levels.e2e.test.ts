import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, RunningCommandApi } from './support/running-command-api.ts';

/** SLA policies and business hours through the command API: events in the tenant's stream. */
let api: RunningCommandApi;
let adminKey: string;
let supervisorKey: string;
let agentKey: string;
let teamId: string;

beforeAll(async () => {
  api = await RunningCommandApi.start('service_levels');
  const tenant = await api.post<{ apiKey: string }>('/v1/tenants', { name: 'Acme', admin: { name: 'Ada', email: 'ada@acme.test' } }, ADMIN_KEY);
  adminKey = tenant.body.apiKey;
  supervisorKey = (await api.post<{ apiKey: string }>('/v1/users', { name: 'Sue', email: 'sue@acme.test', role: 'supervisor' }, adminKey)).body.apiKey;
  agentKey = (await api.post<{ apiKey: string }>('/v1/users', { name: 'Al', email: 'al@acme.test', role: 'agent' }, adminKey)).body.apiKey;
  teamId = (await api.post<{ teamId: string }>('/v1/teams', { name: 'Sales' }, adminKey)).body.teamId;
});

afterAll(async () => {
  await api?.stop();
});

describe('service levels API', () => {
  it('supervisors set SLA targets and business hours; both become events', async () => {
    const policy = await api.request('PUT', `/v1/teams/${teamId}/sla-policies/urgent`, {
      key: supervisorKey,
      body: { firstResponseSeconds: 180, nextResponseSeconds: 600, resolutionSeconds: 900 },
    });
    expect(policy.status).toBe(200);
    expect(policy.body.events).toEqual(['SlaPolicySet']);
    const hours = await api.request('PUT', `/v1/teams/${teamId}/business-hours`, {
      key: adminKey,
      body: {
        timeZone: 'America/Mexico_City',
        periods: [
          { day: 0, open: '09:00', close: '18:00' },
          { day: 5, open: '22:00', close: '02:00' },
        ],
      },
    });
    expect(hours.status).toBe(200);
    expect(hours.body.events).toEqual(['BusinessHoursSet']);
    const again = await api.request('PUT', `/v1/teams/${teamId}/sla-policies/urgent`, {
      key: supervisorKey,
      body: { firstResponseSeconds: 180, nextResponseSeconds: 600, resolutionSeconds: 900 },
    });
    expect(again.body.events).toEqual([]);
    const stored = (await api.allEvents()).filter((e) => e.type === 'SlaPolicySet' || e.type === 'BusinessHoursSet');
    expect(stored.map((e) => e.type)).toEqual(['SlaPolicySet', 'BusinessHoursSet']);
    expect(stored[1]!.data).toMatchObject({ teamId, timeZone: 'America/Mexico_City', holidays: [] });
  });

  it('refuses agents, unknown teams and bad calendars with the reason', async () => {
    const body = { firstResponseSeconds: 60, resolutionSeconds: 600 };
    expect((await api.request('PUT', `/v1/teams/${teamId}/sla-policies/low`, { key: agentKey, body })).status).toBe(403);
    expect((await api.request('PUT', `/v1/teams/${crypto.randomUUID()}/sla-policies/low`, { key: adminKey, body })).status).toBe(404);
    expect((await api.request('PUT', `/v1/teams/${teamId}/sla-policies/whenever`, { key: adminKey, body })).status).toBe(400);
    const tz = await api.request('PUT', `/v1/teams/${teamId}/business-hours`, { key: adminKey, body: { timeZone: 'Mars/Olympus', periods: [] } });
    expect(tz.status).toBe(400);
    expect(String(tz.body.message)).toMatch(/time zone/);
    const clock = await api.request('PUT', `/v1/teams/${teamId}/business-hours`, {
      key: adminKey,
      body: { timeZone: 'UTC', periods: [{ day: 7, open: '25:00', close: '18:00' }] },
    });
    expect(clock.status).toBe(400);
  });
});
