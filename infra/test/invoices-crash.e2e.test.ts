import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Invoicing } from '@parley/command';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, RunningPlatform, type TestTenant } from './support/running-platform.ts';

/**
 * The workers process SIGKILLed while the billing job drafts (some tenants drafted, some
 * not), a late event in the grace, then a new process after the grace: exactly one
 * invoice per tenant and period, with one draft and one finalization, equal to an
 * independent computation that includes the late event.
 */
const PROCESS = fileURLToPath(new URL('./support/billing-workers-process.ts', import.meta.url));
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FEE = 1000;
const PRICE = 100;
const TENANTS = 4;

let platform: RunningPlatform;
let tenants: TestTenant[];
const messages = new Map<string, number>();
let startedAt: Map<string, Date>;
let period: { start: Date; end: Date };
const log: string[] = [];

function startWorkers(offsetMs: number, usageSpacingMs = 0): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', PROCESS, String(offsetMs), String(usageSpacingMs)], {
    env: {
      ...process.env,
      PARLEY_DATABASE_URL: platform.db.connectionString,
      PARLEY_ADMIN_KEY: ADMIN_KEY,
      PARLEY_SECRET_KEY: platform.secretKey,
      REDIS_PREFIX: `test-${randomUUID()}`,
      PARLEY_BILLING_EVERY_SECONDS: '1',
      PARLEY_INVOICE_GRACE_DAYS: '3',
      PARLEY_INVOICE_TAX_PERCENT: '19',
      PARLEY_USAGE_URL: platform.queryUrl,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  return child;
}

const kill = async (child: ChildProcess) => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
};

const streamOf = async (t: TestTenant) =>
  (await platform.command.store.readStream(`invoice-${Invoicing.invoiceId(t.tenantId, period.start.toISOString())}`)).map((e) => e.type);

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; workers said: ${log.join('').slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function customerWrites(t: TestTenant) {
  const n = (messages.get(t.tenantId) ?? 0) + 1;
  messages.set(t.tenantId, n);
  await platform.customerWrites(t, `4915123${String(tenants.indexOf(t)).padStart(2, '0')}${String(n).padStart(3, '0')}`, `message ${n}`);
}

/** By hand: the fee prorated by whole UTC days from the plan choice, every message beyond the first at PRICE, 19% tax. */
function expected(t: TestTenant) {
  const s = startedAt.get(t.tenantId)!;
  const days = (period.end.getTime() - Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), s.getUTCDate())) / DAY;
  const periodDays = (period.end.getTime() - period.start.getTime()) / DAY;
  const subtotal = Math.round((FEE * days) / periodDays) + Math.max(0, (messages.get(t.tenantId) ?? 0) - 1) * PRICE;
  return { subtotal, tax: Math.round((subtotal * 19) / 100), total: subtotal + Math.round((subtotal * 19) / 100) };
}

beforeAll(async () => {
  platform = await RunningPlatform.start('invoices_crash', { analytics: true });
  await platform.put(
    '/v1/plans/starter',
    {
      name: 'Starter',
      currency: 'EUR',
      cycle: 'monthly',
      alignment: 'calendar',
      rank: 1,
      flatFee: FEE,
      charges: [{ meter: 'messages_received', includedUnits: 1, price: { model: 'per_unit', unitPrice: String(PRICE) } }],
      minimumCommitment: null,
      trialDays: 0,
    },
    ADMIN_KEY,
  );
  tenants = [];
  startedAt = new Map();
  for (let i = 0; i < TENANTS; i++) {
    const t = await platform.tenant(`t${i}`, 1);
    tenants.push(t);
    const chosen = await platform.cmd('/v1/billing/plan', { planKey: 'starter', timeZone: 'UTC' }, t.adminKey);
    startedAt.set(t.tenantId, new Date(chosen.subscription.startedAt));
    for (let m = 0; m <= i; m++) await customerWrites(t);
  }
  const s = startedAt.get(tenants[0]!.tenantId)!;
  period = { start: new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), 1)), end: new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, 1)) };
  await platform.analytics!.usage.waitFor(await platform.command.store.headPosition());
  for (const p of platform.query.projectors) while ((await p.status()).eventsBehind !== 0) await new Promise((r) => setTimeout(r, 20));
}, 180_000);

afterAll(async () => {
  await platform?.stop();
});

describe('the billing job killed mid-run', () => {
  it('gives exactly one correct invoice per tenant and period', async () => {
    // At the period end: killed as soon as the first draft is in the log, mid-run.
    const first = startWorkers(period.end.getTime() - Date.now() + HOUR, 300);
    try {
      await until('a first draft', async () => (await Promise.all(tenants.map(streamOf))).some((s) => s.length > 0));
    } finally {
      await kill(first);
    }
    const afterKill = await Promise.all(tenants.map(streamOf));
    for (const s of afterKill) expect(s.length).toBeLessThanOrEqual(1);
    // Usage reads 300 ms apart: the first draft is in the log well before the last.
    expect(afterKill.filter((s) => s.length > 0).length).toBeLessThan(TENANTS);
    console.log(`billing job killed with ${afterKill.filter((s) => s.length > 0).length} of ${TENANTS} tenants drafted`);

    // A late event of the period, inside the grace, for every tenant.
    for (const t of tenants) await customerWrites(t);
    await platform.analytics!.usage.waitFor(await platform.command.store.headPosition());

    // Restarted after the grace: every invoice finalized, once.
    const second = startWorkers(period.end.getTime() - Date.now() + 3 * DAY + HOUR);
    try {
      await until('every invoice finalized', async () => (await Promise.all(tenants.map(streamOf))).every((s) => s.includes('InvoiceFinalized')));
      // Further runs change nothing.
      await new Promise((r) => setTimeout(r, 2_500));
    } finally {
      await kill(second);
    }
    for (const t of tenants) {
      const stream = await streamOf(t);
      expect(
        stream.filter((type) => type === 'InvoiceDrafted'),
        t.tenantId,
      ).toHaveLength(1);
      expect(
        stream.filter((type) => type === 'InvoiceFinalized'),
        t.tenantId,
      ).toHaveLength(1);
      expect(stream.at(-1)).toBe('InvoiceFinalized');
    }
    for (const p of platform.query.projectors) while ((await p.status()).eventsBehind !== 0) await new Promise((r) => setTimeout(r, 20));
    for (const t of tenants) {
      const list = await platform.get(`/v1/billing/invoices?tenantId=${t.tenantId}`, ADMIN_KEY);
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0]).toMatchObject({ status: 'finalized', period: { start: period.start.toISOString() }, ...expected(t) });
    }
  }, 180_000);
});
