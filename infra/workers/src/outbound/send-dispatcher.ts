import type { Logger, OutboundContent } from '@parley/events';
import type pg from 'pg';
import type { SendJob, SendWorkers } from './send-workers.ts';

interface PendingRow {
  tenant_id: string;
  message_id: string;
  conversation_id: string;
  phone_number_id: string;
  recipient: string;
  content: OutboundContent;
  queued_key: string;
  rate: number | null;
}

export interface SendDispatcherOptions {
  /** How often new pending sends are looked for. */
  everyMs?: number;
  /** How often every pending send is offered again: what Redis lost is queued anew. */
  reofferEveryMs?: number;
  batch?: number;
}

const toJob = (r: PendingRow): SendJob => ({
  tenantId: r.tenant_id,
  messageId: r.message_id,
  conversationId: r.conversation_id,
  phoneNumberId: r.phone_number_id,
  recipient: r.recipient,
  content: r.content,
  ...(r.rate !== null && { messagesPerSecond: r.rate }),
});

/**
 * Moves pending sends from the outbound read model into their numbers' queues. New ones
 * go at once; every pending one is offered again now and then, so a flushed or restarted
 * Redis, or a job that vanished, costs a delay, never a message. Offering a send twice
 * is harmless: its job id is its message id.
 */
export class SendDispatcher {
  private readonly everyMs: number;
  private readonly reofferEveryMs: number;
  private readonly batch: number;
  private lastKey = '';
  private lastReoffer = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly workers: SendWorkers,
    private readonly logger: Logger,
    options: SendDispatcherOptions = {},
  ) {
    this.everyMs = options.everyMs ?? 50;
    this.reofferEveryMs = options.reofferEveryMs ?? 5_000;
    this.batch = options.batch ?? 2_000;
  }

  start(): void {
    this.lastReoffer = Date.now();
    this.schedule(0);
  }

  /** Offers every pending send again now (at start-up, and after Redis came back). */
  reofferAll(): void {
    this.lastKey = '';
  }

  private schedule(ms: number) {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((error: unknown) => this.logger.warn('dispatching sends failed; trying again', { error }))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.everyMs);
        });
    }, ms);
  }

  private async tick(): Promise<void> {
    if (Date.now() - this.lastReoffer >= this.reofferEveryMs) {
      this.lastReoffer = Date.now();
      this.lastKey = '';
    }
    for (;;) {
      const res = await this.pool.query<PendingRow>(
        `SELECT s.tenant_id, s.message_id, s.conversation_id, s.phone_number_id, s.recipient, s.content, s.queued_key, n.messages_per_second AS rate
           FROM sends s LEFT JOIN number_rates n ON n.phone_number_id = s.phone_number_id
          WHERE s.state = 'pending' AND s.recipient IS NOT NULL AND s.queued_key > $1
          ORDER BY s.queued_key LIMIT $2`,
        [this.lastKey, this.batch],
      );
      if (res.rows.length === 0) return;
      await this.workers.enqueue(res.rows.map(toJob));
      this.lastKey = res.rows.at(-1)!.queued_key;
      if (res.rows.length < this.batch || this.closed) return;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
