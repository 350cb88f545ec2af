import { Invoicing } from '@parley/command';
import { invoiceObject, paymentIntentObject, subscriptionObject } from '@parley/command/testing';
import { createPgPool } from '@parley/events';
import { computeInvoice } from '@parley/events/billing';
import { samplePlan } from '@parley/events/testing';
import { PgProjector } from '@parley/projections';
import { webhookProjection } from '@parley/projections/webhooks';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxTraffic } from './support/inbox-traffic.ts';
import { RunningPlatform, type TestTenant } from './support/running-platform.ts';

let platform: RunningPlatform;
let a: TestTenant;
let b: TestTenant;
/** A tenant with teams and users but no traffic: every count it is shown must be 0. */
let c: TestTenant;
/** The workers' webhooks projector, run here so the delivery log has both tenants' rows. */
let webhooks: PgProjector;
let webhooksPool: pg.Pool;

beforeAll(async () => {
  // The query API as the query process serves it: inbox and analytics endpoints.
  platform = await RunningPlatform.start('tenant_isolation', { analytics: true });
  a = await platform.tenant('alpha');
  b = await platform.tenant('bravo');
  c = await platform.tenant('charlie');
  for (const t of [a, b, c]) {
    // SLA targets so the SLA reports and their drill-down have conversations behind them.
    await platform.put(`/v1/teams/${t.teamId}/sla-policies/normal`, { firstResponseSeconds: 60, resolutionSeconds: 3600 }, t.adminKey);
  }
  await inboxTraffic(platform, a, 5, 1);
  await inboxTraffic(platform, b, 5, 2);
  // Webhook subscriptions (a public address: nothing delivers here, the log only fills).
  for (const t of [a, b]) await platform.cmd('/v1/webhook-subscriptions', { url: `https://93.184.216.34/hooks/${t.tenantId}`, eventTypes: ['*'] }, t.adminKey);
  await platform.cmd('/v1/webhook-subscriptions', { url: 'https://93.184.216.34/hooks/bravo-tests', eventTypes: ['webhook.test'] }, b.adminKey);
  // A Stripe subscription and payments each, through the fake Stripe: the billing routes have rows to leak.
  const stripe = platform.stripe();
  for (const t of [a, b]) {
    const customer = `cus_${t.tenantId.slice(0, 8)}`;
    const subscription = `sub_${t.tenantId.slice(0, 8)}`;
    await stripe.send(
      stripe.event('customer.subscription.created', subscriptionObject({ id: subscription, customer, status: 'active', tenantId: t.tenantId }), {
        secondsAgo: 2,
      }),
    );
    await stripe.send(
      stripe.event('invoice.payment_failed', invoiceObject({ id: `in_${t.tenantId.slice(0, 8)}`, customer, subscription, amount: 4900, paid: false })),
    );
    await stripe.send(
      stripe.event('payment_intent.succeeded', paymentIntentObject({ id: `pi_${t.tenantId.slice(0, 8)}`, customer, amount: 4900, succeeded: true })),
    );
  }
  // An invoice each, recorded through the command side as the billing job records them.
  const invoicing = new Invoicing(platform.command.store, () => new Date('2026-11-02T00:00:00Z'));
  const plan = samplePlan('starter', { name: 'Starter', flatFee: 4900 });
  const period = { start: '2026-10-01T00:00:00.000Z', end: '2026-11-01T00:00:00.000Z' };
  for (const t of [a, b]) {
    const segments = [{ plan, from: period.start, to: period.end, trial: false, usage: {} }];
    const computed = computeInvoice({ period, timeZone: 'UTC', segments, taxRatePercent: '19' });
    const invoiceId = Invoicing.invoiceId(t.tenantId, period.start);
    const usageReadAt = String(await platform.command.store.headPosition());
    await invoicing.draft({
      ...computed,
      invoiceId,
      tenantId: t.tenantId,
      timeZone: 'UTC',
      segments,
      billedUsage: {},
      adjustments: [],
      usageReadAt,
      taxRatePercent: '19',
    });
  }
  webhooksPool = createPgPool({ connectionString: platform.db.connectionString, max: 2 });
  webhooks = new PgProjector({ pool: webhooksPool, store: platform.command.store, projection: webhookProjection });
  await webhooks.start();
  const head = await platform.command.store.headPosition();
  await platform.analytics!.projector.waitFor(head);
  await platform.analytics!.usage.waitFor(head);
  for (const projector of [webhooks, ...platform.query.projectors]) {
    while ((await projector.status()).eventsBehind !== 0) await new Promise((r) => setTimeout(r, 20));
  }
}, 120_000);
afterAll(async () => {
  await webhooks?.stop();
  await webhooksPool?.end();
  await platform?.stop();
});

