import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandPlatform, createCommandPlatform } from '@parley/command';
import { FakeStripe, signBody, textMessage, webhookEnvelope } from '@parley/command/testing';
import { createTestDatabase, type TestDatabase } from '@parley/events/testing';
import { type Analytics, createAnalytics } from '@parley/projections/analytics';
import { createQueryPlatform, type QueryPlatform, registerAnalyticsRoutes, registerUsageRoutes } from '@parley/query';

export const ADMIN_KEY = 'test-platform-admin-key-0123456789';
export const ANALYST_KEY = 'test-platform-analyst-key-0123456789';
/** Stripe's webhook signing secret the command API is started with (the fake Stripe signs with it). */
export const STRIPE_SECRET = 'whsec_test_platform_stripe_secret_0123';

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface TestTenant {
  tenantId: string;
  adminKey: string;
  supervisor: { userId: string; key: string };
  agents: { userId: string; key: string }[];
  teamId: string;
  phoneNumberId: string;
  appSecret: string;
}

/** Command API and query API (with in-process projectors) on real ports over one database of their own. */
export class RunningPlatform {
  private constructor(
    readonly db: TestDatabase,
    readonly command: CommandPlatform,
    readonly query: QueryPlatform,
    readonly commandUrl: string,
    readonly queryUrl: string,
    /** With `analytics: true`: the ClickHouse side (embedded chDB) as the query process runs it. */
    readonly analytics: Analytics | null,
    /** The embedded chDB's data directory (with `analytics: true`): a second database there can replay the log. */
    readonly chdbDir: string | null,
    /** The platform secret the command side sealed numbers' secrets with (workers open them). */
    readonly secretKey: string,
  ) {}

  static async start(
    label: string,
    options: { runProjectors?: boolean; batchSize?: number; analytics?: boolean; stallAfterSeconds?: number; webhooks?: { allowLoopback: boolean } } = {},
  ): Promise<RunningPlatform> {
    const db = await createTestDatabase(label);
    const secretKey = randomBytes(32).toString('base64');
    const command = await createCommandPlatform({
      databaseUrl: db.connectionString,
      eventStoreUrl: null,
      platformAdminKey: ADMIN_KEY,
      secretKey,
      stripeWebhookSecrets: [STRIPE_SECRET],
      ...(options.webhooks && { webhooks: options.webhooks }),
    });
    let analytics: Analytics | null = null;
    let chdbDir: string | null = null;
    if (options.analytics) {
      chdbDir = mkdtempSync(join(tmpdir(), 'parley-query-chdb-'));
      analytics = await createAnalytics({ store: command.store, clickhouse: { url: null, dataDir: chdbDir, database: 'parley', cluster: null } });
      await analytics.start();
    }
    const withAnalytics = analytics;
    const query = await createQueryPlatform({
      databaseUrl: db.connectionString,
      store: command.store,
      platformAdminKey: ADMIN_KEY,
      platformAnalystKey: ANALYST_KEY,
      runProjectors: options.runProjectors ?? true,
      projectorBatchSize: options.batchSize,
      ...(options.stallAfterSeconds !== undefined && { stallAfterSeconds: options.stallAfterSeconds }),
      ...(withAnalytics && {
        moreProjectors: [withAnalytics.projector, withAnalytics.usage],
        extend: (app) => {
          registerAnalyticsRoutes(app, { analytics: withAnalytics, clock: () => new Date() });
          registerUsageRoutes(app, { analytics: withAnalytics });
        },
      }),
    });
    const commandUrl = await command.app.listen({ host: '127.0.0.1', port: 0 });
    const queryUrl = await query.app.listen({ host: '127.0.0.1', port: 0 });
    return new RunningPlatform(db, command, query, commandUrl, queryUrl, analytics, chdbDir, secretKey);
  }

  /** A fake Stripe that posts signed events to this platform's command API. */
  stripe(clock: () => Date = () => new Date()): FakeStripe {
    return new FakeStripe(`${this.commandUrl}/webhooks/stripe`, STRIPE_SECRET, clock);
  }

  async stop(): Promise<void> {
    await this.query.close();
    await this.analytics?.close();
    await this.command.close();
    await this.db.drop();
    if (this.chdbDir) rmSync(this.chdbDir, { recursive: true, force: true });
  }

  async put<T = any>(path: string, body: unknown, key: string): Promise<T> {
    const res = await this.call<T>(this.commandUrl, 'PUT', path, key, body);
    if (res.status >= 300) throw new Error(`PUT ${path} → ${res.status}: ${res.text}`);
    return res.body;
  }

