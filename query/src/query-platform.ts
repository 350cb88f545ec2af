import { consoleLogger, createPgPool, type EventStore } from '@parley/events';
import { createEventStore, type PlatformKeys } from '@parley/kit';
import { CheckpointWatcher, type MonitoredProjector, PgProjector } from '@parley/projections';
import { BillingQueries, billingProjection, billingReadPool } from '@parley/projections/billing';
import { InboxIdentity, InboxQueries, inboxProjection, inboxReadPool } from '@parley/projections/inbox';
import { InvoiceQueries, invoiceProjection, invoicesReadPool } from '@parley/projections/invoices';
import { PlanQueries, planProjection, plansReadPool } from '@parley/projections/plans';
import { WebhookQueries, webhookProjection, webhooksReadPool } from '@parley/projections/webhooks';
import type { FastifyInstance } from 'fastify';
import { buildQueryApi } from './http/query-api.ts';

export interface QueryPlatformOptions {
  databaseUrl: string;
  /** Shared with the command side when both run in one process; else opened here. */
  store?: EventStore;
  eventStoreUrl?: string | null;
  /** The current key, or during a rotation the current and the previous one. */
  platformAdminKey: PlatformKeys;
  platformAnalystKey?: PlatformKeys | null;
  /** Run the inbox projectors in this process (npm start), or only read what another process projects. */
  runProjectors: boolean;
  projectorBatchSize?: number;
  /** Projectors /health reports on besides the PostgreSQL ones (the ClickHouse projector). */
  moreProjectors?: readonly MonitoredProjector[];
  /** /health: seconds without progress while events wait before a projector counts as stalled (default 10). */
  stallAfterSeconds?: number;
  extend?: (app: FastifyInstance) => void | Promise<void>;
  /** The instant plan periods are read at (tests move it). */
  clock?: () => Date;
  logger?: boolean;
}

export interface QueryPlatform {
  app: FastifyInstance;
  store: EventStore;
  projectors: PgProjector[];
  close(): Promise<void>;
}

/** Wires the read side: the composition root shared by `main.ts`, tests and benchmarks. */
export async function createQueryPlatform(options: QueryPlatformOptions): Promise<QueryPlatform> {
  const ownStore = !options.store;
  const store = options.store ?? (await createEventStore({ databaseUrl: options.databaseUrl, eventStoreUrl: options.eventStoreUrl ?? null }));
  const projectorPool = createPgPool({ connectionString: options.databaseUrl, max: 4 });
  const readPool = inboxReadPool(options.databaseUrl);
  const webhooksPool = webhooksReadPool(options.databaseUrl, 2);
  const plansPool = plansReadPool(options.databaseUrl, 2);
  const inbox = new PgProjector({
    pool: projectorPool,
    store,
    projection: inboxProjection,
    batchSize: options.projectorBatchSize,
    logger: options.logger ? consoleLogger('projector') : undefined,
  });
  const plans = new PgProjector({
    pool: projectorPool,
    store,
    projection: planProjection,
    logger: options.logger ? consoleLogger('plan-projector') : undefined,
  });
  const billing = new PgProjector({
    pool: projectorPool,
    store,
    projection: billingProjection,
    logger: options.logger ? consoleLogger('billing-projector') : undefined,
  });
  const invoices = new PgProjector({
    pool: projectorPool,
    store,
    projection: invoiceProjection,
    logger: options.logger ? consoleLogger('invoice-projector') : undefined,
  });
  const billingPool = billingReadPool(options.databaseUrl);
  const invoicesPool = invoicesReadPool(options.databaseUrl);
  const projectors = [inbox, plans, billing, invoices];
  for (const p of projectors) {
    if (options.runProjectors) await p.start();
    else await p.prepare();
  }
  // The workers project webhooks; this process only reads them, so their tables must exist.
  await new PgProjector({ pool: projectorPool, store, projection: webhookProjection }).prepare();

  const inboxProgress = new CheckpointWatcher(projectorPool, store, inboxProjection.name);
  const app = await buildQueryApi({
    identity: new InboxIdentity(readPool, store, inboxProgress),
    inbox: new InboxQueries(readPool),
    webhooks: new WebhookQueries(webhooksPool),
    plans: new PlanQueries(plansPool, options.clock ?? (() => new Date())),
    billing: new BillingQueries(billingPool),
    invoices: new InvoiceQueries(invoicesPool),
    inboxProgress,
    projectors,
    moreProjectors: options.moreProjectors,
    stallAfterSeconds: options.stallAfterSeconds,
    platformAdminKey: options.platformAdminKey,
    platformAnalystKey: options.platformAnalystKey,
    extend: options.extend,
    logger: options.logger,
  });
  return {
    app,
    store,
    projectors,
    async close() {
      await app.close();
      await inboxProgress.close();
      for (const p of projectors) await p.stop();
      await readPool.end();
      await billingPool.end();
      await invoicesPool.end();
      await webhooksPool.end();
      await plansPool.end();
      await projectorPool.end();
      if (ownStore) await store.close();
    },
  };
}
