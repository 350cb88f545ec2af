/** How far a projector is behind the log: served by the health endpoints. */
export interface ProjectorStatus {
  name: string;
  /** Last applied position (its checkpoint). */
  position: string;
  /** Events in the log after the checkpoint (capped at 1,000,000); null when unknown. */
  eventsBehind: number | null;
  /** Age of the oldest event not applied yet; 0 when caught up. */
  secondsBehind: number;
  /** Parked events not replayed yet. */
  parked: number;
  running: boolean;
  /** A rebuild in progress (in any process): how far its fresh tables are. */
  rebuilding?: { position: string; eventsBehind: number } | null;
}
