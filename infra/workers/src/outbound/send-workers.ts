import type { Outbound, OutboundSend, SendingCredentials } from '@parley/command';
import type { Logger, OutboundContent } from '@parley/events';
import { DelayedError, type Job, Queue, RateLimitError, UnrecoverableError, Worker } from 'bullmq';
import type { CloudApiClient } from './cloud-api-client.ts';

/** A pending send as the dispatcher hands it to its number's queue. */
export interface SendJob extends OutboundSend {
  content: OutboundContent;
  /** The number's own rate, when one was set; else the platform's default. */
  messagesPerSecond?: number;
  /**
   * Meta took the message but the log could not be told (the database was out of reach):
   * kept with the job, so its retry records the outcome instead of sending again.
   */
  sent?: { wamid: string; at: string };
}

export interface SendWorkersOptions {
  /** Redis connection for queues and workers (BullMQ needs `maxRetriesPerRequest: null` on workers). */
  connection: { host: string; port: number; db?: number; password?: string; username?: string };
  /** BullMQ's Redis key prefix: one Redis may serve several deployments or test runs. */
  prefix: string;
  outbound: Outbound;
  client: CloudApiClient;
  logger: Logger;
  /** Messages a second a number may send unless its own rate was set (Meta's default: 80). */
  defaultRate: number;
  /** Sends in flight per number. */
  concurrency?: number;
  /** A job whose worker stops renewing its lock this long (a crashed process) runs again elsewhere. */
  lockMs?: number;
  /** Attempts on errors that may pass (5xx, timeouts) before the message is recorded as failed. */
  attempts?: number;
  clock?: () => Date;
}

/** Cloud API errors that say this message will never go out as it is: recorded, not retried. */
const FINAL_ERRORS = new Set([131047, 131026, 100, 131051, 131052, 131053, 132000, 132001, 132005, 132007, 132012, 133010, 131008, 131009, 131021]);
const THROUGHPUT_EXCEEDED = 130429;
const PAIR_RATE_LIMIT = 131056;
const TOKEN_INVALID = 190;
/** How long a number without a usable token waits before its sends look again. */
const NO_TOKEN_RETRY_MS = 2_000;
const PAIR_RETRY_MS = 6_000;
const CREDENTIALS_TTL_MS = 1_000;
/** How long a job waits while this process still runs an earlier take of the same message. */
const IN_FLIGHT_RETRY_MS = 1_000;

/**
 * At most `limit` sends in any one-second span from this process. BullMQ's limiter counts
 * fixed one-second windows, which let up to twice the limit through across a window's
 * edge; Meta counts any second, and answers the excess with 130429. The margin covers
 * the network's jitter between here and Meta's count.
 */
export class SlidingWindow {
  private readonly sent: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly windowMs = 1_050,
  ) {}

  async acquire(): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.sent.length > 0 && this.sent[0]! <= now - this.windowMs) this.sent.shift();
      if (this.sent.length < this.limit) {
        this.sent.push(now);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, this.sent[0]! + this.windowMs - now));
    }
  }
}

/** Exponential back-off with full jitter: 250 ms, 500 ms, 1 s … capped at 60 s. */
export const backoffMs = (attemptsMade: number) => Math.round(Math.random() * Math.min(60_000, 250 * 2 ** Math.max(0, attemptsMade - 1)));

/**
 * One BullMQ queue and worker per WhatsApp number, made when the number first has
 * something to send: BullMQ's limiter then holds each number to its own rate, and a
 * number that is throttled, waiting for a token or backed up never slows another.
 */
export class SendWorkers {
  private readonly queues = new Map<string, { queue: Queue<SendJob>; worker: Worker<SendJob>; window: SlidingWindow; rate: number }>();
  private closed = false;
  private readonly credentialsCache = new Map<string, { value: Promise<SendingCredentials | null>; until: number }>();
  /**
   * Messages this process is sending now. A worker whose event loop is too busy to renew a
   * lock in time has its job taken for stalled and handed out again while the first take
   * still runs; both would pass the log check and send. The second take waits instead.
   */
  private readonly inFlight = new Set<string>();
  /** Workers replaced at a new rate, finishing their running sends. */
  private readonly retiring = new Set<Promise<void>>();

  constructor(private readonly options: SendWorkersOptions) {}

  private queueName(phoneNumberId: string) {
    return `send-${phoneNumberId}`;
  }

