import { Plan, type TenantPlanSummary } from '@parley/events';
import { type PlanTimeline, tenantPlanSummary } from '@parley/events/billing';
import type pg from 'pg';

/** The plan catalog and tenants' plans, from the plans read model. */
export class PlanQueries {
  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: () => Date,
  ) {}

  /** Every plan's latest version, by currency, rank and key. */
  async plans(): Promise<Plan[]> {
    const rows = await this.pool.query<{ plan: unknown }>(
      `SELECT plan FROM plans ORDER BY plan->'terms'->>'currency', (plan->'terms'->>'rank')::int, plan_key`,
    );
    return rows.rows.map((r) => Plan.parse(r.plan));
  }

  /** The tenant's plan now; null before its first choice. */
  async tenantPlan(tenantId: string): Promise<TenantPlanSummary | null> {
    const rows = await this.pool.query<{ timeline: PlanTimeline }>('SELECT timeline FROM tenant_plans WHERE tenant_id = $1', [tenantId]);
    const row = rows.rows[0];
    return row ? tenantPlanSummary(row.timeline, this.clock().toISOString()) : null;
  }
}
