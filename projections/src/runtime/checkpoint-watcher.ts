import { type EventStore, LISTEN_CONNECTION, type Position, PositionWaiter } from '@parley/events';
import pg from 'pg';

/** Projectors announce every committed checkpoint on this channel: `<projector>\t<position>`. */
export const CHECKPOINT_CHANNEL = 'parley_projector_checkpoint';

export interface CheckpointWatcherOptions {
  /** Fallback poll while someone waits: covers a lost notification or LISTEN connection. */
  pollMs?: number;
  /** Listen for the projectors' notifications (default true); off, the watcher only polls. */
  listen?: boolean;
}

/**
 * Read-your-writes for the query side: waits until a projection's checkpoint has reached
 * a position a command returned. Projectors NOTIFY each checkpoint as it commits, so a
 * waiter wakes at once whether the projector runs in this process or another; a slow
 * poll of the checkpoint row backs that up. One listener and one poll serve all waiters.
 */
export class CheckpointWatcher {
  /** The checkpoint as last read or announced, and who waits for it to move. */
  private readonly progress: PositionWaiter<Position>;
  private readonly pollMs: number;
  private readonly listen: boolean;
  private polling = false;
  private listener: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;
  /** The checkpoint was read after the current LISTEN began: notifications alone keep `progress` fresh. */
  private synced = false;
  /** After a failed or lost LISTEN, no new attempt before this (doubling up to 5 s): polling covers the gap. */
  private listenRetryAt = 0;
  private listenFailures = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: Pick<EventStore, 'comparePositions' | 'isPosition'>,
    private readonly projector: string,
    options: CheckpointWatcherOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 50;
    this.listen = options.listen ?? true;
    this.progress = new PositionWaiter((a, b) => store.comparePositions(a, b));
  }

  async current(): Promise<Position | null> {
    const res = await this.pool.query<{ position: string }>('SELECT position FROM projector.checkpoints WHERE projector = $1', [this.projector]);
    const position = res.rows[0]?.position;
    this.progress.advance(position === undefined ? null : (position as Position));
    return this.progress.current;
  }

  /** Whether a client's string is a position of this log's store: waitFor throws on others. */
  isPosition(value: string): value is Position {
    return this.store.isPosition(value);
  }

  /** True once the checkpoint is at or past `position`; false when `timeoutMs` passed first. */
  async waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    if (this.progress.reached(position)) return true;
    // Listen before reading, so a checkpoint committed in between is not missed. Once a
    // read has followed the LISTEN, notifications keep `progress` current: no read per request.
    await this.ensureListening();
    if (!this.synced) {
      await this.current();
      this.synced = this.listener !== null;
    }
    const reached = this.progress.waitFor(position, timeoutMs);
    void this.poll();
    return reached;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.progress.releaseAll();
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }

  private listenLater(): void {
    this.listenFailures += 1;
    this.listenRetryAt = Date.now() + Math.min(5_000, 100 * 2 ** Math.min(this.listenFailures - 1, 6));
  }

  /**
   * LISTENs again after a lost connection, when someone waits. While the database is
   * gone, attempts back off (every request would otherwise open a connection), and
   * waiters are served by the poll, which `synced = false` makes every request read.
   */
  private async ensureListening(): Promise<void> {
    if (!this.listen || this.listener || this.closed || Date.now() < this.listenRetryAt) return;
    this.connecting ??= (async () => {
      const client = new pg.Client({ ...this.pool.options, ...LISTEN_CONNECTION });
      let lost = false;
      client.on('error', () => {
        // The poll keeps waiters going; the next wait listens again.
        lost = true;
        if (this.listener === client) {
          this.listener = null;
          this.synced = false;
          this.listenLater();
        }
        void client.end().catch(() => undefined);
      });
      client.on('notification', (n) => {
        if (n.channel !== CHECKPOINT_CHANNEL || !n.payload) return;
        const [name, position] = n.payload.split('\t');
        if (name === this.projector && position !== undefined) this.progress.advance(position as Position);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${CHECKPOINT_CHANNEL}`);
        // A connection that died on the way in must not pass for a listener: notifications
        // would never come, and `synced` would stop the reads that replace them.
        if (lost) throw new Error('LISTEN connection lost while it was set up');
        if (this.closed) await client.end();
        else {
          this.listener = client;
          this.listenFailures = 0;
        }
      } catch {
        this.listenLater();
        await client.end().catch(() => undefined); // polling alone, until the next try
      }
    })().finally(() => {
      this.connecting = null;
    });
    await this.connecting;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      while (this.progress.waiting > 0 && !this.closed) {
        await new Promise((r) => setTimeout(r, this.listener ? this.pollMs : Math.min(this.pollMs, 5)));
        try {
          await this.current();
        } catch {
          // the database blinked: the waiters' own timeouts bound the wait
        }
      }
    } finally {
      this.polling = false;
    }
  }
}
