import { newWamid, statusUpdate, webhookEnvelope } from '@parley/command/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, RunningPlatform, type TestTenant } from './support/running-platform.ts';

/**
 * The usage API over real HTTP: traffic through the WhatsApp webhook and the command
 * API, metered by the usage projector in chDB, read back by the billing role and the
 * platform admin; every other role refused, bad periods refused with their reason.
 */
let platform: RunningPlatform;
let acme: TestTenant;
let other: TestTenant;
let billingKey: string;
const quarter = 15 * 60_000;
const dayStart = (offset = 0) => new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 + offset * 86_400_000);
/** Half a day either side of now, on quarter hours: the test's traffic whatever the hour it runs at. */
const period = () =>
  `from=${new Date(Math.floor((Date.now() - 43_200_000) / quarter) * quarter).toISOString()}&to=${new Date(Math.ceil((Date.now() + 43_200_000) / quarter) * quarter).toISOString()}`;

beforeAll(async () => {
  platform = await RunningPlatform.start('usage_api', { analytics: true });
  acme = await platform.tenant('acme');
  other = await platform.tenant('other', 1);
  billingKey = (await platform.cmd<{ apiKey: string }>('/v1/users', { name: 'Bill', email: 'bill@acme.test', role: 'billing' }, acme.adminKey)).apiKey;
  await platform.customerWrites(acme, '491512300001', 'Hallo');
  await platform.customerWrites(acme, '14158200002', 'Hello');
  const marketing = newWamid();
  const statuses = webhookEnvelope({
    phoneNumberId: acme.phoneNumberId,
    statuses: [
      statusUpdate({ id: marketing, status: 'sent', recipientId: '491512300001', pricing: { billable: true, category: 'marketing' } }),
      statusUpdate({ id: marketing, status: 'delivered', recipientId: '491512300001', pricing: { billable: true, category: 'marketing' } }),
      statusUpdate({ id: newWamid(), status: 'delivered', recipientId: '14158200002', pricing: { billable: true, category: 'utility' } }),
      statusUpdate({ id: newWamid(), status: 'delivered', recipientId: '14158200002', pricing: { billable: false, category: 'service' } }),
    ],
  });
  await platform.webhook(acme, statuses);
  // WhatsApp retries a delivery it thinks failed: the same statuses again count nothing.
  await platform.webhook(acme, statuses);
  await platform.customerWrites(other, '551198000003', 'Olá');
  await platform.analytics!.usage.waitFor(await platform.command.store.headPosition());
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

const quantities = (body: { meters: { meter: string; items: { group: Record<string, string>; quantity: number }[] }[] }) =>
  Object.fromEntries(body.meters.map((m) => [m.meter, m.items.map((i) => ({ ...i.group, quantity: i.quantity }))]));

describe('usage API', () => {
  it('gives the billing role its tenant’s usage per meter and group over the period', async () => {
    const res = await platform.get(`/v1/usage/current?${period()}`, billingKey);
    expect(res.status, res.text).toBe(200);
    expect(res.body.tenantId).toBe(acme.tenantId);
    expect(quantities(res.body)).toEqual({
      billable_templates_delivered: [
        { category: 'marketing', country: 'DE', quantity: 1 },
        { category: 'utility', country: 'US', quantity: 1 },
      ],
      messages_sent: [{ quantity: 1 }],
      messages_received: [{ quantity: 2 }],
      conversations_opened: [{ origin: 'inbound', quantity: 2 }],
      active_contacts: [{ quantity: 2 }],
      // The admin, the supervisor and two agents; the billing user holds no seat.
      agent_seats: [{ quantity: 4 }],
      webhooks_delivered: [],
    });
  });

  it('lets the platform admin read any tenant it names, and only it', async () => {
    const mine = await platform.get(`/v1/usage/current?${period()}`, acme.adminKey);
    // Read-your-writes: the answer includes the log up to the position asked for, and says so.
    const head = await platform.command.store.headPosition();
    const fresh = await platform.get(`/v1/usage/current?${period()}&minPosition=${head}`, acme.adminKey);
    expect(fresh.headers.get('parley-consistency')).toBe('fresh');
    expect(fresh.body).toEqual(mine.body);
    const asAdmin = await platform.get(`/v1/usage/current?${period()}&tenantId=${acme.tenantId}`, ADMIN_KEY);
    expect(asAdmin.status, asAdmin.text).toBe(200);
    expect(asAdmin.body).toEqual(mine.body);
    const theirs = await platform.get(`/v1/usage/current?${period()}&tenantId=${other.tenantId}`, ADMIN_KEY);
    expect(quantities(theirs.body).messages_received).toEqual([{ quantity: 1 }]);
    expect((await platform.get(`/v1/usage/current?${period()}`, ADMIN_KEY)).status).toBe(400);
    const crossing = await platform.get(`/v1/usage/current?${period()}&tenantId=${other.tenantId}`, acme.adminKey);
    expect(crossing.status).toBe(403);
    expect(crossing.text).not.toContain('"meters"');
  });

  it('refuses roles without readBilling', async () => {
    for (const key of [acme.supervisor.key, acme.agents[0]!.key]) {
      expect((await platform.get(`/v1/usage/current?${period()}`, key)).status).toBe(403);
      expect((await platform.get(`/v1/usage/daily?from=2026-01-01&to=2026-01-02`, key)).status).toBe(403);
    }
    expect((await platform.get(`/v1/usage/current?${period()}`, undefined)).status).toBe(401);
  });

  it('breaks usage down by local day', async () => {
    const date = (offset: number) => dayStart(offset).toISOString().slice(0, 10);
    const res = await platform.get(`/v1/usage/daily?from=${date(-1)}&to=${date(2)}&timeZone=UTC`, billingKey);
    expect(res.status, res.text).toBe(200);
    const items = res.body.items as { day: string; meter: string; quantity: number }[];
    const received = items.filter((r) => r.meter === 'messages_received');
    expect(received.reduce((n, r) => n + r.quantity, 0)).toBe(2);
    // Seats are a gauge: tomorrow, without a change, carries today’s count.
    expect(items.filter((r) => r.meter === 'agent_seats' && r.day >= date(0)).map((r) => r.quantity)).toEqual([4, 4]);
  });

  it('refuses bad periods with the reason', async () => {
    const from = dayStart();
    const cases: [string, RegExp][] = [
      [`/v1/usage/current?from=${dayStart(1).toISOString()}&to=${from.toISOString()}`, /to must be after from/],
      [`/v1/usage/current?from=${new Date(from.getTime() + 60_000).toISOString()}&to=${dayStart(1).toISOString()}`, /quarter hour/],
      [`/v1/usage/current?from=${from.toISOString()}&to=${dayStart(500).toISOString()}`, /at most 400 days/],
      [`/v1/usage/current?from=yesterday&to=${from.toISOString()}`, /from/],
      [`/v1/usage/current?${period()}&tenant=${other.tenantId}`, /tenant/],
      ['/v1/usage/daily?from=2026-10-25&to=2026-10-24', /to must be after from/],
      ['/v1/usage/daily?from=2026-10-24&to=2026-10-26&timeZone=Europe/Atlantis', /time zone/],
    ];
    for (const [url, reason] of cases) {
      const res = await platform.get(url, billingKey);
      expect(res.status, url).toBe(400);
      expect(res.text, url).toMatch(reason);
    }
    expect(new Date(from.getTime() + 60_000).getTime() % quarter).not.toBe(0);
  });

  it('reads many tenants in one call for the platform admin: the same report per tenant as one by one', async () => {
    const bounds = Object.fromEntries(new URLSearchParams(period()));
    const head = await platform.command.store.headPosition();
    const nobody = '00000000-0000-4000-8000-000000000000';
    const many = await platform.call<{ items: Parameters<typeof quantities>[0][] }>(platform.queryUrl, 'POST', '/v1/usage/tenants/current', ADMIN_KEY, {
      ...bounds,
      tenantIds: [other.tenantId, acme.tenantId, nobody],
      minPosition: head,
    });
    expect(many.status, many.text).toBe(200);
    expect(many.headers.get('parley-consistency')).toBe('fresh');
    const one = async (tenantId: string) => (await platform.get(`/v1/usage/current?${period()}&tenantId=${tenantId}`, ADMIN_KEY)).body;
    expect(many.body.items).toEqual([await one(other.tenantId), await one(acme.tenantId), await one(nobody)]);
    expect(quantities(many.body.items[2]!).messages_received).toEqual([]);

    // Only the platform admin key; the reasons for a bad body.
    const post = (body: unknown, key = ADMIN_KEY) => platform.call(platform.queryUrl, 'POST', '/v1/usage/tenants/current', key, body);
    expect((await post({ ...bounds, tenantIds: [acme.tenantId] }, acme.adminKey)).status).toBe(401);
    const cases: [unknown, RegExp][] = [
      [{ ...bounds, tenantIds: [] }, /tenantIds/],
      [{ ...bounds, tenantIds: Array.from({ length: 1001 }, () => nobody) }, /tenantIds/],
      [{ ...bounds, tenantIds: [acme.tenantId, acme.tenantId] }, /each tenant once/],
      [{ ...bounds, tenantIds: ['acme'] }, /tenantIds/],
      [{ from: bounds.to, to: bounds.from, tenantIds: [acme.tenantId] }, /to must be after from/],
    ];
    for (const [body, reason] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.text).toMatch(reason);
    }
  });

  it('documents the routes in the OpenAPI description', async () => {
    const spec = (await platform.get('/openapi.json', undefined)).body as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/usage/current', '/v1/usage/daily', '/v1/usage/tenants/current']));
  });
});
