import { BREACH_GROUPS, type ReportName } from './reports.ts';
import type {
  AgentWorkload,
  BreachRow,
  CompliancePeriodRow,
  ComplianceRow,
  ConversationVolumeRow,
  CountedPage,
  HeatmapCell,
  ResponseTimePercentiles,
  SlaDrillItem,
  SlaTarget,
  VolumeRow,
} from './types.ts';

/**
 * What each report page reads of the query API, declared once: the page starts these reads
 * together and awaits each where it is shown; the dashboard benchmark
 * (load-tests/src/dashboard-bench.ts) makes the same calls straight to the API to compare.
 * No Next.js import here, so that the benchmark can import it.
 */
export type ReportReader = <T>(name: ReportName, extra?: Record<string, string | number | undefined>) => Promise<T>;
export interface PageReaders {
  read: ReportReader;
  /** Agents' names (the workload); roles that may not list it get none. */
  workload: () => Promise<{ items: AgentWorkload[] }>;
}

/** The targets the SLA page reports (first_response_all is first responses with reopens: in the exports and the API). */
export const SLA_PAGE_TARGETS = ['first_response', 'next_response', 'resolution'] as const satisfies readonly SlaTarget[];
/** Breached waits listed per target on the SLA page. */
export const SLA_BREACHED_LIST = 10;

/**
 * A read started now and awaited later, by the section that shows it: marked handled, so
 * that a failure before its section awaits it is not an unhandled rejection (the section
 * still gets it, and the page's error boundary shows it).
 */
function started<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}

/**
 * The reads after a page's first chart's: started once that read has answered. The
 * embedded ClickHouse (chDB) runs one query at a time, so reads sent together finish in
 * whatever order they reach it and the first chart would wait for most of them; after it,
 * they take the same time in all, one after another.
 */
function afterFirst(first: Promise<unknown>) {
  const answered = first.then(
    () => undefined,
    () => undefined,
  );
  return <T>(read: () => Promise<T>): Promise<T> => started(answered.then(read));
}

/** The SLA page's reads: the agents' names (PostgreSQL) and the first chart's at once, the others after that chart's. */
export function slaPageReads({ read, workload }: PageReaders) {
  const byPeriod = started(read<{ items: CompliancePeriodRow[] }>('sla-compliance-by-period'));
  const then = afterFirst(byPeriod);
  return {
    people: started(workload()),
    byPeriod,
    compliance: then(() => read<{ items: ComplianceRow[] }>('sla-compliance')),
    percentiles: then(() => read<ResponseTimePercentiles>('sla-percentiles')),
    byGroup: BREACH_GROUPS.map((by) => then(() => read<{ items: BreachRow[] }>('sla-breaches', { by }))),
    breached: SLA_PAGE_TARGETS.map((target) => then(() => read<CountedPage<SlaDrillItem>>('sla-breached', { target, limit: SLA_BREACHED_LIST }))),
  };
}

/** The Volumes page's reads: the agents' names and the first chart's (messages) at once, the others after it. */
export function volumesPageReads({ read, workload }: PageReaders) {
  const messages = started(read<{ items: VolumeRow[] }>('volumes'));
  const then = afterFirst(messages);
  return {
    people: started(workload()),
    messages,
    conversations: then(() => read<{ items: ConversationVolumeRow[] }>('conversation-volumes')),
    heatmap: then(() => read<{ items: HeatmapCell[] }>('heatmap')),
  };
}