  async call<T>(base: string, method: string, path: string, key: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const h: Record<string, string> = { ...headers };
    if (key) h.authorization = `Bearer ${key}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, body: parsed as T, headers: res.headers, text };
  }

  /** A command; fails the test unless it succeeds. */
  async cmd<T = any>(path: string, body: unknown, key: string): Promise<T> {
    const res = await this.call<T>(this.commandUrl, 'POST', path, key, body);
    if (res.status >= 300) throw new Error(`POST ${path} → ${res.status}: ${res.text}`);
    return res.body;
  }

  get<T = any>(path: string, key: string | undefined, headers?: Record<string, string>): Promise<Answer<T>> {
    return this.call<T>(this.queryUrl, 'GET', path, key, undefined, headers);
  }

  post<T = any>(path: string, body: unknown, key: string | undefined): Promise<Answer<T>> {
    return this.call<T>(this.queryUrl, 'POST', path, key, body);
  }

  async tenant(name: string, agentCount = 2, options: { accessToken?: string } = {}): Promise<TestTenant> {
    const t = await this.cmd<{ tenantId: string; apiKey: string }>('/v1/tenants', { name, admin: { name: 'Admin', email: `admin@${name}.test` } }, ADMIN_KEY);
    const user = async (n: string, role: string) => {
      const u = await this.cmd<{ userId: string; apiKey: string }>('/v1/users', { name: n, email: `${n}@${name}.test`, role }, t.apiKey);
      return { userId: u.userId, key: u.apiKey };
    };
    const supervisor = await user('sofia', 'supervisor');
    const agents = [];
    for (let i = 0; i < agentCount; i++) agents.push(await user(`agent${i}`, 'agent'));
    const team = await this.cmd<{ teamId: string }>('/v1/teams', { name: 'Support' }, t.apiKey);
    for (const a of [supervisor, ...agents]) await this.cmd(`/v1/teams/${team.teamId}/agents`, { userId: a.userId }, t.apiKey);
    const phoneNumberId = String(randomInt(100_000_000_000, 999_999_999_999));
    const appSecret = randomBytes(16).toString('hex');
    await this.cmd(
      '/v1/whatsapp-numbers',
      {
        phoneNumberId,
        displayPhoneNumber: '+1 555 0100',
        appSecret,
        verifyToken: 'verify-token-123',
        ...(options.accessToken && { accessToken: options.accessToken }),
      },
      t.apiKey,
    );
    return { tenantId: t.tenantId, adminKey: t.apiKey, supervisor, agents, teamId: team.teamId, phoneNumberId, appSecret };
  }

  /**
   * A tenant with `count` WhatsApp numbers that can send, each also registered with `fake`
   * (the fake Cloud API): one TestTenant per number, alike but for the number's id and app secret.
   */
  async sendingTenant(
    name: string,
    count: number,
    fake: { addNumber(phoneNumberId: string, n: { accessToken: string; appSecret: string; throughputPerSecond?: number }): void },
    options: { throughputPerSecond?: number } = {},
  ): Promise<TestTenant[]> {
    const token = () => `EAAG-${name}-${randomBytes(12).toString('hex')}`;
    const first = token();
    const tenant = await this.tenant(name, 1, { accessToken: first });
    fake.addNumber(tenant.phoneNumberId, { accessToken: first, appSecret: tenant.appSecret, ...options });
    const senders = [tenant];
    for (let i = 1; i < count; i++) {
      const phoneNumberId = String(randomInt(100_000_000_000, 999_999_999_999));
      const appSecret = randomBytes(16).toString('hex');
      const accessToken = token();
      await this.cmd(
        '/v1/whatsapp-numbers',
        { phoneNumberId, displayPhoneNumber: `+1 555 ${1000 + i}`, appSecret, verifyToken: 'verify-token-123', accessToken },
        tenant.adminKey,
      );
      fake.addNumber(phoneNumberId, { accessToken, appSecret, ...options });
      senders.push({ ...tenant, phoneNumberId, appSecret });
    }
    return senders;
  }

  /** Posts a signed webhook; answers the positions WhatsApp's delivery was written at. */
  async webhook(tenant: TestTenant, payload: unknown): Promise<{ positions: string[] }> {
    const raw = JSON.stringify(payload);
    const res = await fetch(`${this.commandUrl}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, tenant.appSecret) },
      body: raw,
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`webhook → ${res.status}: ${text}`);
    return JSON.parse(text) as { positions: string[] };
  }

  /** A customer writes: the conversation id, found through the query API, and the write's position. */
  async customerWrites(tenant: TestTenant, waId: string, body: string, name = 'Customer'): Promise<{ conversationId: string; position: string }> {
    const { positions } = await this.webhook(
      tenant,
      webhookEnvelope({ phoneNumberId: tenant.phoneNumberId, contacts: [{ waId, name }], messages: [textMessage({ from: waId, body })] }),
    );
    const position = lastPosition(positions);
    const list = await this.get(`/v1/conversations?minPosition=${position}&limit=100`, tenant.adminKey);
    const found = (list.body.items as { id: string; contactWaId: string; status: string }[]).find((c) => c.contactWaId === waId && c.status !== 'closed');
    if (!found) throw new Error(`no open conversation for ${waId}`);
    return { conversationId: found.id, position };
  }
}

/** The furthest of a webhook's positions (PostgreSQL positions are integers). */
export const lastPosition = (positions: readonly string[]): string => positions.reduce((a, b) => (BigInt(b) > BigInt(a) ? b : a), positions[0] ?? '0');
