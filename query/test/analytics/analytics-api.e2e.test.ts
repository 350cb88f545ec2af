import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Authenticator, type CommandPlatform, createCommandPlatform, registerAuthentication, registerErrorHandler, Tenancy } from '@parley/command';
import { createTestDatabase, type TestDatabase } from '@parley/events/testing';
import { type Analytics, createAnalytics, slaCompliance } from '@parley/projections/analytics';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendGenerated, generateConversations } from '../../../projections/test/analytics/support/conversation-generator.ts';
import { registerAnalyticsRoutes } from '../../src/analytics/analytics-routes.ts';

/**
 * The analytics endpoints over real HTTP: tenants and keys made through the command API,
 * conversations generated into the same log, the projector into an embedded chDB.
 */
const ADMIN_KEY = 'analytics-e2e-platform-admin-key-0123';
const ANALYST_KEY = 'analytics-e2e-platform-analyst-key-0123';

let db: TestDatabase;
let platform: CommandPlatform;
let commandUrl: string;
let analytics: Analytics;
let app: FastifyInstance;
let baseUrl: string;
let dataDir: string;
const keys: Record<string, string> = {};
let tenantId: string;
let now: Date;
let range: string;

async function call(method: string, url: string, key?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { items?: Record<string, unknown>[] } };
}