  /**
   * The number's queue and worker, made at its rate. A rate set since makes a new worker:
   * BullMQ fixes a worker's limiter when it is made; the old one finishes its running sends.
   */
  private laneFor(phoneNumberId: string, rate?: number) {
    let lane = this.queues.get(phoneNumberId);
    if (lane && (rate === undefined || rate === lane.rate)) return lane;
    if (lane) this.retiring.add(lane.worker.close());
    const limit = rate ?? this.options.defaultRate;
    const name = this.queueName(phoneNumberId);
    const { connection, prefix } = this.options;
    const queue = lane?.queue ?? new Queue<SendJob>(name, { connection, prefix });
    const worker = new Worker<SendJob>(name, (job, token) => this.process(job, token), {
      connection: { ...connection, maxRetriesPerRequest: null },
      prefix,
      concurrency: this.options.concurrency ?? 20,
      limiter: { max: limit, duration: 1000 },
      settings: { backoffStrategy: (attemptsMade: number) => backoffMs(attemptsMade) },
      // A worker that dies mid-job hands it back once its lock lapses; the job checks the
      // log before sending again. Stalling is the crash's doing, not the job's: no limit.
      lockDuration: this.options.lockMs ?? 10_000,
      stalledInterval: this.options.lockMs ?? 10_000,
      maxStalledCount: 1_000,
    });
    worker.on('error', (error) => this.options.logger.error(`send worker ${phoneNumberId}`, { error }));
    if (!lane) queue.on('error', (error) => this.options.logger.error(`send queue ${phoneNumberId}`, { error }));
    worker.on('failed', (job, error) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void this.giveUp(job.data, error).catch(() => undefined);
    });
    lane = { queue, worker, window: new SlidingWindow(limit), rate: limit };
    this.queues.set(phoneNumberId, lane);
    return lane;
  }

  /**
   * Adds sends to their numbers' queues. The job id is the message id: BullMQ keeps one
   * job per id, so the dispatcher may offer the same pending send again and again.
   */
  async enqueue(sends: readonly SendJob[]): Promise<void> {
    if (this.closed) return;
    const byNumber = new Map<string, SendJob[]>();
    for (const s of sends) (byNumber.get(s.phoneNumberId) ?? byNumber.set(s.phoneNumberId, []).get(s.phoneNumberId)!).push(s);
    await Promise.all(
      [...byNumber].map(([phoneNumberId, jobs]) =>
        this.laneFor(phoneNumberId, jobs[0]!.messagesPerSecond ?? this.options.defaultRate).queue.addBulk(
          jobs.map((data) => ({
            name: 'send',
            data,
            opts: {
              jobId: data.messageId,
              attempts: this.options.attempts ?? 8,
              backoff: { type: 'custom' },
              // Kept a while so a re-offered send finds its id; the log is the record.
              removeOnComplete: { age: 3600, count: 100_000 },
              removeOnFail: { age: 3600 },
            },
          })),
        ),
      ),
    );
  }

  private async process(job: Job<SendJob>, token: string | undefined): Promise<void> {
    const { messageId } = job.data;
    if (this.inFlight.has(messageId)) return this.later(job, token, IN_FLIGHT_RETRY_MS);
    this.inFlight.add(messageId);
    try {
      return await this.sendOnce(job, token);
    } finally {
      this.inFlight.delete(messageId);
    }
  }

  private async sendOnce(job: Job<SendJob>, token: string | undefined): Promise<void> {
    const send = job.data;
    const { outbound, client } = this.options;
    if (send.sent) return outbound.record(send, { kind: 'sent', ...send.sent });
    // A send whose outcome the log holds (a retry after the answer was recorded, a
    // re-offered job) must not go out again.
    if (await outbound.isRecorded(send)) return;
    const credentials = await this.credentials(send.phoneNumberId);
    if (!credentials) return this.later(job, token, NO_TOKEN_RETRY_MS);

    await this.laneFor(send.phoneNumberId).window.acquire();
    // Throws on network errors and timeouts: BullMQ retries with back-off.
    const answer = await client.send({
      phoneNumberId: send.phoneNumberId,
      accessToken: credentials.accessToken,
      to: send.recipient,
      content: send.content,
      callbackData: send.messageId,
    });
    const at = (this.options.clock?.() ?? new Date()).toISOString();
    if (answer.ok) {
      try {
        await outbound.record(send, { kind: 'sent', wamid: answer.wamid, at });
      } catch (error) {
        // Sent, but not recorded: the retry must only record it. Should Redis be lost too,
        // the status webhook Meta posts (with our message id) records it instead.
        await job.updateData({ ...send, sent: { wamid: answer.wamid, at } }).catch(() => undefined);
        throw error;
      }
      return;
    }
    if (answer.code === THROUGHPUT_EXCEEDED) {
      // This number only: its queue pauses, the job goes back without using an attempt.
      await this.laneFor(send.phoneNumberId).worker.rateLimit(1_000);
      throw new RateLimitError();
    }
    if (answer.code === PAIR_RATE_LIMIT) return this.later(job, token, PAIR_RETRY_MS);
    if (answer.code === TOKEN_INVALID) return this.tokenRefused(job, token, credentials, answer.title);
    if (FINAL_ERRORS.has(answer.code) || (answer.httpStatus >= 400 && answer.httpStatus < 500 && answer.httpStatus !== 429)) {
      await outbound.record(send, { kind: 'failed', at, error: { code: answer.code, title: answer.title, details: answer.details } });
      throw new UnrecoverableError(`${answer.code}: ${answer.title}`);
    }
    throw new Error(`Cloud API ${answer.httpStatus} ${answer.code}: ${answer.title}`);
  }

  /**
   * The number's credentials, read from its stream at most once a second per number: a
   * send at full rate would otherwise read the stream for every message. A token rotated
   * meanwhile is picked up within the second; a send with the replaced one gets 190, and
   * the decider ignores a refusal of a token that is no longer current.
   */
  private credentials(phoneNumberId: string): Promise<SendingCredentials | null> {
    const cached = this.credentialsCache.get(phoneNumberId);
    if (cached && cached.until > Date.now()) return cached.value;
    const value = this.options.outbound.credentials(phoneNumberId);
    this.credentialsCache.set(phoneNumberId, { value, until: Date.now() + CREDENTIALS_TTL_MS });
    value.catch(() => this.credentialsCache.delete(phoneNumberId));
    return value;
  }

  /** Puts the job back for `ms` without using an attempt: waiting is not failing. */
  private async later(job: Job<SendJob>, token: string | undefined, ms: number): Promise<never> {
    await job.moveToDelayed(Date.now() + ms, token);
    throw new DelayedError();
  }

  private async tokenRefused(job: Job<SendJob>, token: string | undefined, credentials: SendingCredentials, reason: string): Promise<never> {
    // Recorded once per token (the decider ignores a refusal of a token already replaced);
    // the send waits for a new token, like every other of the number's.
    await this.options.outbound.rejectToken(job.data, credentials, reason);
    this.credentialsCache.delete(job.data.phoneNumberId);
    return this.later(job, token, NO_TOKEN_RETRY_MS);
  }

  /** After the last attempt: the message is recorded as not sent, with why. */
  private async giveUp(send: SendJob, error: Error): Promise<void> {
    if (error instanceof UnrecoverableError) return;
    const at = (this.options.clock?.() ?? new Date()).toISOString();
    await this.options.outbound.record(send, {
      kind: 'failed',
      at,
      error: { code: 0, title: `not sent: no answer from the Cloud API after ${this.options.attempts ?? 8} attempts`, details: error.message.slice(0, 4000) },
    });
  }

  /** Per queue: jobs waiting, delayed, active and failed, and the oldest waiting job's age. */
  async stats(): Promise<QueueStats[]> {
    return Promise.all(
      [...this.queues].map(async ([phoneNumberId, { queue }]) => {
        const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'failed', 'prioritized');
        const [oldest] = await queue.getJobs(['waiting', 'prioritized'], 0, 0, true);
        return {
          queue: queue.name,
          phoneNumberId,
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          delayed: counts.delayed ?? 0,
          active: counts.active ?? 0,
          failed: counts.failed ?? 0,
          oldestWaitingMs: oldest ? Date.now() - oldest.timestamp : 0,
        };
      }),
    );
  }

  /** Lets running sends finish (their outcome recorded), then closes every queue. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.queues.values()].map(({ worker }) => worker.close()));
    await Promise.all(this.retiring);
    await Promise.all([...this.queues.values()].map(({ queue }) => queue.close()));
  }
}

export interface QueueStats {
  queue: string;
  phoneNumberId: string;
  waiting: number;
  delayed: number;
  active: number;
  failed: number;
  oldestWaitingMs: number;
}
