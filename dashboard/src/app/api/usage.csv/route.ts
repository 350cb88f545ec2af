import { ApiError, callApi, withSearch } from '@/lib/api';
import { periodDates } from '@/lib/billing';
import { getConfig } from '@/lib/config';
import { toCsv } from '@/lib/csv';
import { csvDownload, refused, refusedBy } from '@/lib/route-responses';
import { getSession } from '@/lib/session';
import type { DailyUsageAnswer, TenantPlan } from '@/lib/types';
import { parseView } from '@/lib/view-params';

const COLUMNS = ['day', 'timeZone', 'meter', 'group', 'quantity'] as const;

/**
 * The usage page's daily rows as CSV: every row of GET /v1/usage/daily (per local day,
 * meter and group) for the view's dates (default: the current period) in the plan's zone.
 * The usage API has no CSV of its own, so the rows are written here, as the analytics
 * exports write theirs; a group is its dimensions as `name=value` pairs.
 */
export async function GET(request: Request) {
  const session = await getSession();
  if (!session.key) return refused(401, 'unauthorized', 'sign in first');
  const view = parseView(new URL(request.url).searchParams);
  const base = getConfig().queryUrl;
  let answer: DailyUsageAnswer;
  try {
    const { subscription: plan } = await callApi<{ subscription: TenantPlan | null }>(base, session.key, 'GET', '/v1/billing/plan');
    if (!plan) return refused(404, 'not_found', 'no plan chosen yet: no billing period to export');
    const dates = view.range === 'custom' && view.from && view.to ? { from: view.from, to: view.to } : periodDates(plan.currentPeriod, plan.timeZone);
    answer = await callApi<DailyUsageAnswer>(base, session.key, 'GET', withSearch('/v1/usage/daily', { ...dates, timeZone: plan.timeZone }));
  } catch (e) {
    if (e instanceof ApiError) return refusedBy(e, [400, 401, 403]);
    throw e;
  }
  const rows = answer.items
    .filter((r) => !view.meter || r.meter === view.meter)
    .map((r) => ({
      ...r,
      timeZone: answer.timeZone,
      group: Object.entries(r.group)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    }));
  return csvDownload(toCsv(COLUMNS, rows), `usage-daily-${new Date().toISOString().slice(0, 10)}.csv`);
}
