import { randomUUID } from 'node:crypto';
import { Invoicing, QuotaAlerts } from '@parley/command';
import { plansReadPool } from '@parley/projections/plans';
import { BillingJob, createWorkers, QueryApiUsageSource, type Workers } from '@parley/workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, RunningPlatform, type TestTenant } from './support/running-platform.ts';

/**
 * The invoice lifecycle end to end: customers' messages through the signed WhatsApp
 * webhook, metered by the usage projector (chDB), read by the workers' billing job over
 * the query API, invoices on the command side, read back through the invoice API. The
 * workers' clock is moved (period end, grace, next periods) instead of waiting days.
 */
let platform: RunningPlatform;
let acme: TestTenant;
let other: TestTenant;
let billingKey: string;
let workers: Workers;
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const GRACE = 3 * DAY;

const FEE = 1000;
const PRICE = 100;
const TAX = '19';
const terms = {
  name: 'Starter',
  currency: 'EUR',
  cycle: 'monthly',
  alignment: 'calendar',
  rank: 1,
  flatFee: FEE,
  charges: [{ meter: 'messages_received', includedUnits: 1, price: { model: 'per_unit', unitPrice: String(PRICE) } }],
  minimumCommitment: null,
  trialDays: 0,
};

/** UTC calendar months: the tenant's periods. */
const monthStart = (d: Date, plus = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plus, 1));
let startedAt: Date;
let december: { start: Date; end: Date };

