import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunningPlatform, type TestTenant } from './support/running-platform.ts';

let platform: RunningPlatform;
let tenant: TestTenant;

beforeAll(async () => {
  platform = await RunningPlatform.start('settings_e2e');
  tenant = await platform.tenant('acme', 2);
});
afterAll(async () => {
  await platform?.stop();
});

const del = (path: string, key: string) => platform.call<{ position: string; events: string[] }>(platform.commandUrl, 'DELETE', path, key);

describe('GET /v1/teams and GET /v1/users: the settings as last set', () => {
  it('serves teams with members, SLA targets per priority and business hours, at the position of the last write', async () => {
    // Adding a member again stores nothing and answers the tenant's latest position.
    const set = await platform.cmd<{ position: string }>(`/v1/teams/${tenant.teamId}/agents`, { userId: tenant.agents[1]!.userId }, tenant.adminKey);
    const before = await platform.get(`/v1/teams?minPosition=${set.position}`, tenant.adminKey);
    expect(before.status, before.text).toBe(200);
    expect(before.body.items).toEqual([
      {
        teamId: tenant.teamId,
        name: 'Support',
        members: [
          { userId: tenant.agents[0]!.userId, name: 'agent0', role: 'agent', active: true },
          { userId: tenant.agents[1]!.userId, name: 'agent1', role: 'agent', active: true },
          { userId: tenant.supervisor.userId, name: 'sofia', role: 'supervisor', active: true },
        ],
        slaPolicies: [],
        businessHours: null,
      },
    ]);

    const sales = await platform.cmd<{ teamId: string }>('/v1/teams', { name: 'Sales' }, tenant.adminKey);
    await platform.cmd(`/v1/teams/${sales.teamId}/agents`, { userId: tenant.agents[1]!.userId }, tenant.adminKey);
    await platform.put(`/v1/teams/${sales.teamId}/sla-policies/urgent`, { firstResponseSeconds: 300, resolutionSeconds: 7200 }, tenant.supervisor.key);
    await platform.put(
      `/v1/teams/${sales.teamId}/sla-policies/low`,
      { firstResponseSeconds: 3600, nextResponseSeconds: 7200, resolutionSeconds: 86_400 },
      tenant.adminKey,
    );
    const hours = {
      timeZone: 'Europe/Madrid',
      periods: [
        { day: 0, open: '09:00', close: '18:00' },
        { day: 4, open: '22:00', close: '06:00' },
      ],
      holidays: ['2026-12-25', '2026-01-01'],
    };
    const last = await platform.put<{ position: string }>(`/v1/teams/${sales.teamId}/business-hours`, hours, tenant.adminKey);

    const after = await platform.get(`/v1/teams?minPosition=${last.position}`, tenant.supervisor.key);
    expect(after.headers.get('parley-consistency')).toBe('fresh');
    expect(after.body.items.map((t: { name: string }) => t.name)).toEqual(['Sales', 'Support']);
    expect(after.body.items[0]).toEqual({
      teamId: sales.teamId,
      name: 'Sales',
      members: [{ userId: tenant.agents[1]!.userId, name: 'agent1', role: 'agent', active: true }],
      slaPolicies: [
        { priority: 'low', firstResponseSeconds: 3600, nextResponseSeconds: 7200, resolutionSeconds: 86_400 },
        { priority: 'urgent', firstResponseSeconds: 300, nextResponseSeconds: null, resolutionSeconds: 7200 },
      ],
      businessHours: hours,
    });

    // Replaced targets and hours replace what is served.
    await platform.put(`/v1/teams/${sales.teamId}/sla-policies/urgent`, { firstResponseSeconds: 120, resolutionSeconds: 3600 }, tenant.adminKey);
    const replaced = await platform.put<{ position: string }>(
      `/v1/teams/${sales.teamId}/business-hours`,
      { timeZone: 'UTC', periods: [], holidays: [] },
      tenant.adminKey,
    );
    const again = await platform.get(`/v1/teams?minPosition=${replaced.position}`, tenant.adminKey);
    expect(again.body.items[0].slaPolicies[1]).toEqual({ priority: 'urgent', firstResponseSeconds: 120, nextResponseSeconds: null, resolutionSeconds: 3600 });
    expect(again.body.items[0].businessHours).toEqual({ timeZone: 'UTC', periods: [], holidays: [] });
  });

  it('removes a member (DELETE /v1/teams/:id/agents/:userId): gone from the team, the user and the workload filter; added again, back', async () => {
    const agent = tenant.agents[0]!;
    const removed = await del(`/v1/teams/${tenant.teamId}/agents/${agent.userId}`, tenant.adminKey);
    expect(removed.status, removed.text).toBe(200);
    expect(removed.body.events).toEqual(['AgentRemovedFromTeam']);
    const twice = await del(`/v1/teams/${tenant.teamId}/agents/${agent.userId}`, tenant.adminKey);
    expect(twice.body.events).toEqual([]);

    const teams = await platform.get(`/v1/teams?minPosition=${removed.body.position}`, tenant.adminKey);
    const support = teams.body.items.find((t: { teamId: string }) => t.teamId === tenant.teamId);
    expect(support.members.map((m: { name: string }) => m.name)).toEqual(['agent1', 'sofia']);
    const users = await platform.get('/v1/users', tenant.adminKey);
    expect(users.body.items.find((u: { userId: string }) => u.userId === agent.userId).teamIds).toEqual([]);
    const workload = await platform.get(`/v1/supervisor/workload?team=${tenant.teamId}`, tenant.adminKey);
    expect(workload.body.items.map((w: { agentId: string }) => w.agentId)).not.toContain(agent.userId);

    const back = await platform.cmd<{ position: string }>(`/v1/teams/${tenant.teamId}/agents`, { userId: agent.userId }, tenant.adminKey);
    const restored = await platform.get(`/v1/teams?minPosition=${back.position}`, tenant.adminKey);
    expect(restored.body.items.find((t: { teamId: string }) => t.teamId === tenant.teamId).members.map((m: { name: string }) => m.name)).toEqual([
      'agent0',
      'agent1',
      'sofia',
    ]);

    // Only admins manage members; an unknown team is a 404, a user outside the tenant a 422.
    expect((await del(`/v1/teams/${tenant.teamId}/agents/${agent.userId}`, tenant.supervisor.key)).status).toBe(403);
    expect((await del(`/v1/teams/${crypto.randomUUID()}/agents/${agent.userId}`, tenant.adminKey)).status).toBe(404);
    expect((await del(`/v1/teams/${tenant.teamId}/agents/${crypto.randomUUID()}`, tenant.adminKey)).status).toBe(422);
  });

  it('lists every user of the tenant, deactivated ones too, with their role and teams', async () => {
    const analyst = await platform.cmd<{ userId: string }>('/v1/users', { name: 'Ana Lyst', email: 'ana@acme.test', role: 'analyst' }, tenant.adminKey);
    const w = await platform.cmd<{ position: string }>(`/v1/users/${analyst.userId}/deactivate`, {}, tenant.adminKey);
    const res = await platform.get(`/v1/users?minPosition=${w.position}`, tenant.supervisor.key);
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.map((u: { name: string }) => u.name)).toEqual(['Admin', 'agent0', 'agent1', 'Ana Lyst', 'sofia']);
    expect(res.body.items.find((u: { userId: string }) => u.userId === analyst.userId)).toEqual({
      userId: analyst.userId,
      name: 'Ana Lyst',
      email: 'ana@acme.test',
      role: 'analyst',
      active: false,
      teamIds: [],
    });
    expect(res.body.items.find((u: { name: string }) => u.name === 'sofia').teamIds).toEqual([tenant.teamId]);
  });

  it('answers admins and supervisors only', async () => {
    for (const path of ['/v1/teams', '/v1/users']) {
      expect((await platform.get(path, tenant.agents[0]!.key)).status).toBe(403);
      expect((await platform.get(path, undefined)).status).toBe(401);
      expect((await platform.get(path, tenant.supervisor.key)).status).toBe(200);
    }
    const analyst = await platform.cmd<{ apiKey: string }>('/v1/users', { name: 'Al', email: 'al@acme.test', role: 'analyst' }, tenant.adminKey);
    expect((await platform.get('/v1/teams', analyst.apiKey)).status).toBe(403);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await platform.get('/openapi.json', undefined);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/teams', '/v1/users']));
  });
});
