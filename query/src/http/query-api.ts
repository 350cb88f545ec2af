import { createApi, type IdentityPort, type PlatformKeys } from '@parley/kit';
import { type CheckpointWatcher, type MonitoredProjector, type PgProjector, registerHealthRoute } from '@parley/projections';
import type { BillingQueries } from '@parley/projections/billing';
import type { InboxQueries } from '@parley/projections/inbox';
import type { InvoiceQueries } from '@parley/projections/invoices';
import type { PlanQueries } from '@parley/projections/plans';
import type { WebhookQueries } from '@parley/projections/webhooks';
import type { FastifyInstance } from 'fastify';
import { readYourWrites } from './read-your-writes.ts';
import { billingRoutes } from './routes/billing-routes.ts';
import { inboxRoutes } from './routes/inbox-routes.ts';
import { invoiceRoutes } from './routes/invoice-routes.ts';
import { meRoutes } from './routes/me-routes.ts';
import { operationsRoutes } from './routes/operations-routes.ts';
import { planRoutes } from './routes/plan-routes.ts';
import { settingsRoutes } from './routes/settings-routes.ts';
import { supervisorRoutes } from './routes/supervisor-routes.ts';
import { webhookRoutes } from './routes/webhook-routes.ts';

export interface QueryApiDeps {
  /** Resolves tenant users' keys (the inbox read model's identity tables). */
  identity: IdentityPort;
  inbox: InboxQueries;
  /** Tenants' webhook subscriptions and delivery log (projected by the workers). */
  webhooks: WebhookQueries;
  /** The plan catalog and tenants' plans. */
  plans: PlanQueries;
  /** Tenants' Stripe subscriptions and payments. */
  billing: BillingQueries;
  /** Tenants' invoices (drafted and finalized by the billing job). */
  invoices: InvoiceQueries;
  /** The inbox projector's checkpoint, for read-your-writes. */
  inboxProgress: CheckpointWatcher;
  /** The PostgreSQL projectors, wherever they run: lag, parked events, replay, rebuild. */
  projectors: readonly PgProjector[];
  /** Projectors this API reports on but does not administer (ClickHouse). */
  moreProjectors?: readonly MonitoredProjector[];
  /** /health: seconds without progress while events wait before a projector counts as stalled (default 10). */
  stallAfterSeconds?: number;
  platformAdminKey: PlatformKeys;
  platformAnalystKey?: PlatformKeys | null;
  /** Adds more routes (the analytics endpoints) to the same app. */
  extend?: (app: FastifyInstance) => void | Promise<void>;
  logger?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    inbox: InboxQueries;
    webhooks: WebhookQueries;
    planViews: PlanQueries;
    billingReads: BillingQueries;
    invoiceReads: InvoiceQueries;
    projectors: { administered: readonly PgProjector[]; monitored: readonly MonitoredProjector[] };
  }
}

/** The query API: the kit's edge, the read models as decorators, then one plugin per resource. */
export async function buildQueryApi(deps: QueryApiDeps): Promise<FastifyInstance> {
  const api = await createApi({
    title: 'Parley query API',
    description: 'Reads: inbox read models projected from the event log.',
    identity: deps.identity,
    platformAdminKey: deps.platformAdminKey,
    platformAnalystKey: deps.platformAnalystKey,
    requestLog: deps.logger ?? false,
  });
  const monitored = [...deps.projectors, ...(deps.moreProjectors ?? [])];
  api.decorate('inbox', deps.inbox);
  api.decorate('webhooks', deps.webhooks);
  api.decorate('planViews', deps.plans);
  api.decorate('billingReads', deps.billing);
  api.decorate('invoiceReads', deps.invoices);
  api.decorate('projectors', { administered: deps.projectors, monitored });
  await api.register(readYourWrites, { progress: deps.inboxProgress });
  registerHealthRoute(api, monitored, { stallAfterSeconds: deps.stallAfterSeconds ?? 10 });
  await api.register(meRoutes);
  await api.register(inboxRoutes);
  await api.register(supervisorRoutes);
  await api.register(settingsRoutes);
  await api.register(operationsRoutes);
  await api.register(webhookRoutes);
  await api.register(planRoutes);
  await api.register(billingRoutes);
  await api.register(invoiceRoutes);
  await deps.extend?.(api);
  return api;
}