/** Everything that identifies tenant B's data, read with B's own key. */
async function markersOf(t: TestTenant) {
  const list = await platform.get('/v1/conversations?limit=100', t.adminKey);
  const conversations = list.body.items as { id: string; contactId: string; contactWaId: string; contactName: string }[];
  const markers = new Set<string>([t.tenantId, t.teamId, t.supervisor.userId, ...t.agents.map((x) => x.userId)]);
  for (const c of conversations) for (const m of [c.id, c.contactId, c.contactWaId, c.contactName]) markers.add(m);
  const subscriptions = ((await platform.get('/v1/webhook-subscriptions', t.adminKey)).body.items as { subscriptionId: string }[]).map((s) => s.subscriptionId);
  for (const s of subscriptions) markers.add(s);
  const billing = (await platform.get('/v1/billing/subscription', t.adminKey)).body.subscription as { subscriptionId: string; customerId: string };
  const payments = ((await platform.get('/v1/billing/payments', t.adminKey)).body.items as { paymentKey: string }[]).map((p) => p.paymentKey);
  for (const m of [billing.subscriptionId, billing.customerId, ...payments]) markers.add(m);
  const invoices = ((await platform.get('/v1/billing/invoices', t.adminKey)).body.items as { invoiceId: string }[]).map((i) => i.invoiceId);
  for (const i of invoices) markers.add(i);
  return { conversations: conversations.map((c) => c.id), contacts: [...new Set(conversations.map((c) => c.contactId))], subscriptions, invoices, markers };
}

/**
 * Usage without the agent-seat meter: seats count the tenant's own users (its
 * configuration, like its SLA targets), which a tenant without traffic has too.
 */
function withoutSeats(body: unknown): unknown {
  const b = body as { meters?: { meter: string }[]; items?: { meter: string }[] };
  if (b.meters) return { ...b, meters: b.meters.filter((m) => m.meter !== 'agent_seats') };
  if (b.items) return { ...b, items: b.items.filter((i) => i.meter !== 'agent_seats') };
  return body;
}

