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
const WorkersHealth = HealthReport.extend({ queues: z.array(QueueHealth) });

/**
 * The workers' `/health`: their projector (as every projector process reports it) and
 * each number's queue: depth, the oldest waiting job's age, failures. Redis out of reach
 * is a problem too (503), though nothing is lost: the log still holds every send.
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
    const body = { ...report, ok: report.problems.length === 0, queues };
    if (body.ok) return body;
    request.log.error({ problems: body.problems }, 'workers unhealthy');
    return reply.status(503).send(body);
  });
}
