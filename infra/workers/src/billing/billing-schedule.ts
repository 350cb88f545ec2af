import type { Logger } from '@parley/events';
import { Queue, Worker } from 'bullmq';
import type { BillingJob, BillingRunReport } from './billing-job.ts';

const QUEUE = 'billing';
const SCHEDULER_ID = 'billing-run';

/**
 * Runs the billing job every `everyMs` from a BullMQ Job Scheduler. The scheduler is
 * upserted at every start, so a Redis that lost everything gets it back with the process;
 * the job's work comes from the log and the read models, never from Redis, and a run that
 * overlaps another (two processes, a lock that lapsed) changes nothing twice.
 */
export class BillingSchedule {
  private readonly queue: Queue;
  private readonly worker: Worker;
  /** The last run's report, for /health and tests. */
  last: (BillingRunReport & { at: string }) | null = null;
  private startedAt: string | null = null;

  constructor(
    private readonly options: {
      connection: { host: string; port: number; db?: number; password?: string; username?: string };
      prefix: string;
      job: BillingJob;
      everyMs: number;
      lockMs?: number;
      clock: () => Date;
      logger: Logger;
    },
  ) {
    const { connection, prefix } = options;
    this.queue = new Queue(QUEUE, { connection, prefix });
    this.worker = new Worker(QUEUE, () => this.runOnce(), {
      connection: { ...connection, maxRetriesPerRequest: null },
      prefix,
      concurrency: 1,
      autorun: false,
      ...(options.lockMs !== undefined && { lockDuration: options.lockMs }),
    });
    this.worker.on('error', (error) => options.logger.error('billing worker error', { error: String(error) }));
  }

  async start(): Promise<void> {
    await this.queue.upsertJobScheduler(
      SCHEDULER_ID,
      { every: this.options.everyMs },
      { name: 'run', opts: { removeOnComplete: 10, removeOnFail: 50, attempts: 1 } },
    );
    this.startedAt = this.options.clock().toISOString();
    void this.worker.run();
  }

  /**
   * What /health says of the schedule: its last run, and a problem when tenants failed in
   * it or when no run has finished for three intervals (Redis lost the scheduler, or the
   * worker is stuck).
   */
  health(): { everyMs: number; lastRun: (BillingRunReport & { at: string }) | null; problem: string | null } {
    const { everyMs } = this.options;
    const since = this.last?.at ?? this.startedAt;
    const now = this.options.clock().getTime();
    const problem =
      this.last && this.last.failed > 0
        ? `billing: ${this.last.failed} of ${this.last.tenants} tenants failed in the run at ${this.last.at} (retried on the next run)`
        : since !== null && now - Date.parse(since) > 3 * everyMs
          ? `billing: no run finished since ${since} (runs every ${everyMs} ms)`
          : null;
    return { everyMs, lastRun: this.last, problem };
  }

  /** One run now, outside the schedule (tests, the benchmark). */
  async runOnce(): Promise<BillingRunReport> {
    const report = await this.options.job.run();
    this.last = { ...report, at: this.options.clock().toISOString() };
    if (report.drafted + report.redrafted + report.finalized + report.quotaAlerts + report.failed > 0) this.options.logger.info('billing run', { ...report });
    return report;
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
  }
}
