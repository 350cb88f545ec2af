export { BillingJob, type BillingPolicy, type BillingRunReport, endedPeriods } from './billing/billing-job.ts';
export { BillingSchedule } from './billing/billing-schedule.ts';
export { QueryApiUsageSource, snapshotOf, type UsageSource } from './billing/usage-source.ts';
export { CloudApiClient, messageBody } from './outbound/cloud-api-client.ts';
export { createWorkers, redisConnection, type Workers, type WorkersOptions } from './workers.ts';
export { workersOptionsFrom } from './workers-config.ts';
export { registerWorkersHealth } from './workers-health.ts';
