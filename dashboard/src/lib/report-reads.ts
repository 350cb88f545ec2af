import { queryGet, queryGetIfAllowed } from './api.ts';
import { requirePage } from './guard.ts';
import type { PageName } from './pages.ts';
import { REPORTS, type ReportName, reportSearch } from './reports.ts';
import type { AgentWorkload } from './types.ts';
import { parseView, type SearchParamsRecord } from './view-params.ts';

/**
 * A report page's start: its view, who is signed in (the role check; GET /v1/me, shared
 * with the layout's, once per request) and a reader of reports for that view. The reports
 * need the tenant's time zone (from /v1/me) for their range; the page then reads every
 * report at once, with one instant as "now" so that they cover the same range.
 */
export async function reportPage(page: PageName, searchParams: Promise<SearchParamsRecord>) {
  const [view, me] = await Promise.all([searchParams.then(parseView), requirePage(page)]);
  const now = new Date();
  const read = <T>(name: ReportName, extra: Record<string, string | number | undefined> = {}) =>
    queryGet<T>(REPORTS[name].path, reportSearch(name, view, me.timeZone, extra, now));
  /** Agents' names: only roles that watch queues may list the workload; analysts get none. */
  const workload = () => queryGetIfAllowed<{ items: AgentWorkload[] }>('/v1/supervisor/workload', undefined, { items: [] });
  return { view, me, tz: view.tz ?? me.timeZone, read, workload };
}
