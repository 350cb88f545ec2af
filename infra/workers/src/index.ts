export { CloudApiClient, messageBody } from './outbound/cloud-api-client.ts';
export { createWorkers, redisConnection, type Workers, type WorkersOptions } from './workers.ts';
export { registerWorkersHealth } from './workers-health.ts';
