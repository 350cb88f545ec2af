import { type Api, accessFor } from '@parley/kit';
import { HealthReport, healthReport, type MonitoredProjector } from './projector-status.ts';

/**
 * `/health` of a process that runs or reads projectors: `200` with the report while every
 * projector keeps up, `503` with the problems when one is stalled or failing.
 */
export function registerHealthRoute(api: Api, projectors: readonly MonitoredProjector[], options: { stallAfterSeconds: number }) {
  api.get('/health', { config: accessFor('public'), schema: { hide: true, response: { 200: HealthReport, 503: HealthReport } } }, async (request, reply) => {
    // healthReport does not throw: a status it cannot read is a problem in the report.
    const report = await healthReport(projectors, options);
    if (report.ok) return report;
    // A 5xx is logged whatever the log setting; the answer itself says why.
    request.log.error({ problems: report.problems }, 'projectors unhealthy');
    return reply.status(503).send(report);
  });
}
