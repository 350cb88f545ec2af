import { publicWebhookOf } from '@parley/events';
import type { PgProjection, Sql } from '../runtime/pg-projection.ts';
import type { Projected } from '../runtime/projected-event.ts';

export const WEBHOOKS_SCHEMA = 'webhooks';

/**
 * Tenants' webhook subscriptions and every delivery owed to them, with each attempt: the
 * workers deliver what is due from here, and the query API serves it as the delivery log.
 * A delivery's id derives from its subscription and its source event, so an event
 * applied twice owes nothing twice.
 */
async function createTables(sql: Sql): Promise<void> {
  await sql.query(`
    CREATE TABLE subscriptions (
      tenant_id       uuid NOT NULL,
      subscription_id uuid PRIMARY KEY,
      url             text NOT NULL,
      event_types     text[] NOT NULL,
      active          boolean NOT NULL DEFAULT true,
      disabled_reason text,
      created_at      timestamptz NOT NULL
    );
    CREATE INDEX subscriptions_by_tenant ON subscriptions (tenant_id);
    CREATE TABLE deliveries (
      delivery_id     uuid PRIMARY KEY,
      tenant_id       uuid NOT NULL,
      subscription_id uuid NOT NULL,
      -- The Standard Webhooks id: stable across retries and replays of this delivery.
      webhook_id      text NOT NULL,
      type            text NOT NULL,
      payload         jsonb NOT NULL,
      state           text NOT NULL DEFAULT 'pending', -- pending, delivered, failed, cancelled
      attempts        integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      created_at      timestamptz NOT NULL,
      order_key       text COLLATE "C" NOT NULL
    );
    CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';
    CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, order_key DESC);
    CREATE TABLE attempts (
      delivery_id      uuid NOT NULL,
      attempt          integer NOT NULL,
      at               timestamptz NOT NULL,
      outcome          text NOT NULL,
      http_status      integer,
      error            text,
      latency_ms       integer NOT NULL,
      response_excerpt text,
      PRIMARY KEY (delivery_id, attempt)
    );
  `);
}

/**
 * md5 of the subscription and the source event, as a version-8 (custom) RFC 9562 uuid:
 * the same pair always names the same delivery.
 */
const deliveryId = (eventId: string) => {
  const hash = `md5(s.subscription_id::text || ':' || ${eventId})`;
  return `(substr(${hash}, 1, 12) || '8' || substr(${hash}, 14, 3) || '8' || substr(${hash}, 18, 15))::uuid`;
};

/** A public event owed to its tenant's matching subscriptions. */
interface Owed {
  tenant: string;
  event_id: string;
  type: string;
  payload: unknown;
  at: string;
  order_key: string;
}

/**
 * Subscriptions' own events and delivery outcomes. Answers whether the event is also owed
 * to the tenant's subscribers as a public webhook.
 */
