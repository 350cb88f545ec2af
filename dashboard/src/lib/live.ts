import { ApiError, callApi, withSearch } from './api.ts';
import { getConfig } from './config.ts';
import type { AgentWorkload, ConversationSummary, LiveSnapshot, Page, RunningSla, TeamQueue } from './types.ts';

export const UNASSIGNED_LIMIT = 15;
/** SLA items listed at most; the figures say when there are more. */
export const SLA_LIMIT = 200;
/** At risk: not yet due, with at most this share of the target left. */
export const AT_RISK_SHARE = 0.25;

/** The live page's data: its three reads at once, never one after another. */
export async function loadLive(key: string, team: string | undefined): Promise<LiveSnapshot> {
  const base = getConfig().queryUrl;
  const [queues, workload, unassigned, sla] = await Promise.all([
    callApi<{ items: TeamQueue[] }>(base, key, 'GET', '/v1/supervisor/queues'),
    callApi<{ items: AgentWorkload[] }>(base, key, 'GET', withSearch('/v1/supervisor/workload', { team })),
    callApi<Page<ConversationSummary>>(
      base,
      key,
      'GET',
      withSearch('/v1/conversations', { assignee: 'unassigned', status: 'new,queued', sort: 'longest_waiting', limit: UNASSIGNED_LIMIT, team }),
    ),
    callApi<RunningSla>(base, key, 'GET', withSearch('/v1/analytics/sla/running', { teamId: team, atRiskShare: AT_RISK_SHARE, limit: SLA_LIMIT })).catch(
      (e: unknown) => {
        // Without analytics (PARLEY_ANALYTICS=off) the route is not there: the board shows no SLA figures.
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      },
    ),
  ]);
  return {
    at: new Date().toISOString(),
    queues: team ? queues.items.filter((q) => q.teamId === team) : queues.items,
    workload: workload.items,
    unassigned: unassigned.items,
    unassignedMore: unassigned.nextCursor !== null,
    sla,
  };
}