beforeAll(async () => {
  db = await createTestDatabase('analytics_api');
  platform = await createCommandPlatform({ databaseUrl: db.connectionString, eventStoreUrl: null, platformAdminKey: ADMIN_KEY, secretKey: randomBytes(32).toString('base64') });
  commandUrl = await platform.app.listen({ host: '127.0.0.1', port: 0 });
  const tenant = await call('POST', `${commandUrl}/v1/tenants`, ADMIN_KEY, { name: 'Acme', admin: { name: 'Ada', email: 'ada@acme.test' } });
  tenantId = String(tenant.body.tenantId);
  keys.admin = String(tenant.body.apiKey);
  for (const role of ['supervisor', 'agent', 'analyst'] as const) {
    const user = await call('POST', `${commandUrl}/v1/users`, keys.admin, { name: role, email: `${role}@acme.test`, role });
    keys[role] = String(user.body.apiKey);
  }
  const other = await call('POST', `${commandUrl}/v1/tenants`, ADMIN_KEY, { name: 'Other', admin: { name: 'Olga', email: 'olga@other.test' } });
  keys.otherAdmin = String(other.body.apiKey);

  // Generated conversations of the first generated tenant land in Acme.
  const gen = generateConversations({ seed: 99, conversationsPerTenant: 25 });
  const generatedTenant = gen.tenants[0]!.tenantId;
  const events = gen.events
    .filter((e) => e.metadata.tenantId === generatedTenant)
    .map((e) => ({ ...e, metadata: { ...e.metadata, tenantId } }));
  await appendGenerated(platform.store, events);
  now = gen.now;
  range = `from=${encodeURIComponent(gen.from.toISOString())}&to=${encodeURIComponent(gen.to.toISOString())}`;

  dataDir = mkdtempSync(join(tmpdir(), 'parley-chdb-api-'));
  analytics = await createAnalytics({ store: platform.store, clickhouse: { url: null, dataDir, database: 'parley', cluster: null } });
  await analytics.start();
  await analytics.projector.waitFor();

  app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  registerAuthentication(app, new Authenticator(new Tenancy(platform.store), ADMIN_KEY, ANALYST_KEY));
  registerAnalyticsRoutes(app, { analytics, clock: () => now, analystLimits: { maxRows: 500 } });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await analytics?.close();
  await platform?.close();
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('supervisor reports', () => {
  it('answer the key tenant’s figures, the same the report functions compute', async () => {
    const res = await call('GET', `${baseUrl}/v1/analytics/sla/compliance?${range}&timeZone=America/Mexico_City`, keys.supervisor);
    expect(res.status).toBe(200);
    const direct = await slaCompliance(analytics.client, analytics.database, {
      tenantId,
      from: new Date(decodeURIComponent(range.split('&')[0]!.slice(5))),
      to: new Date(decodeURIComponent(range.split('&')[1]!.slice(3))),
      timeZone: 'America/Mexico_City',
      now,
    });
    expect(res.body.items).toEqual(direct);
    expect(direct.find((r) => r.target === 'first_response')!.met).toBeGreaterThan(0);
  });

  it('every report answers for admins, supervisors and analysts of the tenant', async () => {
    for (const path of ['sla/percentiles', 'sla/breaches?by=day', 'volumes?granularity=hour', 'response-times?granularity=day', 'agents/leaderboard']) {
      for (const role of ['admin', 'supervisor', 'analyst']) {
        const res = await call('GET', `${baseUrl}/v1/analytics/${path}${path.includes('?') ? '&' : '?'}${range}`, keys[role]);
        expect({ path, role, status: res.status }).toEqual({ path, role, status: 200 });
      }
    }
    const volumes = await call('GET', `${baseUrl}/v1/analytics/volumes?${range}`, keys.supervisor);
    expect((volumes.body.items ?? []).length).toBeGreaterThan(0);
  });

  it('are scoped to the key’s tenant', async () => {
    const res = await call('GET', `${baseUrl}/v1/analytics/volumes?${range}`, keys.otherAdmin);
    expect(res).toEqual({ status: 200, body: { items: [] } });
  });

  it('refuse agents, missing keys and bad input with the reason', async () => {
    expect((await call('GET', `${baseUrl}/v1/analytics/volumes?${range}`, keys.agent)).status).toBe(403);
    expect((await call('GET', `${baseUrl}/v1/analytics/volumes?${range}`)).status).toBe(401);
    const tz = await call('GET', `${baseUrl}/v1/analytics/volumes?${range}&timeZone=Mars/Olympus`, keys.supervisor);
    expect(tz.status).toBe(400);
    expect(String(tz.body.message)).toMatch(/time zone/);
    const backwards = await call('GET', `${baseUrl}/v1/analytics/volumes?from=2026-03-05T00:00:00Z&to=2026-03-01T00:00:00Z`, keys.supervisor);
    expect(backwards.status).toBe(400);
    expect(String(backwards.body.message)).toMatch(/after from/);
    expect((await call('GET', `${baseUrl}/v1/analytics/sla/breaches?${range}&by=weather`, keys.supervisor)).status).toBe(400);
  });
});

describe('analyst SQL', () => {
  const sql = (body: unknown, key = ANALYST_KEY) => call('POST', `${baseUrl}/v1/analytics/sql`, key, body);

  it('runs a parameterized SELECT across tenants with the platform analyst key', async () => {
    const res = await sql({ sql: 'SELECT count() AS n FROM parley.message_facts WHERE tenant_id = {tenant:String}', params: { tenant: tenantId } });
    expect(res.status).toBe(200);
    expect(Number((res.body.rows as { n: unknown }[])[0]!.n)).toBeGreaterThan(0);
  });

  it('is only for the platform analyst key', async () => {
    expect((await sql({ sql: 'SELECT 1' }, keys.admin)).status).toBe(401);
    expect((await sql({ sql: 'SELECT 1' }, ADMIN_KEY)).status).toBe(401);
  });

  it('refuses writes, DDL, several statements, files and oversized answers', async () => {
    const refused = async (statement: string, reason: RegExp) => {
      const res = await sql({ sql: statement });
      expect({ statement, status: res.status }).toEqual({ statement, status: 400 });
      expect(String(res.body.message)).toMatch(reason);
    };
    await refused("INSERT INTO parley.service_levels (tenant_id) VALUES ('x')", /only SELECT/);
    await refused('DROP TABLE parley.message_facts', /only SELECT/);
    await refused('SELECT 1; DROP TABLE parley.message_facts', /not one valid statement/);
    await refused("SELECT * FROM file('/etc/hostname', 'LineAsString')", /readonly/);
    await refused('SELECT number FROM numbers(100000)', /Limit for result exceeded/);
    await refused('SELECT 1 SETTINGS readonly = 0', /readonly/);
    const still = await sql({ sql: 'SELECT count() AS n FROM parley.message_facts' });
    expect(Number((still.body.rows as { n: unknown }[])[0]!.n)).toBeGreaterThan(0);
  });
});
