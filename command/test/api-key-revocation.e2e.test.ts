import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { textMessage, webhookEnvelope } from '@parley/command/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, type HttpAnswer, RunningCommandApi } from './support/running-command-api.ts';

// Two command API processes on one database: A runs in this test process, B is
// `src/main.ts` as its own process. Each has its own cache of folded tenants, so what
// one stores the other learns only from the log.
const NEW_ADMIN_KEY = 'rotated-platform-admin-key-0123456789';
const PHONE_NUMBER_ID = '109876543219999';
const APP_SECRET = 'app-secret-of-tenant-k-0123456789';

let a: RunningCommandApi;
let b: ChildProcess;
let bUrl = '';
const keys = { admin: '', supervisor: '', alice: '', bob: '', otherTenant: '' };
const ids = { admin: '', alice: '', bob: '', otherTenantAdmin: '', conversation: '' };

async function call(base: string, method: string, path: string, key?: string, body?: unknown): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown>, text };
}

/** Whether a process takes the key: a command on a conversation id that cannot exist gets 404 once authenticated. */
async function authenticates(base: string, key: string): Promise<boolean> {
  const res = await call(base, 'POST', '/v1/conversations/not-a-conversation/unassign', key, {});
  if (res.status !== 404 && res.status !== 401) throw new Error(`unexpected ${res.status}: ${res.text}`);
  return res.status === 404;
}

