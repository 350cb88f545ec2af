import type pg from 'pg';
import { z } from 'zod';

const Instant = z.string().describe('ISO 8601 instant');
const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export const WebhookSubscriptionView = z.object({
  subscriptionId: z.uuid(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  active: z.boolean(),
  disabledReason: z.string().nullable(),
  createdAt: Instant,
});
export type WebhookSubscriptionView = z.infer<typeof WebhookSubscriptionView>;

export const WebhookAttemptView = z.object({
  attempt: z.number().int(),
  at: Instant,
  outcome: z.string(),
  httpStatus: z.number().int().nullable(),
  error: z.string().nullable(),
  latencyMs: z.number().int(),
  responseExcerpt: z.string().nullable(),
});
export const WebhookDeliveryView = z.object({
  deliveryId: z.uuid(),
  webhookId: z.string(),
  type: z.string(),
  state: z.enum(['pending', 'delivered', 'failed', 'cancelled']),
  attempts: z.array(WebhookAttemptView),
  nextAttemptAt: Instant.nullable(),
  createdAt: Instant,
});
export type WebhookDeliveryView = z.infer<typeof WebhookDeliveryView>;

/** A delivery the workers owe now. */
export interface DueDelivery {
  deliveryId: string;
  tenantId: string;
  subscriptionId: string;
  url: string;
  webhookId: string;
  payload: unknown;
  attempt: number;
}

export class WebhookQueries {
  constructor(private readonly pool: pg.Pool) {}

  async subscriptions(tenantId: string): Promise<WebhookSubscriptionView[]> {
    const res = await this.pool.query<{
      subscription_id: string;
      url: string;
      event_types: string[];
      active: boolean;
      disabled_reason: string | null;
      created_at: Date;
    }>(
      'SELECT subscription_id, url, event_types, active, disabled_reason, created_at FROM subscriptions WHERE tenant_id = $1 ORDER BY created_at, subscription_id',
      [tenantId],
    );
    return res.rows.map((r) => ({
      subscriptionId: r.subscription_id,
      url: r.url,
      eventTypes: r.event_types,
      active: r.active,
      disabledReason: r.disabled_reason,
      createdAt: r.created_at.toISOString(),
    }));
  }

  /** The subscription's latest deliveries with their attempts; null: no such subscription of the tenant. */
  async deliveries(tenantId: string, subscriptionId: string, limit: number): Promise<WebhookDeliveryView[] | null> {
    const owner = await this.pool.query('SELECT 1 FROM subscriptions WHERE tenant_id = $1 AND subscription_id = $2', [tenantId, subscriptionId]);
    if (owner.rowCount === 0) return null;
    const res = await this.pool.query<{
      delivery_id: string;
      webhook_id: string;
      type: string;
      state: WebhookDeliveryView['state'];
      next_attempt_at: Date | null;
      created_at: Date;
      attempts: {
        attempt: number;
        at: string;
        outcome: string;
        http_status: number | null;
        error: string | null;
        latency_ms: number;
        response_excerpt: string | null;
      }[];
    }>(
      `SELECT d.delivery_id, d.webhook_id, d.type, d.state, d.next_attempt_at, d.created_at,
              coalesce((SELECT json_agg(a ORDER BY a.attempt) FROM attempts a WHERE a.delivery_id = d.delivery_id), '[]') AS attempts
         FROM deliveries d WHERE d.subscription_id = $1 ORDER BY d.order_key DESC, d.delivery_id LIMIT $2`,
      [subscriptionId, limit],
    );
    return res.rows.map((r) => ({
      deliveryId: r.delivery_id,
      webhookId: r.webhook_id,
      type: r.type,
      state: r.state,
      nextAttemptAt: iso(r.next_attempt_at),
      createdAt: r.created_at.toISOString(),
      attempts: r.attempts.map((a) => ({
        attempt: a.attempt,
        at: new Date(a.at).toISOString(),
        outcome: a.outcome,
        httpStatus: a.http_status,
        error: a.error,
        latencyMs: a.latency_ms,
        responseExcerpt: a.response_excerpt,
      })),
    }));
  }

  /** Deliveries whose next attempt is due by `now`, oldest first. */
  async due(now: Date, limit: number): Promise<DueDelivery[]> {
    const res = await this.pool.query<{
      delivery_id: string;
      tenant_id: string;
      subscription_id: string;
      url: string;
      webhook_id: string;
      payload: unknown;
      attempts: number;
    }>(
      `SELECT d.delivery_id, d.tenant_id, d.subscription_id, s.url, d.webhook_id, d.payload, d.attempts
         FROM deliveries d JOIN subscriptions s ON s.subscription_id = d.subscription_id
        WHERE d.state = 'pending' AND d.next_attempt_at <= $1 AND s.active
        ORDER BY d.next_attempt_at LIMIT $2`,
      [now, limit],
    );
    return res.rows.map((r) => ({
      deliveryId: r.delivery_id,
      tenantId: r.tenant_id,
      subscriptionId: r.subscription_id,
      url: r.url,
      webhookId: r.webhook_id,
      payload: r.payload,
      attempt: r.attempts + 1,
    }));
  }
}
