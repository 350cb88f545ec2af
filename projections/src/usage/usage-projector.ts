import { TupleParam } from '@clickhouse/client';
import { decodeEvent, isEventType, type RecordedEvent } from '@parley/events';
import { chTime, queryRows } from '../analytics/clickhouse.ts';
import { ClickHouseProjector, type ClickHouseProjectorOptions, positionSeq } from '../runtime/clickhouse-projector.ts';
import { DEFAULT_METERS, groupKey, type MeterDefinition, readMeter, SEAT_ROLES } from './meters.ts';
import { USAGE_TABLES, type UsageTable } from './usage-schema.ts';

export interface UsageProjectorOptions extends ClickHouseProjectorOptions {
  meters?: readonly MeterDefinition[];
}

export const USAGE_PROJECTOR = 'clickhouse-usage';

type Seat = { seat: boolean; active: boolean };
type Row = { row: Record<string, unknown>; seq: number };

/**
 * Meters the log into usage_events (and through its view, usage_15m).
 *
 * Counted once, two ways. A crash between the inserts and the checkpoint re-reads events
 * the tables already hold: as in the analytics projector, every row carries its event's
 * ordinal and rows at or below a table's high-water mark are dropped. An event delivered
 * again under another position (a log imported twice, an EventStoreDB retry outside its
 * idempotency window) is caught by its id: before writing, the batch's (tenant, meter,
 * event id) keys are looked up in usage_events, within the tenant, so one tenant's id
 * never hides another's event. The lookup is in the same batch as the write, so a failed
 * write claims nothing.
 */
export class UsageProjector extends ClickHouseProjector {
  private readonly meters: readonly MeterDefinition[];
  private marks = new Map<UsageTable, number>();
  /** tenant → user → seat: the agent-seat gauge's state. */
  private seats = new Map<string, Map<string, Seat>>();
  private readonly meteredTypes: Set<string>;

  constructor(options: UsageProjectorOptions) {
    super(USAGE_PROJECTOR, options);
    this.meters = options.meters ?? DEFAULT_METERS;
    this.meteredTypes = new Set(this.meters.flatMap((m) => m.eventTypes));
  }

  protected async load() {
    await this.loadCheckpoint();
    this.marks = await this.highWaterMarks(Object.fromEntries(USAGE_TABLES.map((t) => [t, 'position'])) as Record<UsageTable, string>);
    this.seats = new Map();
    const users = await queryRows(this.options.client, `SELECT tenant_id, user_id, seat, active FROM ${this.db}.usage_seats FINAL`);
    for (const u of users) this.tenantSeats(String(u.tenant_id)).set(String(u.user_id), { seat: Number(u.seat) === 1, active: Number(u.active) === 1 });
  }

  private tenantSeats(tenantId: string): Map<string, Seat> {
    let users = this.seats.get(tenantId);
    if (!users) {
      users = new Map();
      this.seats.set(tenantId, users);
    }
    return users;
  }

  /**
   * Applies a user's lifecycle event to the seat state (idempotent: replaying events the
   * state already holds ends in the same state) and answers the tenant's seat count, or
   * null for other events.
   */
  private applySeat(tenantId: string, event: ReturnType<typeof decodeEvent>['event']): { userId: string; seat: Seat; activeSeats: number } | null {
    if (event.type !== 'UserAdded' && event.type !== 'UserDeactivated' && event.type !== 'UserReactivated') return null;
    const users = this.tenantSeats(tenantId);
    const before = users.get(event.data.userId);
    const seat: Seat =
      event.type === 'UserAdded'
        ? { seat: SEAT_ROLES.includes(event.data.role), active: true }
        : { seat: before?.seat ?? false, active: event.type === 'UserReactivated' };
    users.set(event.data.userId, seat);
    let activeSeats = 0;
    for (const u of users.values()) if (u.seat && u.active) activeSeats++;
    return { userId: event.data.userId, seat, activeSeats };
  }