/** How long until `base` refuses the key; fails past a second. */
async function refusedWithin(base: string, key: string): Promise<number> {
  const started = performance.now();
  while (await authenticates(base, key)) {
    if (performance.now() - started > 1000) throw new Error(`${base} still takes the key after a second`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - started;
}

beforeAll(async () => {
  a = await RunningCommandApi.start('api_key_revocation');
  const port = 40_000 + randomInt(5_000);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PARLEY_DATABASE_URL: a.db.connectionString,
    // B runs mid-rotation of the platform admin key: the old one is still accepted there.
    PARLEY_ADMIN_KEY: NEW_ADMIN_KEY,
    PARLEY_ADMIN_KEY_PREVIOUS: ADMIN_KEY,
    PARLEY_SECRET_KEY: randomBytes(32).toString('base64'),
    PARLEY_HOST: '127.0.0.1',
    COMMAND_PORT: String(port),
  };
  delete env.EVENTSTORE_URL;
  b = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../src/main.ts', import.meta.url))], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  b.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!out.includes('command API')) {
    if (Date.now() > deadline || b.exitCode !== null) throw new Error(`command process did not start: ${out}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  bUrl = `http://127.0.0.1:${port}`;

  const tenant = await a.post<{ tenantId: string; userId: string; apiKey: string }>(
    '/v1/tenants',
    { name: 'Keys', admin: { name: 'Ada', email: 'ada@keys.test' } },
    ADMIN_KEY,
  );
  keys.admin = tenant.body.apiKey;
  ids.admin = tenant.body.userId;
  const add = async (name: string, role: string) => {
    const res = await a.post<{ userId: string; apiKey: string }>('/v1/users', { name, email: `${name}@keys.test`, role }, keys.admin);
    expect(res.status).toBe(201);
    return res.body;
  };
  const sup = await add('sam', 'supervisor');
  const alice = await add('alice', 'agent');
  const bob = await add('bob', 'agent');
  Object.assign(keys, { supervisor: sup.apiKey, alice: alice.apiKey, bob: bob.apiKey });
  Object.assign(ids, { alice: alice.userId, bob: bob.userId });
  const other = await a.post<{ userId: string; apiKey: string }>('/v1/tenants', { name: 'Other', admin: { name: 'O', email: 'o@other.test' } }, ADMIN_KEY);
  keys.otherTenant = other.body.apiKey;
  ids.otherTenantAdmin = other.body.userId;

  const number = { phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '+1 555 0199', appSecret: APP_SECRET, verifyToken: 'verify-keys-token' };
  expect((await a.post('/v1/whatsapp-numbers', number, keys.admin)).status).toBe(201);
  const customer = '5215500000001';
  const payload = webhookEnvelope({
    phoneNumberId: PHONE_NUMBER_ID,
    contacts: [{ waId: customer, name: 'C' }],
    messages: [textMessage({ from: customer, body: 'hola' })],
  });
  expect((await a.webhook(payload, APP_SECRET)).status).toBe(200);
  const opened = (await a.allEvents()).find((e) => e.type === 'ConversationOpened')!;
  ids.conversation = (opened.data as { conversationId: string }).conversationId;
}, 60_000);

afterAll(async () => {
  if (b && b.exitCode === null) {
    b.kill('SIGTERM');
    await once(b, 'exit');
  }
  await a?.stop();
});

describe('API keys across processes', () => {
  it('rotates a key: the old one fails on both processes within a second, the new one works on both', async () => {
    // Both processes have the tenant folded, the old key in it.
    expect(await authenticates(a.baseUrl, keys.alice)).toBe(true);
    expect(await authenticates(bUrl, keys.alice)).toBe(true);

    const rotated = await a.post<{ userId: string; apiKey: string; events: string[] }>(`/v1/users/${ids.alice}/api-key/rotate`, {}, keys.alice);
    expect(rotated.status).toBe(200);
    expect(rotated.body.userId).toBe(ids.alice);
    expect(rotated.body.apiKey).toMatch(/^prl_/);
    expect(rotated.body.events).toEqual(['ApiKeyRevoked', 'ApiKeyIssued']);

    expect(await authenticates(a.baseUrl, keys.alice)).toBe(false);
    expect(await refusedWithin(bUrl, keys.alice)).toBeLessThan(1000);
    expect(await authenticates(a.baseUrl, rotated.body.apiKey)).toBe(true);
    expect(await authenticates(bUrl, rotated.body.apiKey)).toBe(true);
    keys.alice = rotated.body.apiKey;

    // Only an admin rotates someone else's key.
    expect((await a.post(`/v1/users/${ids.bob}/api-key/rotate`, {}, keys.alice)).status).toBe(403);
    expect((await a.post(`/v1/users/${ids.bob}/api-key/rotate`, {}, keys.supervisor)).status).toBe(403);
  });

  it('revokes a key through one process and the other refuses it within a second', async () => {
    expect(await authenticates(a.baseUrl, keys.bob)).toBe(true);
    expect(await authenticates(bUrl, keys.bob)).toBe(true);

    const revoked = await call(bUrl, 'DELETE', `/v1/users/${ids.bob}/api-key`, keys.admin);
    expect(revoked.status).toBe(200);
    expect(revoked.body.events).toEqual(['ApiKeyRevoked']);
    expect(await authenticates(bUrl, keys.bob)).toBe(false);
    expect(await refusedWithin(a.baseUrl, keys.bob)).toBeLessThan(1000);
    const again = await call(bUrl, 'DELETE', `/v1/users/${ids.bob}/api-key`, keys.admin);
    expect(again.status).toBe(200);
    expect(again.body.events).toEqual([]);

    // An admin gives the user a new key.
    const fresh = await a.post<{ apiKey: string; events: string[] }>(`/v1/users/${ids.bob}/api-key/rotate`, {}, keys.admin);
    expect(fresh.body.events).toEqual(['ApiKeyIssued']);
    expect(await authenticates(bUrl, fresh.body.apiKey)).toBe(true);
    keys.bob = fresh.body.apiKey;
  });

  it('answers 404 for a user not in the tenant, 403 to non-admins and 400 for a malformed id, storing nothing', async () => {
    const before = (await a.allEvents()).length;
    const unknown = crypto.randomUUID();
    for (const [method, path, body] of [
      ['DELETE', `/v1/users/${unknown}/api-key`, undefined],
      ['POST', `/v1/users/${unknown}/api-key/rotate`, {}],
      ['POST', `/v1/users/${unknown}/deactivate`, {}],
      ['POST', `/v1/users/${ids.otherTenantAdmin}/reactivate`, {}],
      ['DELETE', `/v1/users/${ids.otherTenantAdmin}/api-key`, undefined],
    ] as const) {
      const res = await call(a.baseUrl, method, path, keys.admin, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.message).toMatch(/user .* not found/);
    }
    for (const key of [keys.supervisor, keys.alice]) {
      expect((await call(a.baseUrl, 'DELETE', `/v1/users/${ids.bob}/api-key`, key)).status).toBe(403);
      expect((await call(a.baseUrl, 'POST', `/v1/users/${ids.bob}/deactivate`, key, {})).status).toBe(403);
      expect((await call(a.baseUrl, 'POST', `/v1/users/${ids.bob}/reactivate`, key, {})).status).toBe(403);
    }
    expect((await call(a.baseUrl, 'POST', '/v1/users/not-a-user/deactivate', keys.admin, {})).status).toBe(400);
    expect((await a.allEvents()).length).toBe(before);
  });

  it('deactivates a user: their key fails on every process within a second, nobody can give them conversations, and reactivating restores the key', async () => {
    expect(await authenticates(bUrl, keys.alice)).toBe(true);
    const off = await a.post(`/v1/users/${ids.alice}/deactivate`, {}, keys.admin);
    expect(off.status).toBe(200);
    expect(off.body.events).toEqual(['UserDeactivated']);
    expect(await authenticates(a.baseUrl, keys.alice)).toBe(false);
    expect(await refusedWithin(bUrl, keys.alice)).toBeLessThan(1000);
    expect((await a.post(`/v1/users/${ids.alice}/deactivate`, {}, keys.admin)).body.events).toEqual([]);

    const on = (path: string) => `/v1/conversations/${ids.conversation}/${path}`;
    for (const base of [a.baseUrl, bUrl]) {
      const assign = await call(base, 'POST', on('assign'), keys.supervisor, { agentId: ids.alice });
      expect(assign.status).toBe(422);
      expect(assign.body.message).toMatch(/deactivated/);
      expect((await call(base, 'POST', on('transfer'), keys.supervisor, { toAgentId: ids.alice })).status).toBe(422);
    }

    const back = await call(bUrl, 'POST', `/v1/users/${ids.alice}/reactivate`, keys.admin, {});
    expect(back.status).toBe(200);
    expect(back.body.events).toEqual(['UserReactivated']);
    expect(await authenticates(bUrl, keys.alice)).toBe(true);
    expect(await authenticates(a.baseUrl, keys.alice)).toBe(true);
    expect((await a.post(on('assign'), { agentId: ids.alice }, keys.alice)).status).toBe(200);
  });

  it('keeps the last active admin: deactivating them or revoking their key is a 409; rotating works', async () => {
    const deactivate = await a.post(`/v1/users/${ids.admin}/deactivate`, {}, keys.admin);
    expect(deactivate.status).toBe(409);
    expect(deactivate.body.message).toMatch(/last active admin/);
    expect((await call(a.baseUrl, 'DELETE', `/v1/users/${ids.admin}/api-key`, keys.admin)).status).toBe(409);
    const rotated = await a.post<{ apiKey: string }>(`/v1/users/${ids.admin}/api-key/rotate`, {}, keys.admin);
    expect(rotated.status).toBe(200);
    expect(await authenticates(a.baseUrl, keys.admin)).toBe(false);
    expect(await refusedWithin(bUrl, keys.admin)).toBeLessThan(1000);
    keys.admin = rotated.body.apiKey;
    expect((await a.post('/v1/users', { name: 'new', email: 'new@keys.test', role: 'agent' }, keys.admin)).status).toBe(201);
  });
});

describe('API keys across processes, after the database dropped every connection', () => {
  it('still refuses a revoked key on the other process within a second', async () => {
    const admin = new pg.Client({ connectionString: a.db.connectionString });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    } finally {
      await admin.end();
    }
    // Let the pools notice their dead connections before A writes.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await authenticates(bUrl, keys.bob)).toBe(true);
    const revoked = await call(a.baseUrl, 'DELETE', `/v1/users/${ids.bob}/api-key`, keys.admin);
    expect(revoked.status).toBe(200);
    expect(await refusedWithin(bUrl, keys.bob)).toBeLessThan(1000);
  });
});

describe('platform admin key rotation by configuration', () => {
  it('takes the previous key where PARLEY_ADMIN_KEY_PREVIOUS still names it, and only there', async () => {
    const tenant = (n: string) => ({ name: n, admin: { name: 'A', email: `a@${n}.test` } });
    expect((await call(bUrl, 'POST', '/v1/tenants', ADMIN_KEY, tenant('previous'))).status).toBe(201);
    expect((await call(bUrl, 'POST', '/v1/tenants', NEW_ADMIN_KEY, tenant('current'))).status).toBe(201);
    expect((await call(bUrl, 'GET', '/v1/admin/webhook-dead-letters', ADMIN_KEY)).status).toBe(200);
    expect((await call(bUrl, 'POST', '/v1/tenants', 'some-other-key-0123456789', tenant('other'))).status).toBe(401);
    // A was configured with the old key alone: the new one is not a key there.
    expect((await a.post('/v1/tenants', tenant('elsewhere'), NEW_ADMIN_KEY)).status).toBe(401);
  });
});
