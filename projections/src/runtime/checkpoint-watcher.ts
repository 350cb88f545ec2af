import type { EventStore, Position } from '@parley/events';
import type pg from 'pg';

interface Waiter {
  position: Position;
  resolve: (reached: boolean) => void;
}

/**
 * Read-your-writes for the query side: waits until a projection's checkpoint has reached
 * a position a command returned. The checkpoint is read from the database, so it works
 * whether the projector runs in this process or another; one poll serves all waiters.
 */
export class CheckpointWatcher {
  private readonly waiters = new Set<Waiter>();
  private polling = false;
  private latest: Position | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: Pick<EventStore, 'comparePositions'>,
    private readonly projector: string,
    private readonly pollMs = 5,
  ) {}

  async current(): Promise<Position | null> {
    const res = await this.pool.query<{ position: string }>('SELECT position FROM projector.checkpoints WHERE projector = $1', [this.projector]);
    const position = res.rows[0]?.position;
    this.latest = position === undefined ? null : (position as Position);
    return this.latest;
  }

  /** True once the checkpoint is at or past `position`; false when `timeoutMs` passed first. */
  async waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    const reached = (p: Position | null) => p !== null && this.store.comparePositions(p, position) >= 0;
    if (reached(this.latest) || reached(await this.current())) return true;
    if (timeoutMs <= 0) return false;
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        position,
        resolve: (ok) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => waiter.resolve(false), timeoutMs);
      this.waiters.add(waiter);
      void this.poll();
    });
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      while (this.waiters.size > 0) {
        await new Promise((r) => setTimeout(r, this.pollMs));
        let at: Position | null;
        try {
          at = await this.current();
        } catch {
          continue; // the database blinked: the waiters' own timeouts bound the wait
        }
        for (const w of [...this.waiters]) {
          if (at !== null && this.store.comparePositions(at, w.position) >= 0) w.resolve(true);
        }
      }
    } finally {
      this.polling = false;
    }
  }
}
