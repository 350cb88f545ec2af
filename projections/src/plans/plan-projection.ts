import { Plan } from '@parley/events';
import { evolveTimeline, type PlanTimeline } from '@parley/events/billing';
import type { PgProjection, Sql } from '../runtime/pg-projection.ts';
import type { Projected } from '../runtime/projected-event.ts';

export const PLANS_SCHEMA = 'plans';

/**
 * The plan catalog (each plan's latest version) and each tenant's plan timeline, folded
 * with the same `evolveTimeline` the command side decides on. Rows keep the order key of
 * the last event that changed them: an event applied twice changes nothing the second time.
 */
async function createTables(sql: Sql): Promise<void> {
  await sql.query(`
    CREATE TABLE plans (
      plan_key   text PRIMARY KEY,
      version    integer NOT NULL,
      plan       jsonb NOT NULL,
      defined_at timestamptz NOT NULL
    );
    CREATE TABLE tenant_plans (
      tenant_id  uuid PRIMARY KEY,
      timeline   jsonb NOT NULL,
      order_key  text COLLATE "C" NOT NULL
    );
  `);
}

async function apply(sql: Sql, p: Projected): Promise<void> {
  const e = p.event;
  switch (e.type) {
    case 'PlanDefined':
      await sql.query(
        `INSERT INTO plans (plan_key, version, plan, defined_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (plan_key) DO UPDATE SET version = excluded.version, plan = excluded.plan, defined_at = excluded.defined_at
         WHERE plans.version < excluded.version`,
        [e.data.planKey, e.data.version, JSON.stringify(Plan.parse(e.data)), p.metadata.occurredAt],
      );
      return;
    case 'TenantPlanChosen':
    case 'TenantPlanUpgraded':
    case 'TenantPlanChangeScheduled':
    case 'TenantPlanChangeCanceled': {
      const row = await sql.query<{ timeline: PlanTimeline; order_key: string }>(
        'SELECT timeline, order_key FROM tenant_plans WHERE tenant_id = $1 FOR UPDATE',
        [e.data.tenantId],
      );
      const current = row.rows[0];
      if (current && current.order_key >= p.orderKey) return;
      const timeline = evolveTimeline(current?.timeline ?? null, e);
      if (timeline === null) return;
      await sql.query(
        `INSERT INTO tenant_plans (tenant_id, timeline, order_key) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id) DO UPDATE SET timeline = excluded.timeline, order_key = excluded.order_key`,
        [e.data.tenantId, JSON.stringify(timeline), p.orderKey],
      );
      return;
    }
    default:
      return;
  }
}

export const planProjection: PgProjection = {
  name: 'plans',
  schema: PLANS_SCHEMA,
  version: 1,
  createTables,
  apply,
};
