export { createQueryPlatform, type QueryPlatform, type QueryPlatformOptions } from './query-platform.ts';
export { startReadSide, type ReadSide } from './read-side.ts';
export { registerAnalyticsRoutes } from './analytics/analytics-routes.ts';
