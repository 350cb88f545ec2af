import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandPlatform, createCommandPlatform } from '@parley/command';
import { createTestDatabase, type TestDatabase } from '@parley/events/testing';
import { type AnalystLimits, type Analytics, createAnalytics } from '@parley/projections/analytics';
import { appendGenerated, generateConversations } from '@parley/projections/testing';
import { createQueryPlatform, type QueryPlatform, registerAnalyticsRoutes } from '@parley/query';

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { items?: Record<string, unknown>[]; rows?: Record<string, unknown>[] };
  text: string;
}

/**
 * The analytics endpoints over real HTTP: tenants and keys made through the command API,
 * conversations generated into the same log, the projector into an embedded chDB.
 * Acme and Other have generated traffic; Empty has none.
 */
export class AnalyticsApi {
  readonly keys: Record<string, string> = {};
  readonly tenants: Record<'acme' | 'other' | 'empty', string> = { acme: '', other: '', empty: '' };
  /** Conversation ids of each tenant. */
  readonly conversationsOf: Record<string, Set<string>> = {};
  acmeTeam = '';
  acmeAgent = '';
  now = new Date();
  range = '';
  baseUrl = '';

  private constructor(
    readonly db: TestDatabase,
    readonly platform: CommandPlatform,
    readonly commandUrl: string,
    readonly dataDir: string,
    readonly adminKey: string,
    readonly analystKey: string,
  ) {}

  analytics!: Analytics;
  query!: QueryPlatform;
  get app() {
    return this.query.app;
  }

  static async start(label: string, options: { analystLimits?: Partial<AnalystLimits>; conversationsPerTenant?: number } = {}): Promise<AnalyticsApi> {
    const adminKey = `${label}-platform-admin-key-0123456789`;
    const analystKey = `${label}-platform-analyst-key-0123456789`;
    const db = await createTestDatabase(label);
    const platform = await createCommandPlatform({
      databaseUrl: db.connectionString,
      eventStoreUrl: null,
      platformAdminKey: adminKey,
      secretKey: randomBytes(32).toString('base64'),
    });
    const commandUrl = await platform.app.listen({ host: '127.0.0.1', port: 0 });
    const api = new AnalyticsApi(db, platform, commandUrl, mkdtempSync(join(tmpdir(), `parley-chdb-${label}-`)), adminKey, analystKey);
    const { keys, tenants } = api;

    for (const [who, name] of [
      ['acme', 'Acme'],
      ['other', 'Other'],
      ['empty', 'Empty'],
    ] as const) {
      const tenant = await api.call('POST', `${commandUrl}/v1/tenants`, adminKey, { name, admin: { name: `${name} admin`, email: `admin@${who}.test` } });
      tenants[who] = String(tenant.body.tenantId);
      const prefix = who === 'acme' ? '' : who;
      const admin = String(tenant.body.apiKey);
      keys[prefix ? `${prefix}Admin` : 'admin'] = admin;
      for (const role of ['supervisor', 'agent', 'analyst'] as const) {
        const user = await api.call('POST', `${commandUrl}/v1/users`, admin, { name: role, email: `${role}@${who}.test`, role });
        keys[prefix ? `${prefix}${role[0]!.toUpperCase()}${role.slice(1)}` : role] = String(user.body.apiKey);
      }
    }

    // Generated conversations of the first generated tenant land in Acme, the second's in Other.
    const gen = generateConversations({ seed: 99, conversationsPerTenant: options.conversationsPerTenant ?? 25 });
    const into = new Map([
      [gen.tenants[0]!.tenantId, tenants.acme],
      [gen.tenants[1]!.tenantId, tenants.other],
    ]);
    const events = gen.events.map((e) => ({ ...e, metadata: { ...e.metadata, tenantId: into.get(e.metadata.tenantId)! } }));
    for (const e of events) {
      if (e.event.type !== 'ConversationOpened') continue;
      (api.conversationsOf[e.metadata.tenantId] ??= new Set()).add(e.event.data.conversationId);
    }
    api.acmeTeam = gen.tenants[0]!.teams[1]!.teamId;
    api.acmeAgent = gen.tenants[0]!.agents[1]!;
    await appendGenerated(platform.store, events);
    api.now = gen.now;
    api.range = `from=${encodeURIComponent(gen.from.toISOString())}&to=${encodeURIComponent(gen.to.toISOString())}`;

    api.analytics = await createAnalytics({
      store: platform.store,
      clickhouse: { url: null, dataDir: api.dataDir, database: 'parley', cluster: null },
      ...(options.analystLimits ? { analystLimits: options.analystLimits } : {}),
    });
    await api.analytics.start();
    await api.analytics.projector.waitFor();

    // The query API as the query process mounts the analytics endpoints, with its inbox
    // projector: the read side authenticates from the inbox's identity tables.
    api.query = await createQueryPlatform({
      databaseUrl: db.connectionString,
      store: platform.store,
      platformAdminKey: adminKey,
      platformAnalystKey: analystKey,
      runProjectors: true,
      extend: (app) => registerAnalyticsRoutes(app, { analytics: api.analytics, clock: () => api.now }),
    });
    api.baseUrl = await api.query.app.listen({ host: '127.0.0.1', port: 0 });
    return api;
  }

  async call(method: string, url: string, key?: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: JSON.parse(text) as Answer['body'], text };
  }

  /** POST /v1/analytics/sql with a key (the platform analyst's by default). */
  sql(sql: string, key = this.analystKey, params?: Record<string, string | number | boolean>) {
    return this.call('POST', `${this.baseUrl}/v1/analytics/sql`, key, params ? { sql, params } : { sql });
  }

  async stop() {
    await this.query?.close();
    await this.analytics?.close();
    await this.platform.close();
    await this.db.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