/** An independent computation of the first period's invoice: the fee prorated by whole UTC days, usage beyond one included message. */
function expectedFirst(messages: number) {
  const days = (december.end.getTime() - Date.UTC(startedAt.getUTCFullYear(), startedAt.getUTCMonth(), startedAt.getUTCDate())) / DAY;
  const periodDays = (december.end.getTime() - december.start.getTime()) / DAY;
  const subtotal = Math.round((FEE * days) / periodDays) + Math.max(0, messages - 1) * PRICE;
  const tax = Math.round((subtotal * 19) / 100);
  return { subtotal, tax, total: subtotal + tax };
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const invoices = () => platform.get<{ items: any[]; nextCursor: string | null }>('/v1/billing/invoices', billingKey);
let messages = 0;
async function customerWrites() {
  messages++;
  await platform.customerWrites(acme, `49151230${String(messages).padStart(4, '0')}`, `message ${messages}`);
  await platform.analytics!.usage.waitFor(await platform.command.store.headPosition());
}
const invoiceEvents = async (invoiceId: string) => (await platform.command.store.readStream(`invoice-${invoiceId}`)).map((e) => e.type);

beforeAll(async () => {
  platform = await RunningPlatform.start('invoices', { analytics: true });
  acme = await platform.tenant('acme', 1);
  other = await platform.tenant('other', 1);
  billingKey = (await platform.cmd<{ apiKey: string }>('/v1/users', { name: 'Bill', email: 'bill@acme.test', role: 'billing' }, acme.adminKey)).apiKey;
  await platform.put('/v1/plans/starter', terms, ADMIN_KEY);
  const chosen = await platform.cmd('/v1/billing/plan', { planKey: 'starter', timeZone: 'UTC' }, acme.adminKey);
  startedAt = new Date(chosen.subscription.startedAt);
  december = { start: monthStart(startedAt), end: monthStart(startedAt, 1) };
  await until(
    'the plan read model',
    () => platform.get('/v1/billing/plan', billingKey),
    (r) => r.status === 200 && r.body.subscription !== null,
  );
  for (let i = 0; i < 3; i++) await customerWrites();
  workers = await createWorkers({
    databaseUrl: platform.db.connectionString,
    store: platform.command.store,
    secretKey: platform.secretKey,
    redisUrl: 'redis://127.0.0.1:6379',
    whatsapp: { apiUrl: 'http://127.0.0.1:9' },
    queuePrefix: `test-${randomUUID()}`,
    clock,
    // Hourly: the tests run the job themselves, the scheduler's own runs are checked apart.
    billing: { everyMs: HOUR, graceMs: GRACE, taxRatePercent: TAX, usageUrl: platform.queryUrl, adminKey: ADMIN_KEY },
  });
}, 120_000);

afterAll(async () => {
  await workers?.close();
  await platform?.stop();
});

describe('the invoice lifecycle', () => {
  it('drafts nothing before the period ended', async () => {
    offsetMs = december.end.getTime() - Date.now() - HOUR;
    expect(await workers.billing!.runOnce()).toMatchObject({ tenants: 1, drafted: 0, failed: 0 });
  });

  it('drafts once at the period end, even with two jobs running at once', async () => {
    offsetMs = december.end.getTime() - Date.now() + HOUR;
    // A second job with its own caches: another workers process.
    const plansPool = plansReadPool(platform.db.connectionString, 2);
    const second = new BillingJob({
      plansPool,
      store: platform.command.store,
      invoicing: new Invoicing(platform.command.store, clock),
      quotaAlerts: new QuotaAlerts(platform.command.store, clock),
      usage: new QueryApiUsageSource(platform.queryUrl, ADMIN_KEY),
      policy: { graceMs: GRACE, taxRatePercent: TAX },
      clock,
      logger: { info() {}, warn() {}, error() {} },
    });
    const [a, b, c] = await Promise.all([workers.billing!.runOnce(), second.run(), workers.billing!.runOnce()]);
    await plansPool.end();
    expect(a.failed + b.failed + c.failed).toBe(0);
    // The workers' scheduler runs the job too (its first run at start, which may still be
    // going): whichever run drafts, the stream below holds exactly one InvoiceDrafted.
    expect(a.drafted + b.drafted + c.drafted).toBeLessThanOrEqual(1);
    const list = await until('the draft', invoices, (r) => r.body.items?.length === 1);
    const invoice = list.body.items[0];
    expect(invoice).toMatchObject({
      tenantId: acme.tenantId,
      period: { start: december.start.toISOString(), end: december.end.toISOString() },
      status: 'draft',
      currency: 'EUR',
      finalizedAt: null,
      adjustmentOf: null,
      ...expectedFirst(3),
    });
    expect(await invoiceEvents(invoice.invoiceId)).toEqual(['InvoiceDrafted']);
  });

  it('takes a late event inside the grace into the draft and the final invoice', async () => {
    await customerWrites();
    offsetMs = december.end.getTime() - Date.now() + DAY;
    expect(await workers.billing!.runOnce()).toMatchObject({ redrafted: 1, finalized: 0 });
    offsetMs = december.end.getTime() - Date.now() + GRACE + HOUR;
    expect(await workers.billing!.runOnce()).toMatchObject({ drafted: 0, finalized: 1 });
    expect(await workers.billing!.runOnce()).toMatchObject({ drafted: 0, redrafted: 0, finalized: 0 });
    const list = await until('the final invoice', invoices, (r) => r.body.items?.[0]?.status === 'finalized');
    const invoice = list.body.items[0];
    expect(invoice).toMatchObject({ status: 'finalized', ...expectedFirst(4) });
    expect(await invoiceEvents(invoice.invoiceId)).toEqual(['InvoiceDrafted', 'InvoiceRedrafted', 'InvoiceFinalized']);

    const detail = await platform.get(`/v1/billing/invoices/${invoice.invoiceId}`, billingKey);
    expect(detail.status).toBe(200);
    const usage = detail.body.lines.find((l: any) => l.kind === 'usage');
    expect(usage).toMatchObject({ meter: 'messages_received', units: 3, quantity: 3, unitPrice: String(PRICE), amount: 3 * PRICE });
    expect(detail.body.lines.find((l: any) => l.kind === 'included_units')).toMatchObject({ units: 1, amount: 0 });
    expect(detail.body.lines.reduce((n: number, l: any) => n + l.amount, 0)).toBe(invoice.total);

    const csv = await fetch(`${platform.queryUrl}/v1/billing/invoices/${invoice.invoiceId}?format=csv`, { headers: { authorization: `Bearer ${billingKey}` } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = (await csv.text()).trim().split('\r\n');
    expect(rows[0]).toMatch(/^invoiceId,kind,description,/);
    expect(rows).toHaveLength(detail.body.lines.length + 1);
    const accepted = await fetch(`${platform.queryUrl}/v1/billing/invoices/${invoice.invoiceId}`, {
      headers: { authorization: `Bearer ${billingKey}`, accept: 'text/csv' },
    });
    expect(await accepted.text()).toBe(rows.join('\r\n') + '\r\n');

    // Another tenant's id is not found; the platform admin names the tenant.
    expect((await platform.get(`/v1/billing/invoices/${invoice.invoiceId}`, other.adminKey)).status).toBe(404);
    expect((await platform.get(`/v1/billing/invoices?tenantId=${acme.tenantId}`, ADMIN_KEY)).body.items).toHaveLength(1);
    expect((await platform.get('/v1/billing/invoices', ADMIN_KEY)).status).toBe(400);
    expect((await platform.get('/v1/billing/invoices', acme.agents[0]!.key)).status).toBe(403);
  });

  it('bills usage that arrives after finalization on the next invoice, once', async () => {
    await customerWrites();
    const january = { start: december.end, end: monthStart(december.end, 1) };
    offsetMs = january.end.getTime() - Date.now() + HOUR;
    expect(await workers.billing!.runOnce()).toMatchObject({ drafted: 1, finalized: 0, failed: 0 });
    offsetMs = january.end.getTime() - Date.now() + GRACE + HOUR;
    expect(await workers.billing!.runOnce()).toMatchObject({ finalized: 1, failed: 0 });
    const february = { start: january.end, end: monthStart(january.end, 1) };
    offsetMs = february.end.getTime() - Date.now() + GRACE + HOUR;
    expect(await workers.billing!.runOnce()).toMatchObject({ drafted: 1, finalized: 1, failed: 0 });

    const list = await until('three invoices', invoices, (r) => r.body.items?.length === 3 && r.body.items.every((i: any) => i.status === 'finalized'));
    const [feb, jan, dec] = list.body.items;
    expect([feb.period.start, jan.period.start, dec.period.start]).toEqual([february.start, january.start, december.start].map((d) => d.toISOString()));
    expect(dec).toMatchObject(expectedFirst(4));
    const janLines = (await platform.get(`/v1/billing/invoices/${jan.invoiceId}`, billingKey)).body.lines;
    expect(janLines.filter((l: any) => l.kind === 'adjustment')).toEqual([
      expect.objectContaining({ meter: 'messages_received', units: 1, amount: PRICE, from: december.start.toISOString(), to: december.end.toISOString() }),
    ]);
    const janSubtotal = FEE + PRICE;
    expect(jan).toMatchObject({ subtotal: janSubtotal, tax: Math.round((janSubtotal * 19) / 100) });
    // February: the late message was billed in January, not again.
    const febLines = (await platform.get(`/v1/billing/invoices/${feb.invoiceId}`, billingKey)).body.lines;
    expect(febLines.filter((l: any) => l.kind === 'adjustment')).toEqual([]);
    expect(feb).toMatchObject({ subtotal: FEE });

    // Paging: newest period first, the cursor continues.
    const page = await platform.get('/v1/billing/invoices?limit=2', billingKey);
    expect(page.body.items.map((i: any) => i.invoiceId)).toEqual([feb.invoiceId, jan.invoiceId]);
    const rest = await platform.get(`/v1/billing/invoices?limit=2&cursor=${encodeURIComponent(page.body.nextCursor)}`, billingKey);
    expect(rest.body).toEqual({ items: [expect.objectContaining({ invoiceId: dec.invoiceId })], nextCursor: null });
  });

  it('runs from the BullMQ scheduler on its own', async () => {
    const before = workers.billing!.last?.at;
    await workers.billing!.close();
    // Upserted again at start: a Redis that lost the schedule gets it back with the process.
    const again = await createWorkers({
      databaseUrl: platform.db.connectionString,
      store: platform.command.store,
      secretKey: platform.secretKey,
      redisUrl: 'redis://127.0.0.1:6379',
      whatsapp: { apiUrl: 'http://127.0.0.1:9' },
      queuePrefix: `test-${randomUUID()}`,
      clock,
      billing: { everyMs: 500, graceMs: GRACE, taxRatePercent: TAX, usageUrl: platform.queryUrl, adminKey: ADMIN_KEY },
    });
    try {
      await until(
        'a scheduled run',
        async () => again.billing!.last,
        (last) => last !== null && last.at !== before && last.tenants === 1,
      );
    } finally {
      await again.close();
    }
  });
});
