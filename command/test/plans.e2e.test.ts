import { decodeEvent } from '@parley/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, RunningCommandApi } from './support/running-command-api.ts';

/** Plans through the command API: the catalog (platform admin) and a tenant's choices, as events. */
let api: RunningCommandApi;
let tenantId: string;
let adminKey: string;
let agentKey: string;

const terms = (rank: number, extra: Record<string, unknown> = {}) => ({
  name: `Plan ${rank}`,
  currency: 'EUR',
  cycle: 'monthly',
  alignment: 'calendar',
  rank,
  flatFee: 1000 * rank,
  charges: [
    {
      meter: 'messages',
      includedUnits: 1000,
      price: {
        model: 'graduated',
        tiers: [
          { upTo: 10_000, unitPrice: '0.8' },
          { upTo: null, unitPrice: '0.5' },
        ],
      },
    },
  ],
  minimumCommitment: null,
  trialDays: 0,
  ...extra,
});

beforeAll(async () => {
  api = await RunningCommandApi.start('plans');
  api.now = new Date('2026-10-20T12:00:00Z');
  const tenant = await api.post<{ tenantId: string; apiKey: string }>(
    '/v1/tenants',
    { name: 'Acme', admin: { name: 'Ada', email: 'ada@acme.test' } },
    ADMIN_KEY,
  );
  tenantId = tenant.body.tenantId;
  adminKey = tenant.body.apiKey;
  agentKey = (await api.post<{ apiKey: string }>('/v1/users', { name: 'Al', email: 'al@acme.test', role: 'agent' }, adminKey)).body.apiKey;
  for (const [key, rank] of [
    ['starter', 1],
    ['growth', 2],
    ['scale', 3],
  ] as const) {
    const defined = await api.request('PUT', `/v1/plans/${key}`, { key: ADMIN_KEY, body: terms(rank) });
    expect(defined.status, defined.text).toBe(200);
  }
});

afterAll(async () => {
  await api?.stop();
});

describe('plan catalog', () => {
  it('is the platform admin’s: versions on change, nothing on the same terms', async () => {
    const again = await api.request('PUT', '/v1/plans/growth', { key: ADMIN_KEY, body: terms(2) });
    expect(again.body).toMatchObject({ events: [], plan: { planKey: 'growth', version: 1 } });
    const changed = await api.request('PUT', '/v1/plans/growth', { key: ADMIN_KEY, body: terms(2, { flatFee: 2500 }) });
    expect(changed.body).toMatchObject({ events: ['PlanDefined'], plan: { planKey: 'growth', version: 2, terms: { flatFee: 2500 } } });
    expect((await api.request('PUT', '/v1/plans/growth', { key: adminKey, body: terms(2) })).status).toBe(401);
  });

  it('refuses bad plans with the reason', async () => {
    const bad = async (body: unknown, path = '/v1/plans/x-plan') => {
      const answer = await api.request<{ error: { message: string } }>('PUT', path, { key: ADMIN_KEY, body });
      return [answer.status, answer.text];
    };
    const [status, text] = await bad(terms(1, { currency: 'JPY' }));
    expect(status).toBe(400);
    expect(text).toContain('currency');
    const falling = terms(1, {
      charges: [{ meter: 'm', includedUnits: 0, price: { model: 'volume', tiers: [{ upTo: 5, unitPrice: '1' }] } }],
    });
    expect(await bad(falling)).toEqual([400, expect.stringContaining('the last tier has upTo: null')]);
    expect(await bad(terms(1, { flatFee: 9.99 }))).toEqual([400, expect.stringContaining('flatFee')]);
    expect((await bad(terms(1), '/v1/plans/Not_A_Key'))[0]).toBe(400);
  });
});

