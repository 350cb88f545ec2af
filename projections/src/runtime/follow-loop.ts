import { type EventStore, type Logger, type Position, PositionWaiter, type RecordedEvent, silentLogger } from '@parley/events';
import { LoopHealth } from './projector-status.ts';

/**
 * Thrown by a handler when the checkpoint moved under the loop (another runner, a
 * rebuild's swap): nothing failed, so the loop resumes from the stored checkpoint at
 * once, without a back-off and without counting a failure.
 */
export class Resubscribe extends Error {}

export interface FollowLoopOptions {
  /** How the logs name the loop, e.g. "projection inbox". */
  name: string;
  store: EventStore;
  /**
   * Where to follow from, read from storage at every (re)start. After a failure
   * (`afterFailure`) what the handler keeps in memory may be ahead of what it stored.
   */
  resume(context: { afterFailure: boolean }): Promise<Position>;
  /** What `resume` does, as failures and the status name it. */
  resuming?: string;
  /** Applies a batch and stores the checkpoint after it; throws to have it retried from the checkpoint. */
  apply(batch: readonly RecordedEvent[]): Promise<void>;
  /** Events per batch at most. */
  batchSize: number;
  /** Events the subscription reads from the store at a time (default batchSize). */
  readBatchSize?: number;
  /**
   * How long a batch may wait for more events after its first. 0 (the default): a batch
   * is what the subscription already holds, so a lone event is applied at once.
   */
  flushMs?: number;
  logger?: Logger;
}

const TICK = Symbol('tick');
const STOPPED = Symbol('stopped');
const nextTick = () => new Promise<typeof TICK>((resolve) => setImmediate(() => resolve(TICK)));

/**
 * Records a failure, logs it, and waits out the back-off it earned; `until` cuts the
 * wait short (the loop stopping).
 */
export async function backOff(options: {
  name: string;
  logger: Logger;
  health: LoopHealth;
  stage: string;
  error: unknown;
  until?: Promise<unknown>;
}): Promise<void> {
  const { health, stage, error } = options;
  const delay = health.failed(stage, error);
  options.logger.error(`${options.name}: ${stage} failed, retrying from the checkpoint in ${Math.round(delay)} ms`, { error });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, delay);
  });
  await (options.until ? Promise.race([elapsed, options.until]) : elapsed);
  clearTimeout(timer);
}

/**
 * Follows the log from a checkpoint and hands batches to a handler, until stopped.
 * Whatever fails (the database gone, a subscription that broke, a batch that could not
 * be stored) is retried from the stored checkpoint after a capped exponential back-off
 * with jitter, for as long as it takes: the loop itself never ends on an error. Its
 * failures and progress are kept in `health` for the projector's status.
 */
export class FollowLoop {
  readonly health = new LoopHealth();
  private readonly options: FollowLoopOptions;
  private readonly logger: Logger;
  /** The checkpoint as this loop last resumed from or moved it, and who waits for it. */
  private readonly progress: PositionWaiter<Position>;
  private loop: Promise<void> | null = null;
  private active = false;
  private stopping = false;
  private stopped: Promise<typeof STOPPED> = Promise.resolve(STOPPED);
  private signalStop: () => void = () => undefined;
  private subscription: { close(): Promise<void> } | null = null;

  constructor(options: FollowLoopOptions) {
    this.options = options;
    this.logger = options.logger ?? silentLogger;
    this.progress = new PositionWaiter((a, b) => options.store.comparePositions(a, b));
  }

  /** From start() until the loop has ended after stop(). */
  get running(): boolean {
    return this.active;
  }

  get started(): boolean {
    return this.loop !== null;
  }

  /** Follows the log in the background until stop(). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.stopped = new Promise((resolve) => {
      this.signalStop = () => resolve(STOPPED);
    });
    this.active = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.signalStop();
    await this.subscription?.close();
    await this.loop;
    this.loop = null;
  }

  /** True once this loop has moved the checkpoint to `position` or past it; false on timeout or when the loop ends first. */
  waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    return this.active ? this.progress.waitFor(position, timeoutMs) : Promise.resolve(this.progress.reached(position));
  }

  private async run(): Promise<void> {
    let afterFailure = false;
    while (!this.stopping) {
      let stage = this.options.resuming ?? 'reading the checkpoint';
      try {
        await this.follow(afterFailure, (now) => {
          stage = now;
        });
        afterFailure = false;
      } catch (error) {
        if (this.stopping) break;
        // Thrown by a batch, so after a successful resume: the memory is as stored.
        afterFailure = !(error instanceof Resubscribe);
        if (!afterFailure) continue;
        await backOff({ name: this.options.name, logger: this.logger, health: this.health, stage, error, until: this.stopped });
      }
    }
    this.active = false;
    this.progress.releaseAll();
  }

  /** One subscription from the stored checkpoint, until stopped, the subscription ends, or something fails. */
  private async follow(afterFailure: boolean, at: (stage: string) => void): Promise<void> {
    const { store, batchSize } = this.options;
    at(this.options.resuming ?? 'reading the checkpoint');
    let position = await this.options.resume({ afterFailure });
    this.progress.advance(position);
    if (this.health.failing > 0) {
      // Back after failures with nothing to apply: no batch will come to say it works again.
      at('reading the log');
      if (store.comparePositions(await store.headPosition(), position) <= 0) this.health.recovered();
    }
    const subscription = store.subscribeToAll({ after: position, batchSize: this.options.readBatchSize ?? batchSize });
    this.subscription = subscription;
    const events = subscription[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<RecordedEvent>> | null = null;
    try {
      while (!this.stopping) {
        at('reading the log');
        const first = await Promise.race([pending ?? events.next(), this.stopped]);
        pending = null;
        if (first === STOPPED || first.done) return;
        const batch = [first.value];
        const { ended, rest } = await this.fill(batch, events);
        pending = rest;
        if (this.stopping) return;
        at(`applying events ${batch[0]!.position}–${batch.at(-1)!.position}`);
        await this.options.apply(batch);
        position = batch.at(-1)!.position;
        this.health.progressed();
        this.progress.advance(position);
        if (ended) return;
      }
    } finally {
      this.subscription = null;
      await subscription.close();
    }
  }

  /**
   * Adds to `batch` what arrives before it is full or due: at once (flushMs 0), or within
   * flushMs of its first event. The deadline runs from the first event, not the latest:
   * under steady traffic events never leave a gap, and a batch would wait to be full.
   * Answers the read still under way when the batch was cut, for the next batch.
   */
  private async fill(
    batch: RecordedEvent[],
    events: AsyncIterator<RecordedEvent>,
  ): Promise<{ ended: boolean; rest: Promise<IteratorResult<RecordedEvent>> | null }> {
    const flushMs = this.options.flushMs ?? 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const due =
      flushMs > 0
        ? new Promise<typeof TICK>((resolve) => {
            timer = setTimeout(() => resolve(TICK), flushMs);
          })
        : null;
    try {
      while (batch.length < this.options.batchSize) {
        const next = events.next();
        const raced = await Promise.race([next, due ?? nextTick()]);
        if (raced === TICK) return { ended: false, rest: next };
        if (raced.done) return { ended: true, rest: null };
        batch.push(raced.value);
      }
      return { ended: false, rest: null };
    } finally {
      clearTimeout(timer);
    }
  }
}