async function applyOwn(sql: Sql, p: Projected): Promise<boolean> {
  const tenant = p.metadata.tenantId;
  const e = p.event;
  const at = p.metadata.occurredAt;
  switch (e.type) {
    case 'WebhookSubscriptionCreated':
      await sql.query(
        `INSERT INTO subscriptions (tenant_id, subscription_id, url, event_types, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [tenant, e.data.subscriptionId, e.data.url, e.data.eventTypes, at],
      );
      return false;
    case 'WebhookSubscriptionEnabled':
      await sql.query('UPDATE subscriptions SET active = true, disabled_reason = NULL WHERE subscription_id = $1', [e.data.subscriptionId]);
      return false;
    case 'WebhookSubscriptionDisabled':
      await sql.query('UPDATE subscriptions SET active = false, disabled_reason = $2 WHERE subscription_id = $1', [e.data.subscriptionId, e.data.reason]);
      await sql.query(`UPDATE deliveries SET state = 'cancelled', next_attempt_at = NULL WHERE subscription_id = $1 AND state = 'pending'`, [
        e.data.subscriptionId,
      ]);
      return true; // The tenant's other subscriptions hear of it (webhook.subscription_disabled).
    case 'WebhookTestRequested':
      await sql.query(
        `INSERT INTO deliveries (delivery_id, tenant_id, subscription_id, webhook_id, type, payload, next_attempt_at, created_at, order_key)
         VALUES ($1, $2, $3, $4, 'webhook.test', $5, $6, $6, $7) ON CONFLICT DO NOTHING`,
        [
          e.data.deliveryId,
          tenant,
          e.data.subscriptionId,
          `msg_${e.data.deliveryId.replace(/-/g, '')}`,
          JSON.stringify(publicWebhookOf(e, p.metadata)),
          at,
          p.orderKey,
        ],
      );
      return false;
    case 'WebhookReplayRequested':
      await sql.query(`UPDATE deliveries SET state = 'pending', next_attempt_at = $2 WHERE delivery_id = $1 AND state <> 'pending'`, [e.data.deliveryId, at]);
      return false;
    case 'WebhookDeliveryAttempted': {
      const d = e.data;
      const inserted = await sql.query(
        `INSERT INTO attempts (delivery_id, attempt, at, outcome, http_status, error, latency_ms, response_excerpt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT DO NOTHING`,
        [d.deliveryId, d.attempt, d.at, d.outcome, d.httpStatus, d.error, d.latencyMs, d.responseExcerpt],
      );
      if (inserted.rowCount === 0) return false;
      await sql.query(
        `UPDATE deliveries SET attempts = greatest(attempts, $2), state = $3, next_attempt_at = $4 WHERE delivery_id = $1 AND state = 'pending'`,
        [d.deliveryId, d.attempt, d.outcome === 'retrying' ? 'pending' : d.outcome === 'delivered' ? 'delivered' : 'failed', d.nextAttemptAt],
      );
      return false;
    }
    default:
      return true;
  }
}

/** One statement for every public event of a run: most events are owed to nobody, and cost no round trip of their own. */
async function insertOwed(sql: Sql, owed: readonly Owed[]): Promise<void> {
  await sql.query(
    `INSERT INTO deliveries (delivery_id, tenant_id, subscription_id, webhook_id, type, payload, next_attempt_at, created_at, order_key)
     SELECT ${deliveryId('x.event_id')}, s.tenant_id, s.subscription_id, 'msg_' || replace(${deliveryId('x.event_id')}::text, '-', ''),
            x.type, x.payload, x.at, x.at, x.order_key
       FROM jsonb_to_recordset($1::jsonb) AS x(tenant uuid, event_id text, type text, payload jsonb, at timestamptz, order_key text)
       JOIN subscriptions s ON s.tenant_id = x.tenant AND s.active AND (x.type = ANY(s.event_types) OR '*' = ANY(s.event_types))
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(owed)],
  );
}

/**
 * Events in log order. Public events are owed in runs: a run ends before any subscription
 * or delivery event, so a subscription created, disabled or enabled mid-batch is owed
 * exactly the events that follow it, as one event at a time would.
 */
async function applyBatch(sql: Sql, events: readonly Projected[]): Promise<void> {
  let owed: Owed[] = [];
  for (const p of events) {
    const isOwn = p.event.type.startsWith('Webhook');
    if (isOwn && owed.length > 0) {
      await insertOwed(sql, owed);
      owed = [];
    }
    if (isOwn && !(await applyOwn(sql, p))) continue;
    const hook = publicWebhookOf(p.event, p.metadata);
    if (!hook || hook.type === 'webhook.test') continue;
    owed.push({ tenant: p.metadata.tenantId, event_id: p.eventId, type: hook.type, payload: hook, at: p.metadata.occurredAt, order_key: p.orderKey });
  }
  if (owed.length > 0) await insertOwed(sql, owed);
}

export const webhookProjection: PgProjection = {
  name: 'webhooks',
  schema: WEBHOOKS_SCHEMA,
  version: 1,
  createTables,
  apply: (sql, event) => applyBatch(sql, [event]),
  applyBatch,
};
