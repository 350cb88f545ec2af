import { createPgPool } from '@parley/events';
import type pg from 'pg';
import { PLANS_SCHEMA } from './plan-projection.ts';

export { PLANS_SCHEMA, planProjection } from './plan-projection.ts';
export { PlanQueries } from './plan-queries.ts';

/** A pool whose search_path is the live plans schema. */
export function plansReadPool(connectionString: string, max = 2): pg.Pool {
  return createPgPool({ connectionString, max, options: `-c search_path=${PLANS_SCHEMA}` });
}
