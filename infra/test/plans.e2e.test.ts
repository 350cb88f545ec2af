import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, RunningPlatform, type TestTenant } from './support/running-platform.ts';

/** Plans from the command API to the query API: the catalog, a tenant's plan, who may read it. */
let platform: RunningPlatform;
let acme: TestTenant;
let beta: TestTenant;
let billingKey: string;

const terms = (rank: number, currency = 'EUR') => ({
  name: `Plan ${rank}`,
  currency,
  cycle: 'monthly',
  alignment: 'anniversary',
  rank,
  flatFee: 1000 * rank,
  charges: [{ meter: 'messages', includedUnits: 500, price: { model: 'package', packageSize: 100, packagePrice: 90 } }],
  minimumCommitment: null,
  trialDays: rank === 2 ? 14 : 0,
});

beforeAll(async () => {
  platform = await RunningPlatform.start('plans_e2e');
  acme = await platform.tenant('acme', 1);
  beta = await platform.tenant('beta', 1);
  billingKey = (await platform.cmd<{ apiKey: string }>('/v1/users', { name: 'Bill', email: 'bill@acme.test', role: 'billing' }, acme.adminKey)).apiKey;
  await platform.put('/v1/plans/starter', terms(1), ADMIN_KEY);
  await platform.put('/v1/plans/growth', terms(2), ADMIN_KEY);
  await platform.put('/v1/plans/usd-growth', terms(2, 'USD'), ADMIN_KEY);
});
afterAll(async () => {
  await platform?.stop();
});

/** The plans read model follows the log: poll until it shows what `done` waits for. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('plans on the query API', () => {
  it('lists the catalog to any tenant user', async () => {
    const list = await eventually(
      () => platform.get('/v1/plans', acme.agents[0]!.key),
      (a) => a.body.items?.length === 3,
    );
    expect(list.status, list.text).toBe(200);
    expect(list.body.items.map((p: { planKey: string; version: number }) => [p.planKey, p.version])).toEqual([
      ['starter', 1],
      ['growth', 1],
      ['usd-growth', 1],
    ]);
  });

  it('shows the tenant its plan, to admins and the billing role only, and never another tenant’s', async () => {
    const chosen = await platform.cmd<{ subscription: { currentPeriod: { end: string }; trialEndsAt: string } }>(
      '/v1/billing/plan',
      { planKey: 'growth', timeZone: 'Europe/Berlin' },
      acme.adminKey,
    );
    expect(chosen.subscription.trialEndsAt).not.toBeNull();
    const read = await eventually(
      () => platform.get('/v1/billing/plan', billingKey),
      (a) => a.body.subscription !== null,
    );
    expect(read.status, read.text).toBe(200);
    expect(read.body.subscription).toEqual(chosen.subscription);
    expect((await platform.get('/v1/billing/plan', acme.adminKey)).body.subscription.planKey).toBe('growth');
    expect((await platform.get('/v1/billing/plan', acme.agents[0]!.key)).status).toBe(403);
    expect((await platform.get('/v1/billing/plan', beta.adminKey)).body).toEqual({ subscription: null });
    const asPlatform = await platform.get(`/v1/tenants/${acme.tenantId}/billing/plan`, ADMIN_KEY);
    expect(asPlatform.body.subscription.planKey).toBe('growth');
    expect((await platform.get(`/v1/tenants/${acme.tenantId}/billing/plan`, beta.adminKey)).status).toBe(401);
    // As every billing read: the platform admin key names the tenant, a tenant's key reads only its own.
    expect((await platform.get(`/v1/billing/plan?tenantId=${acme.tenantId}`, ADMIN_KEY)).body.subscription).toEqual(chosen.subscription);
    expect((await platform.get(`/v1/billing/plan?tenantId=${acme.tenantId}`, beta.adminKey)).status).toBe(403);
    expect((await platform.get('/v1/billing/plan', ADMIN_KEY)).status).toBe(400);
  });

  it('keeps showing the terms of the version the tenant is on after the catalog moves on', async () => {
    await platform.put('/v1/plans/growth', { ...terms(2), flatFee: 2600 }, ADMIN_KEY);
    await eventually(
      () => platform.get('/v1/plans', billingKey),
      (a) => a.body.items?.some((p: { planKey: string; version: number }) => p.planKey === 'growth' && p.version === 2),
    );
    const read = await platform.get('/v1/billing/plan', billingKey);
    expect(read.body.subscription).toMatchObject({ planKey: 'growth', version: 1, terms: { flatFee: 2000, currency: 'EUR' } });
  });

  it('follows a downgrade refused in trial and a change of currency refused, with reasons', async () => {
    const down = await platform.call(platform.commandUrl, 'POST', '/v1/billing/plan', acme.adminKey, { planKey: 'starter' });
    expect([down.status, down.text]).toEqual([409, expect.stringContaining('downgrade while trialing')]);
    const usd = await platform.call(platform.commandUrl, 'POST', '/v1/billing/plan', acme.adminKey, { planKey: 'usd-growth' });
    expect([usd.status, usd.text]).toEqual([422, expect.stringContaining('currency')]);
  });
});
