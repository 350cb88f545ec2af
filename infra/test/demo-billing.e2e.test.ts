import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedBilling } from '../src/demo/seed-billing.ts';
import type { DemoTenant } from '../src/demo/seed-demo.ts';
import { seedPlans } from '../src/demo/seed-plans.ts';
import { ADMIN_KEY, RunningPlatform, STRIPE_SECRET } from './support/running-platform.ts';

let platform: RunningPlatform;
beforeAll(async () => {
  platform = await RunningPlatform.start('demo_billing');
}, 60_000);
afterAll(async () => {
  await platform?.stop();
});

it("seeds the demo tenants' subscriptions through the Stripe webhook: one active, one past due inside its grace", async () => {
  const tenants: DemoTenant[] = [];
  for (const name of ['acme', 'globex']) {
    const t = await platform.tenant(name, 0);
    tenants.push({ name, tenantId: t.tenantId, keys: { admin: t.adminKey }, phoneNumberId: t.phoneNumberId });
  }
  const summary = await seedBilling(platform.commandUrl, STRIPE_SECRET, tenants);
  expect(summary).toEqual(['acme: active', 'globex: past due (a renewal failed 2 days ago)']);
  for (const projector of platform.query.projectors) {
    while ((await projector.status()).eventsBehind !== 0) await new Promise((r) => setTimeout(r, 20));
  }
  const read = async (t: DemoTenant) => (await platform.get('/v1/billing/subscription', t.keys.admin!)).body.subscription;
  expect(await read(tenants[0]!)).toMatchObject({ status: 'active', pastDueSince: null, marketingSuspendedSince: null });
  expect(await read(tenants[1]!)).toMatchObject({ status: 'past_due', marketingSuspendedSince: null });
  const payments = (await platform.get('/v1/billing/payments', tenants[1]!.keys.admin!)).body.items as { status: string }[];
  expect(payments.map((p) => p.status).sort()).toEqual(['failed', 'failed', 'succeeded', 'succeeded']);
});

it('gives each demo tenant a plan in its own time zone, euros for the first and dollars for the second, with included units for the usage page', async () => {
  const tenants: DemoTenant[] = [];
  for (const [name, timeZone] of [
    ['initech', 'America/Mexico_City'],
    ['umbrella', 'Europe/London'],
  ] as const) {
    const t = await platform.tenant(name, 0);
    tenants.push({ name, tenantId: t.tenantId, keys: { admin: t.adminKey }, phoneNumberId: t.phoneNumberId, timeZone });
  }
  expect(await seedPlans(platform.commandUrl, ADMIN_KEY, tenants)).toEqual(['initech: growth-eur', 'umbrella: growth-usd']);
  for (const projector of platform.query.projectors) {
    while ((await projector.status()).eventsBehind !== 0) await new Promise((r) => setTimeout(r, 20));
  }
  const plans = await Promise.all(tenants.map(async (t) => (await platform.get('/v1/billing/plan', t.keys.admin!)).body.subscription));
  expect(plans.map((p) => [p.planKey, p.currency, p.timeZone])).toEqual([
    ['growth-eur', 'EUR', 'America/Mexico_City'],
    ['growth-usd', 'USD', 'Europe/London'],
  ]);
  const catalog = (await platform.get('/v1/plans', tenants[0]!.keys.admin!)).body.items as { planKey: string; terms: { charges: { meter: string }[] } }[];
  expect(catalog.find((p) => p.planKey === 'growth-eur')!.terms.charges.map((c) => c.meter)).toContain('agent_seats');
});
