interface Waiter<P> {
  position: P;
  resolve: (reached: boolean) => void;
}

/**
 * Callers waiting for a position (the log's head, a projector's checkpoint) to be
 * reached. Whoever learns where things stand (a notification, a poll, a committed
 * batch) calls `advance`; every waiter whose position is now reached wakes at once.
 * Positions only move forward: an older one is ignored.
 */
export class PositionWaiter<P> {
  private readonly waiters = new Set<Waiter<P>>();
  private latest: P | null;

  constructor(
    private readonly compare: (a: P, b: P) => number,
    initial: P | null = null,
  ) {
    this.latest = initial;
  }

  /** The furthest position seen so far; null before the first. */
  get current(): P | null {
    return this.latest;
  }

  /** Callers waiting right now. */
  get waiting(): number {
    return this.waiters.size;
  }

  reached(position: P): boolean {
    return this.latest !== null && this.compare(this.latest, position) >= 0;
  }

  advance(position: P | null): void {
    if (position === null || (this.latest !== null && this.compare(position, this.latest) <= 0)) return;
    this.latest = position;
    for (const w of [...this.waiters]) if (this.reached(w.position)) w.resolve(true);
  }

  /**
   * True once `position` is reached; false when `timeoutMs` passed first, `signal`
   * aborted, or `releaseAll` was called. Never rejects.
   */
  waitFor(position: P, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.reached(position)) return Promise.resolve(true);
    if (timeoutMs <= 0 || signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter<P> = {
        position,
        resolve: (reached) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', abort);
          this.waiters.delete(waiter);
          resolve(reached);
        },
      };
      const abort = () => waiter.resolve(false);
      const timer = setTimeout(abort, timeoutMs);
      signal?.addEventListener('abort', abort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** Wakes every waiter with false: what they waited on is closing, or can no longer be trusted to tell them. */
  releaseAll(): void {
    for (const w of [...this.waiters]) w.resolve(false);
  }
}
