import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunningPlatform, type TestTenant } from './support/running-platform.ts';

let platform: RunningPlatform;
let tenant: TestTenant;

beforeAll(async () => {
  platform = await RunningPlatform.start('me_e2e');
  tenant = await platform.tenant('acme', 1);
});
afterAll(async () => {
  await platform?.stop();
});

const hours = (timeZone: string) => ({ timeZone, periods: [{ day: 0, open: '09:00', close: '18:00' }], holidays: [] });

describe('GET /v1/me', () => {
  it("answers the key's tenant, user and role, for every role, billing included", async () => {
    const billing = await platform.cmd<{ userId: string; apiKey: string }>(
      '/v1/users',
      { name: 'Bea Billing', email: 'bea@acme.test', role: 'billing' },
      tenant.adminKey,
    );
    const analyst = await platform.cmd<{ userId: string; apiKey: string }>(
      '/v1/users',
      { name: 'Ana Lyst', email: 'ana@acme.test', role: 'analyst' },
      tenant.adminKey,
    );
    const agent = tenant.agents[0]!;
    for (const [key, userId, role, name] of [
      [tenant.supervisor.key, tenant.supervisor.userId, 'supervisor', 'sofia'],
      [agent.key, agent.userId, 'agent', 'agent0'],
      [analyst.apiKey, analyst.userId, 'analyst', 'Ana Lyst'],
      [billing.apiKey, billing.userId, 'billing', 'Bea Billing'],
    ] as const) {
      const res = await platform.get('/v1/me', key);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ tenantId: tenant.tenantId, tenantName: 'acme', userId, role, name });
    }
    const admin = await platform.get('/v1/me', tenant.adminKey);
    expect(admin.body).toMatchObject({ role: 'admin', name: 'Admin', email: 'admin@acme.test' });
  });

  it('gives UTC until a team has business hours, then the zone of the first such team by name', async () => {
    const before = await platform.get('/v1/me', tenant.supervisor.key);
    expect(before.body).toMatchObject({ timeZone: 'UTC', timeZoneSource: 'default', teams: [{ teamId: tenant.teamId, name: 'Support', timeZone: null }] });

    let w = await platform.put(`/v1/teams/${tenant.teamId}/business-hours`, hours('America/Mexico_City'), tenant.adminKey);
    let me = await platform.get(`/v1/me?minPosition=${w.position}`, tenant.supervisor.key);
    expect(me.headers.get('parley-consistency')).toBe('fresh');
    expect(me.body).toMatchObject({ timeZone: 'America/Mexico_City', timeZoneSource: 'business-hours' });

    // A team named before "Support" without hours changes nothing; once it has hours, it wins.
    const billing = await platform.cmd<{ teamId: string; position: string }>('/v1/teams', { name: 'Billing' }, tenant.adminKey);
    me = await platform.get(`/v1/me?minPosition=${billing.position}`, tenant.supervisor.key);
    expect(me.body.timeZone).toBe('America/Mexico_City');
    expect(me.body.teams.map((t: { name: string }) => t.name)).toEqual(['Billing', 'Support']);
    w = await platform.put(`/v1/teams/${billing.teamId}/business-hours`, hours('Europe/Madrid'), tenant.adminKey);
    me = await platform.get(`/v1/me?minPosition=${w.position}`, tenant.supervisor.key);
    expect(me.body).toMatchObject({ timeZone: 'Europe/Madrid', timeZoneSource: 'business-hours' });
    expect(me.body.teams).toEqual([
      { teamId: billing.teamId, name: 'Billing', timeZone: 'Europe/Madrid' },
      { teamId: tenant.teamId, name: 'Support', timeZone: 'America/Mexico_City' },
    ]);
  });

  it('refuses a missing, unknown or revoked key, and a platform key', async () => {
    expect((await platform.get('/v1/me', undefined)).status).toBe(401);
    expect((await platform.get('/v1/me', 'prl_nonsense')).status).toBe(401);
    expect((await platform.get('/v1/me', 'test-platform-admin-key-0123456789')).status).toBe(401);
    const temp = await platform.cmd<{ userId: string; apiKey: string }>('/v1/users', { name: 'Temp', email: 'temp@acme.test', role: 'agent' }, tenant.adminKey);
    expect((await platform.get('/v1/me', temp.apiKey)).status).toBe(200);
    const w = await platform.cmd<{ position: string }>(`/v1/users/${temp.userId}/deactivate`, {}, tenant.adminKey);
    await platform.get(`/v1/me?minPosition=${w.position}`, tenant.adminKey);
    const gone = await platform.get('/v1/me', temp.apiKey);
    expect(gone.status).toBe(401);
    expect(gone.body).toMatchObject({ error: 'unauthorized', message: 'unknown or revoked API key' });
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await platform.get('/openapi.json', undefined);
    expect(Object.keys(doc.body.paths)).toContain('/v1/me');
  });
});
