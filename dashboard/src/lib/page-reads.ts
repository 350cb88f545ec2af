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

export function slaPageReads({ read, workload }: PageReaders) {
  return {
    compliance: read<{ items: ComplianceRow[] }>('sla-compliance'),
    byPeriod: read<{ items: CompliancePeriodRow[] }>('sla-compliance-by-period'),
    byGroup: Promise.all(BREACH_GROUPS.map((by) => read<{ items: BreachRow[] }>('sla-breaches', { by }))),
    percentiles: read<ResponseTimePercentiles>('sla-percentiles'),
    people: workload(),
    breached: Promise.all(SLA_PAGE_TARGETS.map((target) => read<CountedPage<SlaDrillItem>>('sla-breached', { target, limit: SLA_BREACHED_LIST }))),
  };
}

export function volumesPageReads({ read, workload }: PageReaders) {
  return {
    messages: read<{ items: VolumeRow[] }>('volumes'),
    conversations: read<{ items: ConversationVolumeRow[] }>('conversation-volumes'),
    heatmap: read<{ items: HeatmapCell[] }>('heatmap'),
    people: workload(),
  };
}
