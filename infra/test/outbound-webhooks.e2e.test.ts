import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorkers, type Workers } from '@parley/workers';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunningPlatform, type TestTenant } from './support/running-platform.ts';

/**
 * Tenants' outbound webhooks end to end: subscriptions through the command API, events
 * delivered by the workers to a local receiver, signatures checked with the
 * `standardwebhooks` package (a receiver's view), retries on the documented schedule on a
 * fast clock, 410 disabling, test sends, replays, and the delivery log on the query API.
 */

/** The workers' clock runs this many times faster than real time: 5 min of schedule take 150 ms. */
const FAST = 2_000;
const started = Date.now();
const fastClock = () => new Date(started + (Date.now() - started) * FAST);

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A receiver that answers each path from its script (then 200), and keeps what it got. */
class Receiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, { status: number; headers?: Record<string, string> }[]>();
  /** Paths that answer only after this long: an endpoint that hangs. */
  readonly slow = new Map<string, number>();
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<Receiver> {
    let receiver!: Receiver;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        receiver.received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString(), at: Date.now() });
        const next = receiver.scripts.get(path)?.shift() ?? { status: 200 };
        setTimeout(
          () => res.writeHead(next.status, { 'content-type': 'text/plain', ...next.headers }).end(`answered ${next.status}`),
          receiver.slow.get(path) ?? 0,
        );
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    receiver = new Receiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return receiver;
  }

  answer(path: string, ...answers: { status: number; headers?: Record<string, string> }[]) {
    this.scripts.set(path, answers);
  }

  at(path: string) {
    return this.received.filter((r) => r.path === path);
  }

  close() {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(resolve));
  }
}

let platform: RunningPlatform;
let workers: Workers;
let receiver: Receiver;
let tenant: TestTenant;

beforeAll(async () => {
  platform = await RunningPlatform.start('outbound_webhooks', { webhooks: { allowLoopback: true } });
  receiver = await Receiver.start();
  tenant = await platform.tenant('hooked', 1);
  workers = await createWorkers({
    databaseUrl: platform.db.connectionString,
    store: platform.command.store,
    secretKey: platform.secretKey,
    redisUrl: 'redis://127.0.0.1:6379',
    whatsapp: { apiUrl: 'http://127.0.0.1:9' },
    queuePrefix: `test-${randomUUID()}`,
    webhooks: { allowLoopback: true },
    clock: fastClock,
  });
});

afterAll(async () => {
  await workers?.close();
  await receiver?.close();
  await platform?.stop();
});

async function subscribe(path: string, eventTypes: string[]): Promise<{ subscriptionId: string; secret: string }> {
  return platform.cmd('/v1/webhook-subscriptions', { url: `${receiver.url}${path}`, eventTypes }, tenant.adminKey);
}

