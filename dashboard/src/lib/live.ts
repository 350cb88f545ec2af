import { callApi, withSearch } from './api.ts';
import { getConfig } from './config.ts';
import type { AgentWorkload, ConversationSummary, LiveSnapshot, Page, TeamQueue } from './types.ts';

export const UNASSIGNED_LIMIT = 15;

/** The live page's data: its three reads at once, never one after another. */
export async function loadLive(key: string, team: string | undefined): Promise<LiveSnapshot> {
  const base = getConfig().queryUrl;
  const [queues, workload, unassigned] = await Promise.all([
    callApi<{ items: TeamQueue[] }>(base, key, 'GET', '/v1/supervisor/queues'),
    callApi<{ items: AgentWorkload[] }>(base, key, 'GET', withSearch('/v1/supervisor/workload', { team })),
    callApi<Page<ConversationSummary>>(
      base,
      key,
      'GET',
      withSearch('/v1/conversations', { assignee: 'unassigned', status: 'new,queued', sort: 'longest_waiting', limit: UNASSIGNED_LIMIT, team }),
    ),
  ]);
  return {
    at: new Date().toISOString(),
    queues: team ? queues.items.filter((q) => q.teamId === team) : queues.items,
    workload: workload.items,
    unassigned: unassigned.items,
    unassignedMore: unassigned.nextCursor !== null,
  };
}
