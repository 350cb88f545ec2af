import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QuotaAlerts } from '@parley/command';
import { createWorkers, type Workers } from '@parley/workers';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, RunningPlatform, type TestTenant } from './support/running-platform.ts';

/**
 * Quota alerts end to end: customers' messages through the signed WhatsApp webhook,
 * metered by the usage projector (chDB), read by the workers' billing job over the query
 * API; `UsageQuotaReached` recorded once per threshold however often (and however
 * concurrently) the job runs, and delivered as `usage.quota_reached` to a subscriber that
 * checks the signature with the `standardwebhooks` package.
 */
let platform: RunningPlatform;
let acme: TestTenant;
let other: TestTenant;
let workers: Workers;
let receiver: Server;
let receiverUrl: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

const INCLUDED = 5;
const terms = {
  name: 'Quota',
  currency: 'EUR',
  cycle: 'monthly',
  alignment: 'calendar',
  rank: 1,
  flatFee: 1000,
  charges: [
    { meter: 'messages_received', includedUnits: INCLUDED, price: { model: 'per_unit', unitPrice: '100' } },
    // No included units: never alerted on, however much is used.
    { meter: 'conversations_opened', includedUnits: 0, price: { model: 'per_unit', unitPrice: '1' } },
  ],
  minimumCommitment: null,
  trialDays: 0,
};
let period: { start: string; end: string };

