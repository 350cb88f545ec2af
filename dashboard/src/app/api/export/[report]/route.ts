import { ApiError, callApi, withSearch } from '@/lib/api';
import { getConfig } from '@/lib/config';
import { isReportName, REPORTS, reportExtra, reportSearch } from '@/lib/reports';
import { refused, refusedBy, relayCsv } from '@/lib/route-responses';
import { getSession } from '@/lib/session';
import type { Me } from '@/lib/types';
import { parseView } from '@/lib/view-params';

/**
 * A report's rows as CSV: the query API's own export (`format=csv`) of the report the page
 * shows, for the same view (range, time zone, team, agent, grouping, clock), streamed
 * through as it arrives. The key stays here: the browser only ever has its session cookie.
 */
export async function GET(request: Request, { params }: { params: Promise<{ report: string }> }) {
  const [{ report }, session] = await Promise.all([params, getSession()]);
  if (!session.key) return refused(401, 'unauthorized', 'sign in first');
  if (!isReportName(report)) return refused(404, 'not_found', `no report named ${report}`);
  const url = new URL(request.url);
  const view = parseView(url.searchParams);
  const extra = reportExtra(report, url.searchParams);
  if (!extra) return refused(400, 'bad_request', `wrong parameters for the ${report} export`);
  const base = getConfig().queryUrl;
  let upstream: Response;
  try {
    // The tenant's zone when the view names none, as the page reads it.
    const tenantZone = view.tz ?? (await callApi<Me>(base, session.key, 'GET', '/v1/me')).timeZone;
    const path = withSearch(REPORTS[report].path, { ...reportSearch(report, view, tenantZone, extra), format: 'csv' });
    upstream = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${session.key}`, accept: 'text/csv' }, cache: 'no-store' });
  } catch (e) {
    if (e instanceof ApiError) return refusedBy(e);
    return refused(502, 'unavailable', `the query API does not answer (${(e as Error).message})`);
  }
  return relayCsv(upstream, `${report}.csv`);
}
