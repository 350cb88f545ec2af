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
  /**
   * One queue and worker per tenant, made when the tenant first has something due: one
   * tenant's slow or dead endpoint (each attempt may take the full timeout) holds only
   * its own deliveries, never another tenant's.
   */
  private readonly lanes = new Map<string, { queue: Queue<DueDelivery>; worker: Worker<DueDelivery> }>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: WebhookDeliveriesOptions) {}

  private laneFor(tenantId: string) {
    let lane = this.lanes.get(tenantId);
    if (lane) return lane;
    const { connection, prefix, logger } = this.options;
    const name = `webhooks-${tenantId}`;
    const queue = new Queue<DueDelivery>(name, { connection, prefix });
    const worker = new Worker<DueDelivery>(name, (job) => this.deliver(job), {
      connection: { ...connection, maxRetriesPerRequest: null },
      prefix,
      concurrency: this.options.concurrency ?? 10,
      lockDuration: this.options.lockMs ?? 10_000,
      stalledInterval: this.options.lockMs ?? 10_000,
      maxStalledCount: 1_000,
    });
    worker.on('error', (error) => logger.error(`webhook worker ${tenantId}`, { error }));
    queue.on('error', (error) => logger.error(`webhook queue ${tenantId}`, { error }));
    lane = { queue, worker };
    this.lanes.set(tenantId, lane);
    return lane;
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
    const byTenant = new Map<string, DueDelivery[]>();
    for (const d of due) (byTenant.get(d.tenantId) ?? byTenant.set(d.tenantId, []).get(d.tenantId)!).push(d);
    await Promise.all(
      [...byTenant].map(([tenantId, deliveries]) =>
        this.laneFor(tenantId).queue.addBulk(
          deliveries.map((d) => ({
            name: 'deliver',
            data: d,
            // Attempts are the decider's to schedule: BullMQ runs each once, and the read model offers the next.
            opts: { jobId: `${d.deliveryId}-${d.attempt}`, attempts: 1, removeOnComplete: { age: 3600, count: 100_000 }, removeOnFail: { age: 3600 } },
          })),
        ),
      ),
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
    await Promise.all([...this.lanes.values()].map(({ worker }) => worker.close()));
    await Promise.all([...this.lanes.values()].map(({ queue }) => queue.close()));
  }
}
