import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunningPlatform, type TestTenant } from './support/running-platform.ts';

// The query API authenticates with a tenant cache of its own, apart from the command
// API's: it learns of a revocation only from the log.
let platform: RunningPlatform;
let tenant: TestTenant;

beforeAll(async () => {
  platform = await RunningPlatform.start('key_revocation');
  tenant = await platform.tenant('keys', 1);
});
afterAll(async () => {
  await platform?.stop();
});

/** How long until the query API answers 401 to the key; fails past a second. */
async function refusedWithin(key: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    const res = await platform.get('/v1/conversations?limit=1', key);
    if (res.status === 401) return performance.now() - started;
    expect(res.status).toBe(200);
    if (performance.now() - started > 1000) throw new Error('the query API still takes the key after a second');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const command = async (method: string, path: string, key: string, body?: unknown) => {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${platform.commandUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { apiKey?: string; events?: string[] } };
};

describe('keys revoked on the command API', () => {
  it('stop working on the query API within a second: revoked, rotated, or their user deactivated', async () => {
    const agent = tenant.agents[0]!;
    expect((await platform.get('/v1/conversations?limit=1', agent.key)).status).toBe(200);
    const rotated = await platform.cmd<{ apiKey: string }>(`/v1/users/${agent.userId}/api-key/rotate`, {}, agent.key);
    expect(await refusedWithin(agent.key)).toBeLessThan(1000);
    expect((await platform.get('/v1/conversations?limit=1', rotated.apiKey)).status).toBe(200);

    expect((await command('DELETE', `/v1/users/${agent.userId}/api-key`, tenant.adminKey)).body.events).toEqual(['ApiKeyRevoked']);
    expect(await refusedWithin(rotated.apiKey)).toBeLessThan(1000);

    const supervisor = tenant.supervisor;
    expect((await platform.get('/v1/supervisor/queues', supervisor.key)).status).toBe(200);
    expect((await command('POST', `/v1/users/${supervisor.userId}/deactivate`, tenant.adminKey, {})).status).toBe(200);
    expect(await refusedWithin(supervisor.key)).toBeLessThan(1000);
    expect((await command('POST', `/v1/users/${supervisor.userId}/reactivate`, tenant.adminKey, {})).status).toBe(200);
    expect((await platform.get('/v1/supervisor/queues', supervisor.key)).status).toBe(200);
  });
});
