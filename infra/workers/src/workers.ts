import { Invoicing, Outbound } from '@parley/command';
import { createPgPool, type EventStore, type Logger, silentLogger } from '@parley/events';
import { PgProjector } from '@parley/projections';
import { plansReadPool } from '@parley/projections/plans';
import { WebhookQueries, webhookProjection, webhooksReadPool } from '@parley/projections/webhooks';
import { BillingJob, type BillingPolicy } from './billing/billing-job.ts';
import { BillingSchedule } from './billing/billing-schedule.ts';
import { QueryApiUsageSource, type UsageSource } from './billing/usage-source.ts';
import { CloudApiClient } from './outbound/cloud-api-client.ts';
import { OUTBOUND_SCHEMA, outboundProjection } from './outbound/outbound-projection.ts';
import { SendDispatcher } from './outbound/send-dispatcher.ts';
import { type QueueStats, SendWorkers } from './outbound/send-workers.ts';
import { WebhookDeliveries } from './webhooks/webhook-deliveries.ts';

export interface WorkersOptions {
  databaseUrl: string;
  store: EventStore;
  /** Opens the numbers' sealed access tokens. */
  secretKey: string;
  redisUrl: string;
  whatsapp: { apiUrl: string; apiVersion?: string; numberRate?: number; timeoutMs?: number };
  /** BullMQ's Redis key prefix (default `parley`): one Redis may serve several deployments or test runs. */
  queuePrefix?: string;
  logger?: Logger;
  clock?: () => Date;
  /** How often every pending send is offered to Redis again (default 5 s). */
  reofferEveryMs?: number;
  /** See SendWorkersOptions.lockMs. */
  jobLockMs?: number;
  /** Where tenants' webhooks may point (default: public addresses only). */
  webhooks?: { allowLoopback: boolean };
  /**
   * The billing job (docs/billing.md#the-invoice-lifecycle); unset: not run. Usage comes
   * from `usage`, or from the query API at `usageUrl` with the platform admin key.
   */
  billing?: BillingPolicy & { everyMs: number; usageUrl: string; adminKey: string; usage?: UsageSource };
}

export interface Workers {
  projector: PgProjector;
  /** Every projector the workers run: /health reports on each. */
  projectors: PgProjector[];
  sends: SendWorkers;
  /** null when the options have no `billing`. */
  billing: BillingSchedule | null;
  queueStats(): Promise<QueueStats[]>;
  close(): Promise<void>;
}

export function redisConnection(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.password && { password: decodeURIComponent(u.password) }),
    ...(u.username && { username: decodeURIComponent(u.username) }),
    ...(u.pathname.length > 1 && { db: Number(u.pathname.slice(1)) }),
  };
}

/**
 * The workers: the outbound projector keeps what must be sent (from the log), the
 * dispatcher hands it to per-number BullMQ queues, and their workers send to the Cloud
 * API and record every outcome through the command side.
 */
export async function createWorkers(options: WorkersOptions): Promise<Workers> {
  const logger = options.logger ?? silentLogger;
  const projectorPool = createPgPool({ connectionString: options.databaseUrl, max: 2 });
  const readPool = createPgPool({ connectionString: options.databaseUrl, max: 2, options: `-c search_path=${OUTBOUND_SCHEMA}` });
  const projector = new PgProjector({ pool: projectorPool, store: options.store, projection: outboundProjection, logger });
  const webhooksProjector = new PgProjector({ pool: projectorPool, store: options.store, projection: webhookProjection, logger });
  await projector.start();
  await webhooksProjector.start();
  const webhooksPool = webhooksReadPool(options.databaseUrl, 2);
  const outbound = new Outbound(options.store, options.secretKey, options.clock);
  const rate = options.whatsapp.numberRate ?? 80;
  const sends = new SendWorkers({
    connection: redisConnection(options.redisUrl),
    prefix: options.queuePrefix ?? 'parley',
    outbound,
    client: new CloudApiClient(options.whatsapp.apiUrl, options.whatsapp.apiVersion, options.whatsapp.timeoutMs),
    logger,
    defaultRate: rate,
    clock: options.clock,
    lockMs: options.jobLockMs,
  });
  const dispatcher = new SendDispatcher(readPool, sends, logger, { reofferEveryMs: options.reofferEveryMs });
  dispatcher.start();
  const webhooks = new WebhookDeliveries({
    connection: redisConnection(options.redisUrl),
    prefix: options.queuePrefix ?? 'parley',
    queries: new WebhookQueries(webhooksPool),
    outbound,
    policy: options.webhooks ?? { allowLoopback: false },
    logger,
    clock: options.clock ?? (() => new Date()),
    lockMs: options.jobLockMs,
  });
  webhooks.start();
  const plansPool = options.billing ? plansReadPool(options.databaseUrl, 2) : null;
  const billing =
    options.billing && plansPool
      ? new BillingSchedule({
          connection: redisConnection(options.redisUrl),
          prefix: options.queuePrefix ?? 'parley',
          everyMs: options.billing.everyMs,
          lockMs: options.jobLockMs,
          clock: options.clock ?? (() => new Date()),
          logger,
          job: new BillingJob({
            plansPool,
            store: options.store,
            invoicing: new Invoicing(options.store, options.clock),
            usage: options.billing.usage ?? new QueryApiUsageSource(options.billing.usageUrl, options.billing.adminKey),
            policy: { graceMs: options.billing.graceMs, taxRatePercent: options.billing.taxRatePercent },
            clock: options.clock ?? (() => new Date()),
            logger,
          }),
        })
      : null;
  await billing?.start();
  return {
    projector,
    projectors: [projector, webhooksProjector],
    sends,
    billing,
    queueStats: () => sends.stats(),
    async close() {
      await billing?.close();
      await plansPool?.end();
      await dispatcher.close();
      await webhooks.close();
      await sends.close();
      await projector.stop();
      await webhooksProjector.stop();
      await webhooksPool.end();
      await readPool.end();
      await projectorPool.end();
    },
  };
}