async function until<T>(what: string, read: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let messages = 0;
async function customerWrites(n: number) {
  for (let i = 0; i < n; i++) {
    messages++;
    // A new sender each time: every message also opens a conversation (the meter with no included units).
    await platform.customerWrites(acme, `49151240${String(messages).padStart(4, '0')}`, `message ${messages}`);
  }
  await platform.analytics!.usage.waitFor(await platform.command.store.headPosition());
}

const quotaEvents = async (meter: string) =>
  (await platform.command.store.readStream(`usage_quota-${QuotaAlerts.quotaId(acme.tenantId, period.start, meter)}`)).map((e) => e.data as any);

/** Two jobs at once, then one more: every run checks again. */
async function runThrice(): Promise<number> {
  const reports = [...(await Promise.all([workers.billing!.runOnce(), workers.billing!.runOnce()])), await workers.billing!.runOnce()];
  expect(reports.map((r) => r.failed)).toEqual([0, 0, 0]);
  return reports.reduce((n, r) => n + r.quotaAlerts, 0);
}

beforeAll(async () => {
  platform = await RunningPlatform.start('quota_alerts', { analytics: true, webhooks: { allowLoopback: true } });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(204).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/parley`;
  acme = await platform.tenant('acme', 1);
  // A tenant with no plan: nothing to check.
  other = await platform.tenant('other', 1);
  await platform.put('/v1/plans/quota', terms, ADMIN_KEY);
  const chosen = await platform.cmd('/v1/billing/plan', { planKey: 'quota', timeZone: 'UTC' }, acme.adminKey);
  const started = new Date(chosen.subscription.startedAt);
  period = {
    start: new Date(Date.UTC(started.getUTCFullYear(), started.getUTCMonth(), 1)).toISOString(),
    end: new Date(Date.UTC(started.getUTCFullYear(), started.getUTCMonth() + 1, 1)).toISOString(),
  };
  await until(
    'the plan read model',
    () => platform.get('/v1/billing/plan', acme.adminKey),
    (r) => r.status === 200 && r.body.subscription !== null,
  );
  workers = await createWorkers({
    databaseUrl: platform.db.connectionString,
    store: platform.command.store,
    secretKey: platform.secretKey,
    redisUrl: 'redis://127.0.0.1:6379',
    whatsapp: { apiUrl: 'http://127.0.0.1:9' },
    queuePrefix: `test-${randomUUID()}`,
    webhooks: { allowLoopback: true },
    // Hourly: the tests run the job themselves.
    billing: { everyMs: 3_600_000, graceMs: 3 * 86_400_000, taxRatePercent: '0', usageUrl: platform.queryUrl, adminKey: ADMIN_KEY },
  });
}, 120_000);

afterAll(async () => {
  await workers?.close();
  receiver?.closeAllConnections();
  receiver?.close();
  await platform?.stop();
});

describe('quota alerts', () => {
  let secret: string;

  it('alerts nothing below 80 % of the included units', async () => {
    ({ secret } = await platform.cmd<{ secret: string }>(
      '/v1/webhook-subscriptions',
      { url: receiverUrl, eventTypes: ['usage.quota_reached'] },
      acme.adminKey,
    ));
    await customerWrites(3);
    expect(await runThrice()).toBe(0);
    expect(await quotaEvents('messages_received')).toEqual([]);
  });

  it('records 80 % once, whichever of the concurrent and repeated runs finds it', async () => {
    await customerWrites(1);
    expect(await runThrice()).toBe(1);
    expect(await quotaEvents('messages_received')).toEqual([
      { tenantId: acme.tenantId, meter: 'messages_received', period, threshold: 80, includedUnits: INCLUDED, usedUnits: 4, at: expect.any(String) },
    ]);
  });

  it('records 100 % once, past the included units', async () => {
    await customerWrites(2);
    expect(await runThrice()).toBe(1);
    const events = await quotaEvents('messages_received');
    expect(events.map((e) => [e.threshold, e.usedUnits])).toEqual([
      [80, 4],
      [100, 6],
    ]);
    expect(await runThrice()).toBe(0);
    // Six conversations opened on a meter with no included units: no alert.
    expect(await quotaEvents('conversations_opened')).toEqual([]);
  });

  it('delivers usage.quota_reached per threshold, signed', async () => {
    const got = await until(
      'two deliveries',
      () => received,
      (r) => r.length >= 2,
    );
    // Deliveries are settled: no third one follows.
    await new Promise((r) => setTimeout(r, 1000));
    expect(received).toHaveLength(2);
    const verifier = new Webhook(secret);
    const payloads = got.map(
      (r) => verifier.verify(r.body, r.headers as Record<string, string>) as { type: string; timestamp: string; data: Record<string, unknown> },
    );
    expect(payloads.map((p) => p.type)).toEqual(['usage.quota_reached', 'usage.quota_reached']);
    expect(payloads.map((p) => p.data)).toEqual(
      [
        [80, 4],
        [100, 6],
      ].map(([thresholdPercent, usedUnits]) => ({
        meter: 'messages_received',
        periodStart: period.start,
        periodEnd: period.end,
        thresholdPercent,
        includedUnits: INCLUDED,
        usedUnits,
      })),
    );
    expect(() => verifier.verify(`${got[0]!.body} `, got[0]!.headers as Record<string, string>)).toThrow();
  });

  it('lists the alerts on the query API, newest first, for the tenant only', async () => {
    const alerts = await until(
      'the alerts read model',
      () => platform.get<{ items: any[] }>('/v1/billing/quota-alerts', acme.adminKey),
      (r) => r.body.items?.length === 2,
    );
    expect(alerts.body.items).toEqual([
      { meter: 'messages_received', period, threshold: 100, includedUnits: INCLUDED, usedUnits: 6, at: expect.any(String) },
      { meter: 'messages_received', period, threshold: 80, includedUnits: INCLUDED, usedUnits: 4, at: expect.any(String) },
    ]);
    expect((await platform.get(`/v1/billing/quota-alerts?tenantId=${acme.tenantId}`, ADMIN_KEY)).body.items).toHaveLength(2);
    expect((await platform.get('/v1/billing/quota-alerts', other.adminKey)).body).toEqual({ items: [] });
    expect((await platform.get('/v1/billing/quota-alerts', acme.agents[0]!.key)).status).toBe(403);
    expect((await platform.get('/v1/billing/quota-alerts', ADMIN_KEY)).status).toBe(400);
  });
});