async function until<T>(what: string, find: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await debugState())}`);
    await sleep(20);
  }
}

async function debugState() {
  const res = await platform.get<{ items: { subscriptionId: string }[] }>('/v1/webhook-subscriptions', tenant.adminKey);
  const out: unknown[] = [];
  for (const s of res.body.items ?? []) out.push({ s, d: await deliveries(s.subscriptionId) });
  return { out, received: receiver.received.map((r) => r.path) };
}

interface Delivery {
  deliveryId: string;
  webhookId: string;
  type: string;
  state: string;
  attempts: { attempt: number; at: string; outcome: string; httpStatus: number | null; responseExcerpt: string | null }[];
}
const deliveries = async (subscriptionId: string) =>
  (await platform.get<{ items?: Delivery[] }>(`/v1/webhook-subscriptions/${subscriptionId}/deliveries`, tenant.adminKey)).body.items ?? [];

describe('outbound webhooks', () => {
  it('refuses internal targets, and loopback without the development setting', async () => {
    for (const url of ['https://10.0.0.7/hook', 'https://169.254.169.254/latest/meta-data', 'https://[fd00::1]/x', 'ftp://example.com']) {
      const res = await platform.call(platform.commandUrl, 'POST', '/v1/webhook-subscriptions', tenant.adminKey, { url, eventTypes: ['*'] });
      expect({ url, status: res.status }).toEqual({ url, status: 422 });
    }
    const unknownType = await platform.call(platform.commandUrl, 'POST', '/v1/webhook-subscriptions', tenant.adminKey, {
      url: `${receiver.url}/x`,
      eventTypes: ['message.exploded'],
    });
    expect(unknownType.status).toBe(422);

    // A platform without PARLEY_WEBHOOKS_ALLOW_LOOPBACK: the same loopback URL is refused.
    const strict = await RunningPlatform.start('outbound_webhooks_strict');
    try {
      const t = await strict.tenant('strict', 1);
      const res = await strict.call<{ message: string }>(strict.commandUrl, 'POST', '/v1/webhook-subscriptions', t.adminKey, {
        url: `${receiver.url}/x`,
        eventTypes: ['*'],
      });
      expect(res.status).toBe(422);
      expect(res.body.message).toMatch(/loopback/);
    } finally {
      await strict.stop();
    }
  });

  it('delivers subscribed events, signed as Standard Webhooks, with the documented payloads', async () => {
    const { subscriptionId, secret } = await subscribe('/crm', ['conversation.opened', 'message.received']);
    expect(secret).toMatch(/^whsec_/);
    const { conversationId } = await platform.customerWrites(tenant, '5215560000001', 'Quiero comprar');

    const got = await until('two deliveries', () => receiver.at('/crm').length >= 2 && receiver.at('/crm'));
    const verifier = new Webhook(secret);
    const payloads = got.map(
      (r) => verifier.verify(r.body, r.headers as Record<string, string>) as { type: string; timestamp: string; data: Record<string, unknown> },
    );
    expect(payloads.map((p) => p.type).sort()).toEqual(['conversation.opened', 'message.received']);
    const received = payloads.find((p) => p.type === 'message.received')!;
    expect(received.data).toMatchObject({ conversationId, type: 'text', text: 'Quiero comprar' });
    // A receiver that checks signatures refuses a body that was changed.
    expect(() => verifier.verify(`${got[0]!.body} `, got[0]!.headers as Record<string, string>)).toThrow();

    const log = await until('the delivery log', async () => {
      const items = await deliveries(subscriptionId);
      return items.length === 2 && items.every((d) => d.state === 'delivered') && items;
    });
    expect(log.every((d) => d.attempts.length === 1 && d.attempts[0]!.httpStatus === 200)).toBe(true);
    expect(new Set(got.map((r) => r.headers['webhook-id']))).toEqual(new Set(log.map((d) => d.webhookId)));
  });

  it('retries on the schedule, honours Retry-After, keeps the webhook-id and signs each attempt afresh', async () => {
    const { subscriptionId, secret } = await subscribe('/flaky', ['message.received']);
    receiver.answer('/flaky', { status: 500 }, { status: 503 }, { status: 429, headers: { 'retry-after': '3600' } });
    await platform.customerWrites(tenant, '5215560000002', 'Hola');

    const log = await until(
      'a delivery after three failures',
      async () => {
        const [d] = await deliveries(subscriptionId);
        return d?.state === 'delivered' && d;
      },
      15_000,
    );
    expect(log.attempts.map((a) => [a.attempt, a.httpStatus, a.outcome])).toEqual([
      [1, 500, 'retrying'],
      [2, 503, 'retrying'],
      [3, 429, 'retrying'],
      [4, 200, 'delivered'],
    ]);
    // The gaps, on the workers' clock: 5 s, then 5 min, then the 1 h Retry-After (above the 30 min step).
    const at = log.attempts.map((a) => Date.parse(a.at));
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(5_000);
    expect(gaps[1]).toBeGreaterThanOrEqual(5 * 60_000);
    expect(gaps[2]).toBeGreaterThanOrEqual(3_600_000);
    expect(gaps[2]).toBeLessThan(2 * 3_600_000);

    const attempts = receiver.at('/flaky');
    expect(attempts).toHaveLength(4);
    expect(new Set(attempts.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const r of attempts) {
      // Each attempt is stamped when it is sent (not when the event happened) and signed with that stamp.
      expect(Math.abs(Number(r.headers['webhook-timestamp']) - r.at / 1000)).toBeLessThan(2);
      expect(() => new Webhook(secret).verify(r.body, r.headers as Record<string, string>)).not.toThrow();
    }
  });

  it('disables a subscription whose endpoint answers 410, and tells the tenant through its other subscriptions', async () => {
    const watcher = await subscribe('/watcher', ['webhook.subscription_disabled']);
    const { subscriptionId } = await subscribe('/gone', ['message.received']);
    receiver.answer('/gone', { status: 410 });
    await platform.customerWrites(tenant, '5215560000003', 'Hola');

    const subscriptions = await until('the subscription disabled', async () => {
      const res = await platform.get<{ items: { subscriptionId: string; active: boolean; disabledReason: string | null }[] }>(
        '/v1/webhook-subscriptions',
        tenant.adminKey,
      );
      const s = res.body.items.find((i) => i.subscriptionId === subscriptionId);
      return s && !s.active && s;
    });
    expect(subscriptions.disabledReason).toBe('gone');
    const told = await until('the watcher told', () => receiver.at('/watcher').length >= 1 && receiver.at('/watcher'));
    const payload = new Webhook(watcher.secret).verify(told[0]!.body, told[0]!.headers as Record<string, string>);
    expect(payload).toMatchObject({ type: 'webhook.subscription_disabled', data: { subscriptionId, reason: 'gone' } });

    // Disabled: later events are not delivered to it.
    await platform.customerWrites(tenant, '5215560000004', 'Hola otra vez');
    await sleep(500);
    expect(receiver.at('/gone')).toHaveLength(1);
  });

  it('sends a test event, and replays a delivery with the same webhook-id', async () => {
    const { subscriptionId, secret } = await subscribe('/ops', ['message.received']);
    const test = await platform.cmd<{ deliveryId: string }>(`/v1/webhook-subscriptions/${subscriptionId}/test`, {}, tenant.adminKey);
    const [first] = await until('the test event', () => receiver.at('/ops').length >= 1 && receiver.at('/ops'));
    expect(new Webhook(secret).verify(first!.body, first!.headers as Record<string, string>)).toMatchObject({ type: 'webhook.test', data: { subscriptionId } });
    await until('the test delivery logged', async () =>
      (await deliveries(subscriptionId)).find((d) => d.deliveryId === test.deliveryId && d.state === 'delivered'),
    );

    await platform.cmd(`/v1/webhook-subscriptions/${subscriptionId}/deliveries/${test.deliveryId}/replay`, {}, tenant.adminKey);
    const [, again] = await until('the replay', () => receiver.at('/ops').length >= 2 && receiver.at('/ops'));
    expect(again!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    const logged = await until('the replay logged', async () =>
      (await deliveries(subscriptionId)).find((d) => d.deliveryId === test.deliveryId && d.attempts.length === 2),
    );
    expect(logged.attempts.map((a) => a.outcome)).toEqual(['delivered', 'delivered']);
  });

  it("one tenant's hanging endpoint does not hold another tenant's deliveries", async () => {
    const other = await platform.tenant('elsewhere', 1);
    receiver.slow.set('/hangs', 4_000);
    await subscribe('/hangs', ['*']);
    // Sixty deliveries owed to the hanging endpoint: more than every worker slot of a shared queue (50).
    for (let i = 0; i < 30; i++) await platform.customerWrites(tenant, `52155700${String(i).padStart(5, '0')}`, 'hola');
    await until('the hanging endpoint busy', () => receiver.at('/hangs').length >= 10);
    const { subscriptionId } = await platform.cmd<{ subscriptionId: string }>(
      '/v1/webhook-subscriptions',
      { url: `${receiver.url}/prompt`, eventTypes: ['message.received'] },
      other.adminKey,
    );
    expect(subscriptionId).toBeTruthy();
    const asked = Date.now();
    await platform.customerWrites(other, '5215580000001', 'hola');
    const [got] = await until('the other tenant served', () => receiver.at('/prompt').length >= 1 && receiver.at('/prompt'));
    expect(got!.at - asked).toBeLessThan(2_000);
    receiver.slow.delete('/hangs');
  }, 40_000);
});
