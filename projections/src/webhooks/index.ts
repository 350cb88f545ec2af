import { createPgPool } from '@parley/events';
import type pg from 'pg';
import { WEBHOOKS_SCHEMA } from './webhook-projection.ts';

export { webhookProjection } from './webhook-projection.ts';
export { type DueDelivery, WebhookDeliveryView, WebhookQueries, WebhookSubscriptionView } from './webhook-queries.ts';

/** A pool whose search_path is the live webhooks schema. */
export function webhooksReadPool(connectionString: string, max = 4): pg.Pool {
  return createPgPool({ connectionString, max, options: `-c search_path=${WEBHOOKS_SCHEMA}` });
}
