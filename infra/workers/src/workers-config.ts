import { consoleLogger, type EventStore } from '@parley/events';
import type { Config } from '@parley/kit';
import type { WorkersOptions } from './workers.ts';

const DAY_MS = 86_400_000;

/**
 * The workers' options from the platform's configuration: one mapping for the workers'
 * own process, `npm start`'s single process and the tests' workers process, which each
 * override only what differs (where usage and the Cloud API are, the clock).
 */
export function workersOptionsFrom(config: Config, store: EventStore): WorkersOptions & { billing: NonNullable<WorkersOptions['billing']> } {
  return {
    databaseUrl: config.databaseUrl,
    store,
    secretKey: config.secretKey,
    redisUrl: config.redisUrl,
    queuePrefix: config.redisPrefix,
    jobLockMs: config.jobLockMs,
    webhooks: config.webhooks,
    billing: {
      everyMs: config.billing.everyMs,
      graceMs: config.billing.invoices.graceDays * DAY_MS,
      taxRatePercent: config.billing.invoices.taxRatePercent,
      usageUrl: config.billing.usageUrl,
      adminKey: config.platformAdminKey,
    },
    whatsapp: {
      apiUrl: config.whatsapp.apiUrl ?? 'https://graph.facebook.com',
      apiVersion: config.whatsapp.apiVersion,
      numberRate: config.whatsapp.numberRate,
    },
    logger: consoleLogger('workers'),
  };
}
