import { z } from 'zod';

/**
 * The projector health shape, declared once: the query API's /health and
 * /v1/admin/projections and the projector process's /health all answer with it.
 */

export const ProjectorFailure = z.object({
  at: z.string().describe('When (ISO 8601)'),
  message: z.string().describe('What failed, and the error'),
});
export type ProjectorFailure = z.infer<typeof ProjectorFailure>;

/** How far a projector is behind the log, and whether it moves. */
export const ProjectorStatus = z.object({
  name: z.string(),
  position: z.string().describe('Last applied position (its checkpoint); "" before the first'),
  eventsBehind: z.number().int().nullable().describe('Events in the log after the checkpoint (capped at 1,000,000); null when unknown'),
  secondsBehind: z.number().describe('Age of the oldest event not applied yet; 0 when caught up'),
  parked: z.number().int().describe('Parked events not replayed yet'),
  running: z.boolean().describe('Running in this process (projectors may run in their own)'),
  rebuilding: z
    .object({ position: z.string(), eventsBehind: z.number().int() })
    .nullable()
    .optional()
    .describe('A rebuild in progress, in any process: how far its fresh tables are'),
  lastProgressAt: z.string().nullable().describe('When the checkpoint last moved (ISO 8601); null when not known'),
  stalledSeconds: z
    .number()
    .describe('How long events have waited with the checkpoint not moving: since the later of its last move and the oldest waiting event; 0 when none wait'),
  failingSince: z
    .string()
    .nullable()
    .describe('In the process that runs it: since when its loop has been failing and retrying (ISO 8601); null when it is not'),
  lastError: ProjectorFailure.nullable().describe("The loop's latest failure in this process, kept after it recovered"),
});
export type ProjectorStatus = z.infer<typeof ProjectorStatus>;

export const ProjectorHealth = ProjectorStatus.extend({
  ok: z.boolean().describe('false: stalled (events wait and the checkpoint has not moved for the threshold)'),
  problems: z.array(z.string()).describe('Why it is not ok, and failures it is retrying; empty when all is well'),
});
export type ProjectorHealth = z.infer<typeof ProjectorHealth>;

export const HealthReport = z.object({
  ok: z.boolean().describe('false (and HTTP 503): a projector is stalled, or a status could not be read'),
  problems: z.array(z.string()).describe("Every projector's problems, each line prefixed with its name"),
  projectors: z.array(ProjectorHealth).describe('The projectors whose status could be read'),
});
export type HealthReport = z.infer<typeof HealthReport>;

/** What /health needs of a projector, wherever its loop runs. */
export interface MonitoredProjector {
  readonly name: string;
  status(): Promise<ProjectorStatus>;
  /** What this process saw of the loop, without asking any database: for when status() fails. */
  loopTrouble(): string | null;
}

const describeError = (err: unknown): string => {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
};

/**
 * The failures of one projector loop, kept for its status. Consecutive failures set the
 * back-off; progress (or finding nothing to do) ends the run of failures.
 */
export class LoopHealth {
  private failures = 0;
  private since: Date | null = null;
  private last: { at: Date; message: string } | null = null;
  private progress: Date | null = null;

  /** Consecutive failures so far (0: the last attempt went well). */
  get failing(): number {
    return this.failures;
  }

  get lastProgressAt(): Date | null {
    return this.progress;
  }

  /** Records a failure; answers how long to wait before the next attempt. */
  failed(what: string, err: unknown): number {
    const now = new Date();
    this.failures += 1;
    this.since ??= now;
    this.last = { at: now, message: `${what}: ${describeError(err)}` };
    // 50 ms doubling to 2 s, with jitter: a database that comes back is tried again soon,
    // and the processes that lost it do not all knock at once.
    const ceiling = Math.min(2_000, 50 * 2 ** Math.min(this.failures - 1, 6));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  /** The checkpoint moved. */
  progressed(at = new Date()): void {
    this.progress = at;
    this.recovered();
  }

  /** The loop works again without having had anything to apply (it is at the head). */
  recovered(): void {
    this.failures = 0;
    this.since = null;
  }

  /** When the loop last moved as far as another source knows (a stored checkpoint's time). */
  knownProgress(at: Date | null): void {
    if (at && (!this.progress || at > this.progress)) this.progress = at;
  }

  snapshot(): Pick<ProjectorStatus, 'failingSince' | 'lastError'> {
    return {
      failingSince: this.since?.toISOString() ?? null,
      lastError: this.last ? { at: this.last.at.toISOString(), message: this.last.message } : null,
    };
  }

  trouble(): string | null {
    return this.since && this.last ? `failing since ${this.since.toISOString()} (${this.failures} attempts): ${this.last.message}` : null;
  }
}

/** Seconds events have waited with no progress: from the later of the last progress and the oldest waiting event. */
export function stalledSeconds(now: Date, oldestWaiting: Date | null, lastProgressAt: Date | null): number {
  if (!oldestWaiting) return 0;
  const from = lastProgressAt && lastProgressAt > oldestWaiting ? lastProgressAt : oldestWaiting;
  return Math.max(0, (now.getTime() - from.getTime()) / 1000);
}

/** One projector's verdict: stalled past the threshold is not ok; a failing loop is named either way. */
export function judgeProjector(status: ProjectorStatus, stallAfterSeconds: number): ProjectorHealth {
  const problems: string[] = [];
  const stalled = status.eventsBehind !== 0 && status.stalledSeconds >= stallAfterSeconds;
  if (stalled) {
    problems.push(`stalled: ${status.eventsBehind ?? 'some'} events waiting, no progress for ${Math.floor(status.stalledSeconds)} s`);
  }
  if (status.failingSince && status.lastError) problems.push(`failing since ${status.failingSince}: ${status.lastError.message}`);
  return { ...status, ok: !stalled, problems };
}

/** The /health answer of a process: every projector it reports on, judged against the stall threshold. */
export async function healthReport(projectors: readonly MonitoredProjector[], options: { stallAfterSeconds: number }): Promise<HealthReport> {
  const answers = await Promise.all(
    projectors.map(async (p) => {
      try {
        return { name: p.name, health: judgeProjector(await p.status(), options.stallAfterSeconds) };
      } catch (err) {
        const trouble = p.loopTrouble();
        return { name: p.name, problems: [`status unavailable: ${describeError(err)}`, ...(trouble ? [trouble] : [])] };
      }
    }),
  );
  const report: HealthReport = { ok: true, problems: [], projectors: [] };
  for (const a of answers) {
    if ('health' in a && a.health) {
      report.projectors.push(a.health);
      if (!a.health.ok) report.ok = false;
      report.problems.push(...a.health.problems.map((m) => `${a.name}: ${m}`));
    } else {
      report.ok = false;
      report.problems.push(...(a.problems ?? []).map((m) => `${a.name}: ${m}`));
    }
  }
  return report;
}
