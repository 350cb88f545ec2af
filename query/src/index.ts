export { registerAnalyticsRoutes } from './analytics/analytics-routes.ts';
export { createQueryPlatform, type QueryPlatform, type QueryPlatformOptions } from './query-platform.ts';
export { type ReadSide, startReadSide } from './read-side.ts';
export { registerUsageRoutes } from './usage/usage-routes.ts';
