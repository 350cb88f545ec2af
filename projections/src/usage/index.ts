export {
  AGGREGATIONS,
  Aggregation,
  DEFAULT_METERS,
  DERIVED_VALUES,
  DIMENSION_DERIVATIONS,
  groupKey,
  MeterDefinition,
  type MeteredEvent,
  type MeterReading,
  phoneCountry,
  readMeter,
  SEAT_ROLES,
  ValuePath,
} from './meters.ts';
export { USAGE_PROJECTOR, UsageProjector, type UsageProjectorOptions } from './usage-projector.ts';
export {
  DailyUsageRow,
  dailyUsage,
  localDayStarts,
  MeterUsage,
  USAGE_BUCKET_MS,
  UsageGroup,
  type UsagePeriod,
  UsageReport,
  usageForPeriod,
  usageForTenants,
} from './usage-queries.ts';
export { USAGE_EVENTS, USAGE_GRAINS, USAGE_ROLLUP, USAGE_SEATS, USAGE_TABLES } from './usage-schema.ts';
