import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxTraffic } from './support/inbox-traffic.ts';
import { RunningPlatform, type TestTenant } from './support/running-platform.ts';

let platform: RunningPlatform;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  platform = await RunningPlatform.start('tenant_isolation');
  a = await platform.tenant('alpha');
  b = await platform.tenant('bravo');
  await inboxTraffic(platform, a, 5, 1);
  await inboxTraffic(platform, b, 5, 2);
});
afterAll(async () => {
  await platform?.stop();
});

/** Everything that identifies tenant B's data, read with B's own key. */
async function markersOf(t: TestTenant) {
  const list = await platform.get('/v1/conversations?limit=100', t.adminKey);
  const conversations = list.body.items as { id: string; contactId: string; contactWaId: string; contactName: string }[];
  const markers = new Set<string>([t.tenantId, t.teamId, t.supervisor.userId, ...t.agents.map((x) => x.userId)]);
  for (const c of conversations) [c.id, c.contactId, c.contactWaId, c.contactName].forEach((m) => markers.add(m));
  return { conversations: conversations.map((c) => c.id), contacts: [...new Set(conversations.map((c) => c.contactId))], markers };
}

describe('tenant isolation', () => {
  it('no query endpoint ever returns another tenant’s data', async () => {
    const mine = await markersOf(a);
    const theirs = await markersOf(b);
    expect(theirs.conversations.length).toBeGreaterThanOrEqual(5);

    // Every documented GET route, filled with both tenants' ids; a new route fails this test until it is covered here.
    const spec = platform.query.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const fill: Record<string, (ids: { conversations: string[]; contacts: string[] }) => string[]> = {
      '/v1/conversations': () => [
        '',
        '?assignee=unassigned',
        ...[...b.agents, ...a.agents].map((x) => `?assignee=${x.userId}`),
        `?team=${b.teamId}`,
        `?team=${a.teamId}`,
        '?tag=billing',
        '?q=order',
        '?sort=priority',
        '?sort=longest_waiting&status=queued,assigned,closed',
      ].map((q) => `/v1/conversations${q}`),
      '/v1/conversations/{id}': (ids) => ids.conversations.map((id) => `/v1/conversations/${id}`),
      '/v1/conversations/{id}/messages': (ids) => ids.conversations.map((id) => `/v1/conversations/${id}/messages`),
      '/v1/contacts/{id}': (ids) => ids.contacts.map((id) => `/v1/contacts/${id}`),
      '/v1/supervisor/queues': () => ['/v1/supervisor/queues'],
      '/v1/supervisor/workload': () => ['/v1/supervisor/workload', `/v1/supervisor/workload?team=${b.teamId}`, `/v1/supervisor/workload?team=${a.teamId}`],
    };
    const tenantRoutes = Object.entries(spec.paths)
      .filter(([, methods]) => 'get' in methods)
      .map(([path]) => path)
      .filter((path) => !path.startsWith('/v1/admin/'));
    expect(tenantRoutes.filter((p) => !(p in fill))).toEqual([]);

    let calls = 0;
    for (const route of tenantRoutes) {
      for (const ids of [mine, theirs]) {
        for (const url of fill[route]!(ids)) {
          for (const key of [a.adminKey, a.supervisor.key, a.agents[0]!.key]) {
            const res = await platform.get(url, key);
            calls += 1;
            expect([200, 403, 404], `${url} → ${res.status}: ${res.text}`).toContain(res.status);
            if (ids === theirs && route.includes('{id}')) expect(res.status, url).toBe(404);
            for (const marker of theirs.markers) {
              if (res.text.includes(marker)) throw new Error(`${url} with tenant A's key leaked tenant B's ${marker}: ${res.text.slice(0, 300)}`);
            }
          }
        }
      }
    }
    expect(calls).toBeGreaterThan(100);
  });
});