describe('a tenant’s plan', () => {
  it('is chosen by its admin, upgraded at once, downgraded at the period end', async () => {
    expect((await api.post('/v1/billing/plan', { planKey: 'growth', timeZone: 'America/New_York' }, agentKey)).status).toBe(403);
    const first = await api.post('/v1/billing/plan', { planKey: 'growth', timeZone: 'America/New_York' }, adminKey);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({
      change: 'chosen',
      events: ['TenantPlanChosen'],
      subscription: {
        planKey: 'growth',
        version: 2,
        terms: { flatFee: 2500 },
        timeZone: 'America/New_York',
        trialEndsAt: null,
        // October in New York: it ends on the day DST ends, at midnight EDT
        currentPeriod: { start: '2026-10-01T04:00:00.000Z', end: '2026-11-01T04:00:00.000Z' },
        scheduledChange: null,
      },
    });

    api.now = new Date('2026-10-21T12:00:00Z');
    const up = await api.post('/v1/billing/plan', { planKey: 'scale' }, adminKey);
    expect(up.body).toMatchObject({ change: 'upgraded', subscription: { planKey: 'scale' } });

    const down = await api.post('/v1/billing/plan', { planKey: 'starter' }, adminKey);
    expect(down.body).toMatchObject({
      change: 'downgrade_scheduled',
      subscription: { planKey: 'scale', scheduledChange: { planKey: 'starter', effectiveAt: '2026-11-01T04:00:00.000Z' } },
    });

    const cancel = await api.post('/v1/billing/plan/scheduled-change/cancel', {}, adminKey);
    expect(cancel.body).toMatchObject({ events: ['TenantPlanChangeCanceled'], subscription: { scheduledChange: null } });
    const cancelAgain = await api.post<{ error: { message: string } }>('/v1/billing/plan/scheduled-change/cancel', {}, adminKey);
    expect([cancelAgain.status, cancelAgain.text]).toEqual([409, expect.stringContaining('no plan change is scheduled')]);

    await api.post('/v1/billing/plan', { planKey: 'starter' }, adminKey);
    api.now = new Date('2026-11-01T04:00:00Z');
    const after = await api.post('/v1/billing/plan', { planKey: 'starter' }, adminKey);
    expect(after.body).toMatchObject({
      change: 'unchanged',
      events: [],
      subscription: { planKey: 'starter', scheduledChange: null, currentPeriod: { start: '2026-11-01T04:00:00.000Z', end: '2026-12-01T05:00:00.000Z' } },
    });

    const stored = (await api.allEvents()).map(decodeEvent).filter((e) => e.event.type.startsWith('TenantPlan'));
    expect(stored.map((e) => e.event.type)).toEqual([
      'TenantPlanChosen',
      'TenantPlanUpgraded',
      'TenantPlanChangeScheduled',
      'TenantPlanChangeCanceled',
      'TenantPlanChangeScheduled',
    ]);
    expect(new Set(stored.map((e) => e.metadata.tenantId))).toEqual(new Set([tenantId]));
  });

  it('refuses with a 4xx and the reason', async () => {
    const other = await api.post<{ apiKey: string }>('/v1/tenants', { name: 'Beta', admin: { name: 'Bo', email: 'bo@beta.test' } }, ADMIN_KEY);
    const key = other.body.apiKey;
    const refuse = async (body: unknown, k = key) => {
      const answer = await api.post('/v1/billing/plan', body, k);
      return [answer.status, answer.text];
    };
    expect(await refuse({ planKey: 'platinum', timeZone: 'UTC' })).toEqual([422, expect.stringContaining('unknown plan: platinum')]);
    expect(await refuse({ planKey: 'growth' })).toEqual([422, expect.stringContaining('timeZone is required')]);
    expect(await refuse({ planKey: 'growth', timeZone: 'Mars/Olympus' })).toEqual([400, expect.stringContaining('timeZone')]);
    expect(await refuse({ planKey: 'growth', timeZone: 'UTC', coupon: 'x' })).toEqual([400, expect.any(String)]);
    // one tenant's choices never touch another's: Acme stays on starter
    expect((await refuse({ planKey: 'scale', timeZone: 'UTC' }))[0]).toBe(200);
    expect((await api.post('/v1/billing/plan', { planKey: 'starter' }, adminKey)).body).toMatchObject({ change: 'unchanged' });
  });

  it('may be chosen by the platform admin for a tenant, never with a tenant key', async () => {
    const gamma = await api.post<{ tenantId: string; apiKey: string }>(
      '/v1/tenants',
      { name: 'Gamma', admin: { name: 'Gi', email: 'gi@gamma.test' } },
      ADMIN_KEY,
    );
    const chosen = await api.post(`/v1/tenants/${gamma.body.tenantId}/billing/plan`, { planKey: 'starter', timeZone: 'Europe/Berlin' }, ADMIN_KEY);
    expect(chosen.body).toMatchObject({ change: 'chosen', subscription: { planKey: 'starter', timeZone: 'Europe/Berlin' } });
    expect((await api.post(`/v1/tenants/${gamma.body.tenantId}/billing/plan`, { planKey: 'growth' }, gamma.body.apiKey)).status).toBe(401);
    expect((await api.post(`/v1/tenants/${crypto.randomUUID()}/billing/plan`, { planKey: 'growth', timeZone: 'UTC' }, ADMIN_KEY)).status).toBe(404);
    // the tenant's admin sees the same subscription
    expect((await api.post('/v1/billing/plan', { planKey: 'starter' }, gamma.body.apiKey)).body).toMatchObject({
      change: 'unchanged',
      subscription: { timeZone: 'Europe/Berlin' },
    });
  });

  it('is in the OpenAPI document', async () => {
    const doc = await api.request<{ paths: Record<string, unknown> }>('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/plans/{planKey}', '/v1/billing/plan', '/v1/tenants/{tenantId}/billing/plan']));
  });
});
