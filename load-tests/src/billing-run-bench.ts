/**
 * A billing run over N tenants (`npm run bench -- --only=billing`, `--billing-tenants=N`,
 * default 10,000): N tenants on a plan in the plans read model, usage rows in chDB, then
 * one run of the workers' billing job at the period's end, which drafts every tenant's
 * invoice (usage per tenant from the usage rollup, `computeInvoice`, one append each).
 * Usage is read in process, as a workers process next to a ClickHouse server would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Invoicing } from '@parley/command';
import { createPostgresEventStore, type Plan, PlanTerms, silentLogger } from '@parley/events';
import type { PlanTimeline } from '@parley/events/billing';
import { createTestDatabase } from '@parley/events/testing';
import { PgProjector } from '@parley/projections';
import { createClickHouseClient, migrate } from '@parley/projections/analytics';
import { planProjection, plansReadPool } from '@parley/projections/plans';
import { usageForPeriod, usageForTenants } from '@parley/projections/usage';
import { BillingJob, snapshotOf, type UsageSource } from '@parley/workers';
import pg from 'pg';
import { fmt } from './analytics-bench.ts';

const PERIOD = { start: '2026-10-01T00:00:00.000Z', end: '2026-11-01T00:00:00.000Z' };
const ROWS_PER_TENANT = 10;

const plan: Plan = {
  planKey: 'growth',
  version: 1,
  terms: PlanTerms.parse({
    name: 'Growth',
    currency: 'EUR',
    cycle: 'monthly',
    alignment: 'calendar',
    rank: 2,
    flatFee: 4900,
    charges: [
      {
        meter: 'messages_sent',
        includedUnits: 2,
        price: {
          model: 'graduated',
          tiers: [
            { upTo: 3, unitPrice: '5' },
            { upTo: null, unitPrice: '2.5' },
          ],
        },
      },
      { meter: 'active_contacts', includedUnits: 0, price: { model: 'per_unit', unitPrice: '0.35' } },
    ],
    minimumCommitment: 10_000,
    trialDays: 0,
  }),
};

const tenantId = (i: number) => `${(0x10000000 + i).toString(16)}-0000-4000-8000-000000000000`;

export async function runBillingRunBench(options: { tenants: number; log: (line: string) => void }): Promise<number> {
  const { tenants, log } = options;
  const db = await createTestDatabase('billing_run_bench');
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-chdb-billing-run-'));
  const store = await createPostgresEventStore({ connectionString: db.connectionString });
  const pool = new pg.Pool({ connectionString: db.connectionString, max: 4 });
  const plansPool = plansReadPool(db.connectionString, 4);
  const client = createClickHouseClient({ url: null, dataDir, database: 'parley', cluster: null });
  try {
    // The plans read model: every tenant on the plan from the period's start.
    await new PgProjector({ pool, store, projection: planProjection }).prepare();
    const timeline: PlanTimeline = { startedAt: PERIOD.start, timeZone: 'UTC', trialEndsAt: null, plans: [{ plan, from: PERIOD.start }] };
    await pool.query(
      `INSERT INTO plans.tenant_plans (tenant_id, timeline, order_key)
       SELECT id, $1::jsonb, '0' FROM unnest($2::uuid[]) id`,
      [JSON.stringify(timeline), Array.from({ length: tenants }, (_, i) => tenantId(i))],
    );
    // Usage: a few rows per tenant and meter over the period, into the rollup through its view.
    await migrate(client, { database: 'parley', cluster: null });
    const values = [];
    for (let i = 0; i < tenants; i++) {
      for (let r = 0; r < ROWS_PER_TENANT; r++) {
        const at = new Date(Date.parse(PERIOD.start) + (r + 1) * 2 * 86_400_000 + (i % 96) * 900_000).toISOString().replace('T', ' ').replace('Z', '');
        values.push({
          tenant_id: tenantId(i),
          meter: r % 2 === 0 ? 'messages_sent' : 'active_contacts',
          occurred_at: at,
          event_id: `${i}-${r}`,
          position: i * ROWS_PER_TENANT + r + 1,
          group_key: '{}',
          value: 1,
          subject: `contact-${r % 3}`,
        });
      }
    }
    await client.insert({ table: 'parley.usage_events', values, format: 'JSONEachRow' });
    log(`billing run bench: ${fmt(tenants)} tenants, ${fmt(values.length)} usage rows`);

    const usage: UsageSource = {
      usage: async (tenant, from, to) => snapshotOf(await usageForPeriod(client, 'parley', { tenantId: tenant, from: new Date(from), to: new Date(to) })),
      // The job reads a chunk of tenants sharing a period in one query.
      async usageOfMany(tenantIds, from, to) {
        const reports = await usageForTenants(client, 'parley', { tenantIds, from: new Date(from), to: new Date(to) });
        return new Map([...reports].map(([tenant, report]) => [tenant, snapshotOf(report)]));
      },
    };
    const clock = () => new Date(Date.parse(PERIOD.end) + 3_600_000);
    const job = new BillingJob({
      plansPool,
      store,
      invoicing: new Invoicing(store, clock),
      usage,
      policy: { graceMs: 3 * 86_400_000, taxRatePercent: '19' },
      clock,
      logger: silentLogger,
      concurrency: 16,
    });
    const t = performance.now();
    const report = await job.run();
    const seconds = (performance.now() - t) / 1000;
    log(`billing run: ${fmt(report.drafted)} invoices drafted for ${fmt(report.tenants)} tenants (${report.failed} failed) in ${seconds.toFixed(1)} s`);
    const again = performance.now();
    const rerun = await job.run();
    log(
      `the same run again (drafts in grace recomputed, nothing changed): ${rerun.redrafted} appended in ${((performance.now() - again) / 1000).toFixed(1)} s`,
    );
    log(`per tenant: ${((seconds * 1000) / Math.max(1, report.tenants)).toFixed(1)} ms (target for 10,000 tenants: under 60 s)`);
    return seconds;
  } finally {
    await plansPool.end();
    await pool.end();
    await store.close();
    await client.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
