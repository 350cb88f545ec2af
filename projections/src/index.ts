export { CHECKPOINT_CHANNEL, CheckpointWatcher, type CheckpointWatcherOptions } from './runtime/checkpoint-watcher.ts';
export { registerHealthRoute } from './runtime/health-route.ts';
export type { PgProjection, Sql } from './runtime/pg-projection.ts';
export { type ParkedEvent, PgProjector, type PgProjectorOptions } from './runtime/pg-projector.ts';
export { type Projected, toProjected } from './runtime/projected-event.ts';
export {
  HealthReport,
  healthReport,
  type MonitoredProjector,
  ProjectorFailure,
  ProjectorHealth,
  ProjectorStatus,
} from './runtime/projector-status.ts';
