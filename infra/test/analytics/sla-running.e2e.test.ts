import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunningPlatform, type TestTenant } from '../support/running-platform.ts';

/** GET /v1/analytics/sla/running: what the dashboard's live board shows of service levels. */
let platform: RunningPlatform;
let tenant: TestTenant;
let nightTeam: string;

beforeAll(async () => {
  platform = await RunningPlatform.start('sla_running', { analytics: true });
  tenant = await platform.tenant('acme', 1);
  // A team without business hours: its targets count wall-clock time, whatever the hour of the test.
  nightTeam = (await platform.cmd<{ teamId: string }>('/v1/teams', { name: 'Night' }, tenant.adminKey)).teamId;
  await platform.put(`/v1/teams/${nightTeam}/sla-policies/urgent`, { firstResponseSeconds: 1, resolutionSeconds: 3600 }, tenant.adminKey);
}, 120_000);
afterAll(async () => {
  await platform?.stop();
});

const running = async (query: string, key = tenant.supervisor.key) => {
  await platform.analytics!.projector.waitFor();
  return platform.get(`/v1/analytics/sla/running${query}`, key);
};

describe('GET /v1/analytics/sla/running', () => {
  it('lists the waits past due and the ones close to it, and drops a wait once answered', async () => {
    const { conversationId } = await platform.customerWrites(tenant, '5215500000011', 'urgent, please');
    await platform.cmd(`/v1/conversations/${conversationId}/queue`, { teamId: nightTeam }, tenant.supervisor.key);
    await platform.cmd(`/v1/conversations/${conversationId}/priority`, { priority: 'urgent' }, tenant.supervisor.key);
    // Another team's conversation, with no target at all: never listed.
    await platform.customerWrites(tenant, '5215500000012', 'no hurry');
    await new Promise((r) => setTimeout(r, 1500));

    let res = await running('');
    expect(res.status, res.text).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({ conversationId, kind: 'first', teamId: nightTeam, priority: 'urgent', targetSeconds: 1, state: 'breached' }),
    ]);
    expect(res.body.truncated).toBe(false);
    // With every share of the target counted as at risk, the open conversation's resolution (due in an hour) shows too.
    res = await running(`?atRiskShare=1&teamId=${nightTeam}`);
    expect(res.body.items.map((i: { kind: string; state: string }) => [i.kind, i.state])).toEqual([
      ['first', 'breached'],
      ['resolution', 'at_risk'],
    ]);
    expect((await running(`?teamId=${tenant.teamId}`)).body.items).toEqual([]);

    const agent = tenant.agents[0]!;
    await platform.cmd(`/v1/conversations/${conversationId}/assign`, { agentId: agent.userId }, tenant.supervisor.key);
    await platform.cmd(`/v1/conversations/${conversationId}/messages`, { type: 'text', body: 'on it' }, agent.key);
    expect((await running('')).body.items).toEqual([]);
  });

  it("lists one conversation's running targets, on track ones too: its SLA clock", async () => {
    const { conversationId } = await platform.customerWrites(tenant, '5215500000013', 'where is it?');
    await platform.cmd(`/v1/conversations/${conversationId}/queue`, { teamId: nightTeam }, tenant.supervisor.key);
    await platform.cmd(`/v1/conversations/${conversationId}/priority`, { priority: 'urgent' }, tenant.supervisor.key);
    const { conversationId: neighbour } = await platform.customerWrites(tenant, '5215500000014', 'me too');
    await platform.cmd(`/v1/conversations/${neighbour}/queue`, { teamId: nightTeam }, tenant.supervisor.key);
    await platform.cmd(`/v1/conversations/${neighbour}/priority`, { priority: 'urgent' }, tenant.supervisor.key);
    await new Promise((r) => setTimeout(r, 1500));

    let res = await running(`?conversationId=${conversationId}`);
    expect(res.status, res.text).toBe(200);
    // The resolution is due in an hour: not at risk, listed only because one conversation was asked for.
    expect(res.body.items.map((i: { conversationId: string; kind: string; state: string }) => [i.conversationId, i.kind, i.state])).toEqual([
      [conversationId, 'first', 'breached'],
      [conversationId, 'resolution', 'on_track'],
    ]);
    expect(res.body.items[1]).toMatchObject({ targetSeconds: 3600, teamId: nightTeam, priority: 'urgent' });
    // Without the filter the board lists the neighbour's breach too, and still no on-track row.
    const board = (await running('')).body.items as { conversationId: string; state: string }[];
    expect(new Set(board.map((i) => i.conversationId))).toEqual(new Set([conversationId, neighbour]));
    expect(board.some((i) => i.state === 'on_track')).toBe(false);

    const agent = tenant.agents[0]!;
    await platform.cmd(`/v1/conversations/${conversationId}/assign`, { agentId: agent.userId }, tenant.supervisor.key);
    await platform.cmd(`/v1/conversations/${conversationId}/messages`, { type: 'text', body: 'on it' }, agent.key);
    res = await running(`?conversationId=${conversationId}`);
    expect(res.body.items.map((i: { kind: string }) => i.kind)).toEqual(['resolution']);
    await platform.cmd(`/v1/conversations/${conversationId}/close`, { reason: 'resolved', outcome: null }, agent.key);
    expect((await running(`?conversationId=${conversationId}`)).body.items).toEqual([]);
    expect((await running('?conversationId=not-a-uuid')).status).toBe(400);
  });

  it('is for supervisors and admins: a live view, not a report', async () => {
    expect((await running('', tenant.adminKey)).status).toBe(200);
    expect((await running('', tenant.agents[0]!.key)).status).toBe(403);
    expect((await running('?atRiskShare=2')).status).toBe(400);
  });
});
