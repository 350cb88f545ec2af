import { randomBytes } from 'node:crypto';
import { signBody } from '@parley/command/testing';
import { type RecordedEvent, START } from '@parley/events';
import { createTestDatabase, type TestDatabase } from '@parley/events/testing';
import { type CommandPlatform, type CommandPlatformOptions, createCommandPlatform } from '../../src/command-platform.ts';

export const ADMIN_KEY = 'test-platform-admin-key-0123456789';

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  text: string;
}

/** The command API on a real port over a database of its own, with a clock the test moves. */
export class RunningCommandApi {
  /** Starts at the real time: webhook fixtures stamp messages with it. */
  now = new Date();

  private constructor(
    readonly platform: CommandPlatform,
    readonly db: TestDatabase,
    readonly baseUrl: string,
  ) {}

  static async start(
    label: string,
    options: Pick<CommandPlatformOptions, 'deadLetterLimits' | 'stripeWebhookSecrets' | 'dunning'> = {},
  ): Promise<RunningCommandApi> {
    const db = await createTestDatabase(label);
    let api: RunningCommandApi | undefined;
    const platform = await createCommandPlatform({
      databaseUrl: db.connectionString,
      eventStoreUrl: null,
      platformAdminKey: ADMIN_KEY,
      secretKey: randomBytes(32).toString('base64'),
      clock: () => new Date(api?.now ?? Date.now()),
      ...options,
    });
    const address = await platform.app.listen({ host: '127.0.0.1', port: 0 });
    api = new RunningCommandApi(platform, db, address);
    return api;
  }

  async stop() {
    await this.platform.close();
    await this.db.drop();
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { key?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, body: parsed as T, text };
  }

  post<T = Record<string, unknown>>(path: string, body: unknown, key?: string, headers?: Record<string, string>) {
    return this.request<T>('POST', path, { body, key, headers });
  }

  /** Posts a webhook body exactly as WhatsApp would: raw JSON bytes and their signature. */
  webhook(payload: unknown, appSecret: string, tamper?: (raw: string) => string) {
    const raw = JSON.stringify(payload);
    return this.request('POST', '/webhooks/whatsapp', {
      raw: tamper ? tamper(raw) : raw,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, appSecret) },
    });
  }

  async allEvents(): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    let after = START;
    for (;;) {
      const page = await this.platform.store.readAll({ after, maxCount: 5000 });
      out.push(...page.events);
      if (page.events.length < 5000) return out;
      after = page.next;
    }
  }
}
