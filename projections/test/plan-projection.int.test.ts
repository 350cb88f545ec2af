import { randomUUID } from 'node:crypto';
import { createPgPool, type ParleyEvent, PLATFORM_TENANT_ID, type Plan, type PostgresEventStore } from '@parley/events';
import type { TestDatabase } from '@parley/events/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgProjector, toProjected } from '../src/index.ts';
import { PlanQueries, planProjection } from '../src/plans/index.ts';
import { envelope } from './support/events.ts';
import { closePgStore, openPgStore } from './support/pg-store.ts';

let db: TestDatabase;
let store: PostgresEventStore;
let pool: pg.Pool;

beforeAll(async () => {
  ({ db, store, pool } = await openPgStore('plan_projection'));
});
afterAll(async () => {
  await closePgStore({ db, store, pool });
});

const plan = (planKey: string, rank: number, version = 1): Plan => ({
  planKey,
  version,
  terms: {
    name: planKey,
    currency: 'EUR',
    cycle: 'monthly',
    alignment: 'calendar',
    rank,
    flatFee: 1000 * rank,
    charges: [],
    minimumCommitment: null,
    trialDays: 0,
  },
});

async function project(schema: string, batchSize: number) {
  const projector = new PgProjector({ pool, store, projection: { ...planProjection, name: schema, schema }, batchSize });
  await projector.start();
  const deadline = Date.now() + 20_000;
  while ((await projector.status()).eventsBehind !== 0) {
    if (Date.now() > deadline) throw new Error(`${schema} did not catch up`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await projector.stop();
  const read = createPgPool({ connectionString: db.connectionString, max: 1, options: `-c search_path=${schema}` });
  return { read, queries: new PlanQueries(read, () => new Date('2026-09-20T12:00:00Z')) };
}

describe('plans read model', () => {
  it('keeps each plan’s latest version and each tenant’s timeline, the same one event at a time, in batches, and applied twice', async () => {
    const acme = randomUUID();
    const beta = randomUUID();
    let t = Date.parse('2026-09-01T09:00:00Z');
    const at = () => new Date((t += 1_000));
    const defined = (p: Plan): ParleyEvent => ({ type: 'PlanDefined', data: p });
    await store.appendToStream('plan-starter', [envelope(defined(plan('starter', 1)), PLATFORM_TENANT_ID, at())]);
    await store.appendToStream('plan-growth', [
      envelope(defined(plan('growth', 2)), PLATFORM_TENANT_ID, at()),
      envelope(defined(plan('growth', 2, 2)), PLATFORM_TENANT_ID, at()),
    ]);
    const startedAt = '2026-09-01T12:00:00.000Z';
    await store.appendToStream(`tenant_plan-${acme}`, [
      envelope(
        { type: 'TenantPlanChosen', data: { tenantId: acme, plan: plan('growth', 2, 2), startedAt, timeZone: 'America/New_York', trialEndsAt: null } },
        acme,
        at(),
      ),
      envelope(
        { type: 'TenantPlanChangeScheduled', data: { tenantId: acme, from: 'growth', plan: plan('starter', 1), effectiveAt: '2026-10-01T04:00:00.000Z' } },
        acme,
        at(),
      ),
    ]);
    await store.appendToStream(`tenant_plan-${beta}`, [
      envelope({ type: 'TenantPlanChosen', data: { tenantId: beta, plan: plan('starter', 1), startedAt, timeZone: 'UTC', trialEndsAt: null } }, beta, at()),
      envelope(
        { type: 'TenantPlanUpgraded', data: { tenantId: beta, from: 'starter', plan: plan('growth', 2), effectiveAt: '2026-09-10T00:00:00.000Z' } },
        beta,
        at(),
      ),
    ]);

    const one = await project('plans_one', 1);
    const batch = await project('plans_batch', 100);
    try {
      for (const { queries } of [one, batch]) {
        expect((await queries.plans()).map((p) => [p.planKey, p.version])).toEqual([
          ['starter', 1],
          ['growth', 2],
        ]);
        expect(await queries.tenantPlan(acme)).toEqual({
          planKey: 'growth',
          version: 2,
          terms: plan('growth', 2, 2).terms,
          name: 'growth',
          currency: 'EUR',
          startedAt,
          timeZone: 'America/New_York',
          trialEndsAt: null,
          currentPeriod: { start: '2026-09-01T04:00:00.000Z', end: '2026-10-01T04:00:00.000Z' },
          scheduledChange: { planKey: 'starter', effectiveAt: '2026-10-01T04:00:00.000Z' },
        });
        expect((await queries.tenantPlan(beta))?.planKey).toBe('growth');
        expect(await queries.tenantPlan(randomUUID())).toBeNull();
      }

      // An earlier event applied again (a redelivery after later ones) changes nothing.
      const dump = async () => (await one.read.query('SELECT tenant_id, timeline, order_key FROM tenant_plans ORDER BY tenant_id')).rows;
      const before = await dump();
      const client = await pool.connect();
      try {
        await client.query('SET search_path = plans_one');
        for (const stream of [`tenant_plan-${acme}`, `tenant_plan-${beta}`, 'plan-growth']) {
          const [first] = await store.readStream(stream);
          const projected = first && toProjected(first);
          if (!projected) throw new Error(`${stream} is empty`);
          await planProjection.apply(client, projected);
        }
      } finally {
        client.release();
      }
      expect(await dump()).toEqual(before);
      expect((await one.queries.plans()).find((p) => p.planKey === 'growth')?.version).toBe(2);
    } finally {
      await one.read.end();
      await batch.read.end();
    }
  });
});
