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
    expect(res.body.items[1]).toMatchObject({ targetSeconds: 3600, teamId: nightTeam, priority: 'urgent', hours: 'calendar' });
    // No business hours: the clock is the wall clock, from the wait's start to now and from now to the due instant.
    const [first, resolution] = res.body.items as { startedAt: string; dueAt: string; elapsedSeconds: number; remainingSeconds: number }[];
    const now = Date.parse(res.body.now);
    expect(first!.elapsedSeconds).toBe(Math.floor((now - Date.parse(first!.startedAt)) / 1000));
    // `|| 0`: within a second of its due instant the breach has 0 s left, and -0 is not 0 to toBe.
    expect(first!.remainingSeconds || 0).toBe(-Math.floor((now - Date.parse(first!.dueAt)) / 1000) || 0);
    expect(resolution!.remainingSeconds).toBe(Math.floor((Date.parse(resolution!.dueAt) - now) / 1000));
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

  it("counts a business-hours team's clock in its business hours", async () => {
    // Open around the clock except today and tomorrow (UTC), holidays: no business time passes while the test runs.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const { teamId } = await platform.cmd<{ teamId: string }>('/v1/teams', { name: 'Holidays' }, tenant.adminKey);
    await platform.put(
      `/v1/teams/${teamId}/business-hours`,
      { timeZone: 'UTC', periods: [0, 1, 2, 3, 4, 5, 6].map((d) => ({ day: d, open: '00:00', close: '24:00' })), holidays: [day(0), day(1)] },
      tenant.adminKey,
    );
    await platform.put(`/v1/teams/${teamId}/sla-policies/normal`, { firstResponseSeconds: 600, resolutionSeconds: 7200 }, tenant.adminKey);
    const { conversationId } = await platform.customerWrites(tenant, '5215500000015', 'on a holiday');
    await platform.cmd(`/v1/conversations/${conversationId}/queue`, { teamId }, tenant.supervisor.key);
    await new Promise((r) => setTimeout(r, 1100));

    const res = await running(`?conversationId=${conversationId}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({ kind: 'first', hours: 'business', elapsedSeconds: 0, remainingSeconds: 600, state: 'on_track' }),
      expect.objectContaining({ kind: 'resolution', hours: 'business', elapsedSeconds: 0, remainingSeconds: 7200, state: 'on_track' }),
    ]);
    // Due after the holidays: the day after tomorrow, once the target's business time has passed.
    expect(res.body.items[0].dueAt).toBe(`${day(2)}T00:10:00.000Z`);
  });

  it('is for supervisors and admins: a live view, not a report', async () => {
    expect((await running('', tenant.adminKey)).status).toBe(200);
    expect((await running('', tenant.agents[0]!.key)).status).toBe(403);
    expect((await running('?atRiskShare=2')).status).toBe(400);
  });
});
