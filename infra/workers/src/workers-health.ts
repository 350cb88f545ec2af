import { type Api, accessFor } from '@parley/kit';
import { HealthReport, healthReport } from '@parley/projections';
import { z } from 'zod';
import type { Workers } from './workers.ts';

const QueueHealth = z.object({
  queue: z.string(),
  phoneNumberId: z.string(),
  waiting: z.number().int(),
  delayed: z.number().int(),
  active: z.number().int(),
  failed: z.number().int(),
  oldestWaitingMs: z.number().int(),
});
const BillingHealth = z.object({
  everyMs: z.number().int(),
  lastRun: z
    .object({
      at: z.iso.datetime(),
      tenants: z.number().int(),
      drafted: z.number().int(),
      redrafted: z.number().int(),
      finalized: z.number().int(),
      quotaAlerts: z.number().int(),
      failed: z.number().int(),
    })
    .nullable()
    .describe('null: no run finished since the process started'),
});
const WorkersHealth = HealthReport.extend({
  queues: z.array(QueueHealth),
  billing: BillingHealth.nullable().describe('null: this process does not run the billing job'),
});

/**
 * The workers' `/health`: their projector (as every projector process reports it) and
 * each number's queue: depth, the oldest waiting job's age, failures, and the billing
 * job's last run. Redis out of reach is a problem too (503), though nothing is lost: the
 * log still holds every send.
 */
export function registerWorkersHealth(api: Api, workers: Workers, options: { stallAfterSeconds: number }) {
  api.get('/health', { config: accessFor('public'), schema: { hide: true, response: { 200: WorkersHealth, 503: WorkersHealth } } }, async (request, reply) => {
    const report = await healthReport(workers.projectors, options);
    const queues = await Promise.race([
      workers.queueStats(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2_000).unref()),
    ]).catch((error: unknown) => {
      report.problems.push(`redis: ${(error as Error).message}`);
      return [];
    });
    const billing = workers.billing?.health() ?? null;
    if (billing?.problem) report.problems.push(billing.problem);
    const body = { ...report, ok: report.problems.length === 0, queues, billing: billing && { everyMs: billing.everyMs, lastRun: billing.lastRun } };
    if (body.ok) return body;
    request.log.error({ problems: body.problems }, 'workers unhealthy');
    return reply.status(503).send(body);
  });
}
