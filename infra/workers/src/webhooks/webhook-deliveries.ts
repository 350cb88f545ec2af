import type { AttemptResult, Outbound } from '@parley/command';
import type { Logger } from '@parley/events';
import { type WebhookTargetPolicy, webhookTargetProblem } from '@parley/kit';
import type { DueDelivery, WebhookQueries } from '@parley/projections/webhooks';
import { type Job, Queue, Worker } from 'bullmq';
import { Webhook } from 'standardwebhooks';

export interface WebhookDeliveriesOptions {
  connection: { host: string; port: number; db?: number; password?: string; username?: string };
  prefix: string;
  queries: WebhookQueries;
  outbound: Outbound;
  policy: WebhookTargetPolicy;
  logger: Logger;
  /** The time attempts are stamped and scheduled with (tests run it fast). */
  clock: () => Date;
  timeoutMs?: number;
  concurrency?: number;
  lockMs?: number;
  everyMs?: number;
}

const EXCERPT_BYTES = 512;

/** Retry-After as seconds or as an HTTP date, in ms from now; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

/**
 * Delivers what the webhooks read model says is due: one BullMQ job per attempt (its id
 * names the delivery and the attempt, so offering it again changes nothing), signed per
 * Standard Webhooks with a fresh timestamp, and its result recorded through the
 * subscription's decider, which schedules the next attempt or gives up. The read model
 * is rebuilt from the log, so a flushed Redis delays deliveries, never loses them.
 */
export class WebhookDeliveries {
  private readonly queue: Queue<DueDelivery>;
  private readonly worker: Worker<DueDelivery>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: WebhookDeliveriesOptions) {
    const { connection, prefix } = options;
    this.queue = new Queue<DueDelivery>('webhooks', { connection, prefix });
    this.worker = new Worker<DueDelivery>('webhooks', (job) => this.deliver(job), {
      connection: { ...connection, maxRetriesPerRequest: null },
      prefix,
      concurrency: options.concurrency ?? 50,
      lockDuration: options.lockMs ?? 10_000,
      stalledInterval: options.lockMs ?? 10_000,
      maxStalledCount: 1_000,
    });
    this.worker.on('error', (error) => options.logger.error('webhook worker', { error }));
    this.queue.on('error', (error) => options.logger.error('webhook queue', { error }));
  }

  start(): void {
    this.schedule(0);
  }

  private schedule(ms: number) {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.running = this.offerDue()
        .catch((error: unknown) => this.options.logger.warn('offering due webhooks failed; trying again', { error }))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.options.everyMs ?? 50);
        });
    }, ms);
  }

  private async offerDue(): Promise<void> {
    const due = await this.options.queries.due(this.options.clock(), 1_000);
    if (due.length === 0) return;
    await this.queue.addBulk(
      due.map((d) => ({
        name: 'deliver',
        data: d,
        // Attempts are the decider's to schedule: BullMQ runs each once, and the read model offers the next.
        opts: { jobId: `${d.deliveryId}-${d.attempt}`, attempts: 1, removeOnComplete: { age: 3600, count: 100_000 }, removeOnFail: { age: 3600 } },
      })),
    );
  }

  private async deliver(job: Job<DueDelivery>): Promise<void> {
    const d = job.data;
    const { outbound, policy } = this.options;
    const result = await this.attempt(d, outbound, policy);
    await outbound.recordWebhookAttempt(d, result);
  }

  private async attempt(d: DueDelivery, outbound: Outbound, policy: WebhookTargetPolicy): Promise<AttemptResult> {
    const started = performance.now();
    const failed = (error: string): AttemptResult => ({
      httpStatus: null,
      error,
      latencyMs: Math.round(performance.now() - started),
      responseExcerpt: null,
      retryAfterMs: null,
    });
    // Checked before every attempt: the name may point elsewhere since it was registered.
    const problem = await webhookTargetProblem(d.url, policy);
    if (problem) return failed(`refused target: ${problem}`);
    const secret = await outbound.webhookSecret(d.subscriptionId);
    if (!secret) return failed('subscription not found');
    const body = JSON.stringify(d.payload);
    // Signed with the wall clock: receivers hold the timestamp to theirs (tests run `clock` fast).
    const signedAt = new Date();
    const signature = new Webhook(secret).sign(d.webhookId, signedAt, body);
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Parley-Webhooks/1',
          'webhook-id': d.webhookId,
          'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
        // A redirect could lead anywhere, an internal address included: not followed.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      const text = await res.text().catch(() => '');
      return {
        httpStatus: res.status,
        error: null,
        latencyMs: Math.round(performance.now() - started),
        // What any receiver sent, stored as text: no NUL, no broken surrogate pair.
        responseExcerpt:
          text.length > 0
            ? Buffer.from(text)
                .subarray(0, EXCERPT_BYTES)
                .toString()
                .replace(/\u0000/g, '\ufffd')
                .toWellFormed()
            : null,
        retryAfterMs: retryAfterMs(res.headers.get('retry-after'), signedAt),
      };
    } catch (error) {
      return failed((error as Error).name === 'TimeoutError' ? 'timed out' : `request failed: ${(error as Error).message}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
    await this.worker.close();
    await this.queue.close();
  }
}
