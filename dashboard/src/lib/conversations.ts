import { inboxSort, type ViewParams } from './view-params.ts';

/** The inbox query (GET /v1/conversations) of a view: the same filters the drill-down links set. */
export function inboxSearch(view: ViewParams, limit = 25) {
  return {
    status: view.status?.join(','),
    priority: view.priority?.join(','),
    team: view.team,
    assignee: view.agent,
    q: view.q,
    sort: inboxSort(view),
    cursor: view.cursor,
    limit,
  };
}