describe('tenant isolation', () => {
  // Thousands of calls (every route × filters × both tenants' ids × three keys): a minute or more under load.
  it('no query endpoint ever returns another tenant’s data', async () => {
    const mine = await markersOf(a);
    const theirs = await markersOf(b);
    expect(theirs.conversations.length).toBeGreaterThanOrEqual(5);
    expect(theirs.subscriptions).toHaveLength(2);
    expect([...theirs.markers].filter((m) => /^(sub|cus|in|pi)_/.test(m))).toHaveLength(4);
    expect(theirs.invoices).toHaveLength(1);

    // Every documented GET route, filled with both tenants' ids; a new route fails this test until it is covered here.
    const spec = platform.query.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const fill: Record<string, (ids: { conversations: string[]; contacts: string[]; subscriptions?: string[]; invoices?: string[] }) => string[]> = {
      '/v1/conversations': () =>
        [
          '',
          '?assignee=unassigned',
          ...[...b.agents, ...a.agents].map((x) => `?assignee=${x.userId}`),
          `?team=${b.teamId}`,
          `?team=${a.teamId}`,
          '?tag=billing',
          '?q=order',
          '?sort=priority',
          '?sort=longest_waiting&status=queued,assigned,closed',
        ].map((q) => `/v1/conversations${q}`),
      '/v1/conversations/{id}': (ids) => ids.conversations.map((id) => `/v1/conversations/${id}`),
      '/v1/conversations/{id}/messages': (ids) => ids.conversations.map((id) => `/v1/conversations/${id}/messages`),
      '/v1/conversations/{id}/activity': (ids) => ids.conversations.map((id) => `/v1/conversations/${id}/activity`),
      '/v1/contacts/{id}': (ids) => ids.contacts.map((id) => `/v1/contacts/${id}`),
      '/v1/supervisor/queues': () => ['/v1/supervisor/queues'],
      '/v1/supervisor/workload': () => ['/v1/supervisor/workload', `/v1/supervisor/workload?team=${b.teamId}`, `/v1/supervisor/workload?team=${a.teamId}`],
      '/v1/webhook-subscriptions': () => ['/v1/webhook-subscriptions'],
      '/v1/me': () => ['/v1/me'],
      '/v1/teams': () => ['/v1/teams'],
      '/v1/users': () => ['/v1/users'],
      // The plan catalog is the platform's, the same for every tenant; a tenant's plan is its own.
      '/v1/plans': () => ['/v1/plans'],
      '/v1/billing/plan': () => ['/v1/billing/plan'],
      // Platform admins only: a tenant's own key is refused for its own tenant and for another's.
      '/v1/tenants/{tenantId}/billing/plan': () => [`/v1/tenants/${a.tenantId}/billing/plan`, `/v1/tenants/${b.tenantId}/billing/plan`],
      '/v1/billing/subscription': () => ['', `?tenantId=${a.tenantId}`, `?tenantId=${b.tenantId}`].map((q) => `/v1/billing/subscription${q}`),
      '/v1/billing/payments': () => ['', `?tenantId=${a.tenantId}`, `?tenantId=${b.tenantId}&limit=500`].map((q) => `/v1/billing/payments${q}`),
      '/v1/billing/quota-alerts': () => ['', `?tenantId=${a.tenantId}`, `?tenantId=${b.tenantId}&limit=200`].map((q) => `/v1/billing/quota-alerts${q}`),
      '/v1/billing/invoices': () => ['', `?tenantId=${a.tenantId}`, `?tenantId=${b.tenantId}&limit=200`].map((q) => `/v1/billing/invoices${q}`),
      '/v1/billing/invoices/{invoiceId}': (ids) =>
        (ids.invoices ?? []).flatMap((id) => ['', '?format=csv', `?tenantId=${b.tenantId}`].map((q) => `/v1/billing/invoices/${id}${q}`)),
      '/v1/webhook-subscriptions/{id}/deliveries': (ids) => (ids.subscriptions ?? []).map((id) => `/v1/webhook-subscriptions/${id}/deliveries`),
    };
    // Analytics: a day around now (rollup reports round the range down to their buckets),
    // with no filter and with each tenant's team and agents.
    const range = `from=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 7_200_000).toISOString())}`;
    const analyticsFilters = ['', ...[a, b].flatMap((t) => [`&teamId=${t.teamId}`, ...t.agents.map((x) => `&agentId=${x.userId}`)])];
    const analytics =
      (path: string, extra = '') =>
      () =>
        analyticsFilters.map((f) => `${path}?${range}${extra}${f}`);
    Object.assign(fill, {
      '/v1/analytics/sla/compliance': analytics('/v1/analytics/sla/compliance'),
      '/v1/analytics/sla/percentiles': analytics('/v1/analytics/sla/percentiles'),
      '/v1/analytics/sla/breaches': () => ['team', 'agent', 'priority', 'day'].flatMap((by) => analytics('/v1/analytics/sla/breaches', `&by=${by}`)()),
      '/v1/analytics/sla/conversations': () =>
        ['first_response', 'resolution'].flatMap((target) => [
          ...analytics('/v1/analytics/sla/conversations', `&target=${target}&outcome=any`)(),
          ...analytics('/v1/analytics/sla/conversations', `&target=${target}&outcome=any&format=csv`)(),
        ]),
      '/v1/analytics/volumes': () => [...analytics('/v1/analytics/volumes')(), ...analytics('/v1/analytics/volumes', '&format=csv')()],
      '/v1/analytics/response-times': analytics('/v1/analytics/response-times'),
      '/v1/analytics/agents/leaderboard': analytics('/v1/analytics/agents/leaderboard'),
      '/v1/analytics/queue-wait': analytics('/v1/analytics/queue-wait'),
      '/v1/analytics/handle-time': analytics('/v1/analytics/handle-time'),
      '/v1/analytics/sla/compliance/by-period': () =>
        ['&granularity=day', '&granularity=week&hours=calendar&timeZone=America/Mexico_City'].flatMap((q) =>
          analytics('/v1/analytics/sla/compliance/by-period', q)(),
        ),
      '/v1/analytics/conversations/volumes': () => [
        ...analytics('/v1/analytics/conversations/volumes', '&granularity=hour')(),
        ...analytics('/v1/analytics/conversations/volumes', '&granularity=month&format=csv')(),
      ],
      '/v1/analytics/heatmap': () => ['inbound_messages', 'conversations_opened'].flatMap((m) => analytics('/v1/analytics/heatmap', `&measure=${m}`)()),
      '/v1/analytics/csat': analytics('/v1/analytics/csat'),
      '/v1/analytics/sla/running': (ids) =>
        ['', `?teamId=${a.teamId}`, `?teamId=${b.teamId}`, '?atRiskShare=1', ...ids.conversations.map((id) => `?conversationId=${id}`)].map(
          (q) => `/v1/analytics/sla/running${q}`,
        ),
      '/v1/analytics/csat/comments': () => [...analytics('/v1/analytics/csat/comments')(), ...analytics('/v1/analytics/csat/comments', '&format=csv')()],
      '/v1/analytics/drilldown': () =>
        [
          'messages',
          'messages&direction=inbound&dayOfWeek=1&hour=10',
          'conversations_opened',
          'conversations_closed&format=csv',
          'csat_closed',
          'csat_responses',
          'handled',
          'first_responses',
          'sla&target=first_response&outcome=any',
          'sla&target=resolution&outcome=any&hours=calendar&format=csv',
        ].flatMap((figure) => analytics('/v1/analytics/drilldown', `&figure=${figure}`)()),
    } satisfies typeof fill);
    // Usage: a period around now on quarter hours, both tenants named (a tenant key naming
    // another tenant is refused), and the days around today in a zone with DST.
    const quarter = 15 * 60_000;
    const usageRange = `from=${encodeURIComponent(new Date(Math.floor((Date.now() - 86_400_000) / quarter) * quarter).toISOString())}&to=${encodeURIComponent(new Date(Math.ceil((Date.now() + 7_200_000) / quarter) * quarter).toISOString())}`;
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    Object.assign(fill, {
      '/v1/usage/current': () => ['', `&tenantId=${a.tenantId}`, `&tenantId=${b.tenantId}`].map((t) => `/v1/usage/current?${usageRange}${t}`),
      '/v1/usage/daily': () =>
        ['', `&tenantId=${a.tenantId}`, `&tenantId=${b.tenantId}`].map((t) => `/v1/usage/daily?from=${day(-1)}&to=${day(2)}&timeZone=Europe/Berlin${t}`),
    } satisfies typeof fill);
    const tenantRoutes = Object.entries(spec.paths)
      .filter(([, methods]) => 'get' in methods)
      .map(([path]) => path)
      .filter((path) => !path.startsWith('/v1/admin/'));
    expect(tenantRoutes.filter((p) => !(p in fill))).toEqual([]);

    let calls = 0;
    let answered = 0;
    /** Routes a key's role may not use at all (403 on its own tenant's ids): the other tenant's ids get that 403 too. */
    const refusedRole = new Set<string>();
    for (const route of tenantRoutes) {
      for (const ids of [mine, theirs]) {
        for (const url of fill[route]!(ids)) {
          for (const key of [a.adminKey, a.supervisor.key, a.agents[0]!.key]) {
            const res = await platform.get(url, key);
            calls += 1;
            // 400: a filter a report refuses (queue wait by agent), said in the answer.
            // 401: a platform admin's route (/v1/tenants/…) takes no tenant key at all.
            const allowed = route.startsWith('/v1/tenants/') ? [401] : [200, 400, 403, 404];
            expect(allowed, `${url} → ${res.status}: ${res.text}`).toContain(res.status);
            if (res.status === 200) answered += 1;
            if (ids === mine && res.status === 403) refusedRole.add(`${route} ${key}`);
            if (ids === theirs && route.includes('{id}')) expect(res.status, url).toBe(refusedRole.has(`${route} ${key}`) ? 403 : 404);
            for (const marker of theirs.markers) {
              if (res.text.includes(marker)) throw new Error(`${url} with tenant A's key leaked tenant B's ${marker}: ${res.text.slice(0, 300)}`);
            }
          }
        }
      }
    }
    // Aggregates leak as numbers, not ids: a tenant without traffic must see only zeros.
    // Labels are numbers that say where a figure sits (a heatmap cell, a CSAT score), not figures;
    // settings (SLA targets, business hours' weekdays) are the tenant's own configuration, not traffic.
    const labels = /\.(dayOfWeek|hour|score|day|firstResponseSeconds|nextResponseSeconds|resolutionSeconds)$/;
    const positives = (value: unknown, path: string): string[] => {
      if (typeof value === 'number') return value > 0 && !labels.test(path) ? [`${path}=${value}`] : [];
      if (Array.isArray(value)) return value.flatMap((v, i) => positives(v, `${path}[${i}]`));
      if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => positives(v, `${path}.${k}`));
      return [];
    };
    for (const route of tenantRoutes) {
      for (const url of fill[route]!({ conversations: [], contacts: [] })) {
        if (url.includes('format=csv')) continue;
        const res = await platform.get(url, c.adminKey);
        calls += 1;
        if (res.status !== 200) continue;
        expect(positives(route.startsWith('/v1/usage/') ? withoutSeats(res.body) : res.body, url)).toEqual([]);
        for (const marker of [...theirs.markers, ...mine.markers]) {
          if (res.text.includes(marker)) throw new Error(`${url} with tenant C's key leaked ${marker}`);
        }
      }
    }
    expect(calls).toBeGreaterThan(300);
    expect(answered).toBeGreaterThan(calls / 2); // mostly real answers, not refusals
  }, 180_000);
});
