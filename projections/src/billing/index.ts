import { createPgPool } from '@parley/events';
import type pg from 'pg';
import { BILLING_SCHEMA } from './billing-projection.ts';

export { billingProjection } from './billing-projection.ts';
export { BillingQueries, BillingSubscriptionView, PaymentView } from './billing-queries.ts';

/** A pool whose search_path is the live billing schema. */
export function billingReadPool(connectionString: string, max = 2): pg.Pool {
  return createPgPool({ connectionString, max, options: `-c search_path=${BILLING_SCHEMA}` });
}