  /** Meters a batch of the log; public so a test can deliver events again under new positions. */
  async apply(batch: readonly RecordedEvent[]): Promise<void> {
    const rows: Record<UsageTable, Row[]> = { usage_events: [], usage_seats: [] };
    for (const recorded of batch) {
      if (!isEventType(recorded.type) || !this.meteredTypes.has(recorded.type)) continue;
      const { event, metadata } = decodeEvent(recorded);
      const seq = positionSeq(recorded.position);
      const seat = this.applySeat(metadata.tenantId, event);
      if (seat) {
        rows.usage_seats.push({
          row: { tenant_id: metadata.tenantId, user_id: seat.userId, seat: seat.seat.seat ? 1 : 0, active: seat.seat.active ? 1 : 0, position: seq },
          seq,
        });
      }
      const source = { event, metadata, derived: seat ? { activeSeats: seat.activeSeats } : {} };
      for (const meter of this.meters) {
        const reading = readMeter(meter, source);
        if (!reading) continue;
        rows.usage_events.push({
          row: {
            tenant_id: metadata.tenantId,
            meter: meter.key,
            occurred_at: chTime(Date.parse(metadata.occurredAt)),
            event_id: metadata.eventId,
            position: seq,
            group_key: groupKey(meter, reading.group),
            value: reading.value,
            subject: reading.subject,
          },
          seq,
        });
      }
    }
    rows.usage_events = await this.unseen(rows.usage_events.filter((r) => r.seq > (this.marks.get('usage_events') ?? 0)));

    for (const table of USAGE_TABLES) {
      const mark = this.marks.get(table) ?? 0;
      const fresh = rows[table].filter((r) => r.seq > mark);
      if (fresh.length === 0) continue;
      await this.options.client.insert({ table: `${this.db}.${table}`, values: fresh.map((r) => r.row), format: 'JSONEachRow' });
      this.marks.set(
        table,
        fresh.reduce((max, r) => Math.max(max, r.seq), mark),
      );
    }
    if (batch.length === 0) return;
    await this.saveCheckpoint(batch);
  }

  /**
   * Rows whose (tenant, meter, event id) is neither earlier in the batch nor stored. One
   * lookup per batch, bounded by the batch's tenants and time span: a redelivered event
   * carries the same occurred_at, and (tenant, meter, occurred_at) leads the table's order.
   */
  private async unseen(candidates: Row[]): Promise<Row[]> {
    const seen = new Set<string>();
    const key = (tenant: unknown, meter: unknown, eventId: unknown) => `${tenant}|${meter}|${eventId}`;
    const unique = candidates.filter((r) => {
      const k = key(r.row.tenant_id, r.row.meter, r.row.event_id);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    if (unique.length === 0) return unique;
    const tenants = new Set<string>();
    const meters = new Set<string>();
    const pairs: TupleParam[] = [];
    let min = String(unique[0]!.row.occurred_at);
    let max = min;
    for (const { row } of unique) {
      tenants.add(String(row.tenant_id));
      meters.add(String(row.meter));
      pairs.push(new TupleParam([String(row.tenant_id), String(row.event_id)]));
      const at = String(row.occurred_at);
      if (at < min) min = at;
      if (at > max) max = at;
    }
    const found = await queryRows(
      this.options.client,
      `SELECT tenant_id, meter, event_id FROM ${this.db}.usage_events
       WHERE tenant_id IN {tenants:Array(String)} AND meter IN {meters:Array(String)}
         AND occurred_at BETWEEN {min:DateTime64(3, 'UTC')} AND {max:DateTime64(3, 'UTC')}
         AND (tenant_id, event_id) IN {pairs:Array(Tuple(String, String))}`,
      { tenants: [...tenants], meters: [...meters], min, max, pairs },
    );
    const stored = new Set(found.map((r) => key(r.tenant_id, r.meter, r.event_id)));
    return unique.filter((r) => !stored.has(key(r.row.tenant_id, r.row.meter, r.row.event_id)));
  }
}
