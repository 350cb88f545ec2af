import { z } from 'zod';

/**
 * A page's view, all of it in the URL so that a link reproduces it: the date range, time
 * zone, team, agent and grouping every page shares, and the inbox's list filters. ONE schema
 * for every page (each reads the fields that apply to it). A value a hand-edited URL got
 * wrong falls back to its default instead of failing the page.
 */

export const RANGE_PRESETS = { '7d': 7, '30d': 30, '90d': 90 } as const;
export const GROUPS = ['hour', 'day', 'week', 'month'] as const;
export const STATUSES = ['new', 'queued', 'assigned', 'pending_customer', 'pending_agent', 'closed'] as const;
export const OPEN_STATUSES = ['new', 'queued', 'assigned', 'pending_customer', 'pending_agent'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const SORTS = ['last_activity', 'longest_waiting', 'priority'] as const;
/** The agents' leaderboard's columns (GET /v1/analytics/agents/leaderboard `sort`). */
export const LEADERBOARD_SORTS = [
  'agentId',
  'conversationsHandled',
  'firstResponses',
  'medianFirstResponseSeconds',
  'medianResolutionSeconds',
  'medianHandleSeconds',
  'csatAverage',
  'csatResponses',
] as const;
/** The clock of SLA figures: business hours (the teams' open hours) or calendar (wall-clock) time. */
export const HOURS_MODES = ['business', 'calendar'] as const;
export const HEATMAP_MEASURES = ['inbound_messages', 'conversations_opened'] as const;
export const CHART_OR_TABLE = ['chart', 'table'] as const;

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Uuid = z.uuid();

export const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const commaList = <T extends string>(values: readonly T[]) =>
  z
    .string()
    .transform((s) => s.split(',').filter((v): v is T => (values as readonly string[]).includes(v)))
    .transform((list) => [...new Set(list)]);

export const ViewParams = z.object({
  range: z.enum(['7d', '30d', '90d', 'custom']).default('7d').catch('7d'),
  from: LocalDate.optional().catch(undefined),
  to: LocalDate.optional().catch(undefined),
  tz: z.string().refine(isTimeZone).optional().catch(undefined),
  team: Uuid.optional().catch(undefined),
  agent: z
    .union([z.literal('unassigned'), Uuid])
    .optional()
    .catch(undefined),
  group: z.enum(GROUPS).default('day').catch('day'),
  // The inbox list (GET /v1/conversations): statuses, priorities, search, sort, page.
  status: commaList(STATUSES).optional().catch(undefined),
  priority: commaList(PRIORITIES).optional().catch(undefined),
  q: z.string().trim().min(1).max(200).optional().catch(undefined),
  // The inbox's sort, or a column of the agents' leaderboard (each page reads its own: inboxSort, leaderboardSort).
  sort: z
    .enum([...SORTS, ...LEADERBOARD_SORTS])
    .default('last_activity')
    .catch('last_activity'),
  order: z.enum(['asc', 'desc']).default('desc').catch('desc'),
  cursor: z.string().min(1).max(500).optional().catch(undefined),
  // Reports: the SLA clock (every SLA figure, median and export follows it) and the heatmap's measure.
  hours: z.enum(HOURS_MODES).default('business').catch('business'),
  measure: z.enum(HEATMAP_MEASURES).default('inbound_messages').catch('inbound_messages'),
  // The usage page: the meter its daily chart shows (a meter key; an unknown one shows the first meter).
  meter: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/)
    .optional()
    .catch(undefined),
  // Reports: their charts, or the tables behind them (the text alternative); the server sends only the one shown.
  show: z.enum(CHART_OR_TABLE).default('chart').catch('chart'),
});

export type ViewParams = z.infer<typeof ViewParams>;
export type SearchParamsRecord = Record<string, string | string[] | undefined>;

/** Parses a page's search params (Next's record, or URLSearchParams in the browser). */
export function parseView(search: SearchParamsRecord | URLSearchParams): ViewParams {
  const flat: Record<string, string> = {};
  if (search instanceof URLSearchParams) for (const [k, v] of search) flat[k] ??= v;
  else for (const [k, v] of Object.entries(search)) if (v !== undefined) flat[k] = Array.isArray(v) ? v[0]! : v;
  const view = ViewParams.parse(flat);
  // Empty lists are no filter.
  if (view.status?.length === 0) view.status = undefined;
  if (view.priority?.length === 0) view.priority = undefined;
  return view;
}

const DEFAULTS: Partial<Record<keyof ViewParams, string>> = {
  range: '7d',
  group: 'day',
  sort: 'last_activity',
  order: 'desc',
  hours: 'business',
  measure: 'inbound_messages',
  show: 'chart',
};

/** The inbox's sort of a view (a leaderboard column is no inbox sort). */
export const inboxSort = (view: ViewParams): (typeof SORTS)[number] =>
  (SORTS as readonly string[]).includes(view.sort) ? (view.sort as (typeof SORTS)[number]) : 'last_activity';

/** The leaderboard's sort of a view (default: conversations handled). */
export const leaderboardSort = (view: ViewParams): (typeof LEADERBOARD_SORTS)[number] =>
  (LEADERBOARD_SORTS as readonly string[]).includes(view.sort) ? (view.sort as (typeof LEADERBOARD_SORTS)[number]) : 'conversationsHandled';

/** The URL query of a view with some fields changed; defaults and empty values are left out. */
export function viewSearch(view: ViewParams, patch: Partial<ViewParams> = {}): string {
  const merged = { ...view, ...patch };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(merged) as [keyof ViewParams, unknown][]) {
    if (v === undefined || v === null || v === '') continue;
    const s = Array.isArray(v) ? v.join(',') : String(v);
    if (s === '' || DEFAULTS[k] === s) continue;
    if ((k === 'from' || k === 'to') && merged.range !== 'custom') continue;
    q.set(k, s);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The offset of `tz` from UTC at `at`, in milliseconds. */
export function zoneOffsetMs(at: Date, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant a local date starts (its midnight) in `tz`. */
export function startOfLocalDay(date: string, tz: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  let at = guess - zoneOffsetMs(new Date(guess), tz);
  // Across an offset change the first guess is an hour off: correct with the offset found there.
  at = guess - zoneOffsetMs(new Date(at), tz);
  return new Date(at);
}

/** The local date (YYYY-MM-DD) of an instant in `tz`. */
export const localDate = (at: Date, tz: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

const addDays = (date: string, days: number): string => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
};

/**
 * The instants a view covers: a preset is the last N local days, today included, up to
 * now; a custom range runs from the start of `from` to the end of `to` (local dates in the
 * view's time zone). A custom range without dates, or with `to` before `from`, is the 7-day preset.
 */
export function resolveRange(view: ViewParams, tz: string, now = new Date()): { from: Date; to: Date; fromDate: string; toDate: string } {
  if (view.range === 'custom' && view.from && view.to && view.from <= view.to) {
    return { from: startOfLocalDay(view.from, tz), to: startOfLocalDay(addDays(view.to, 1), tz), fromDate: view.from, toDate: view.to };
  }
  const days = view.range === 'custom' ? 7 : RANGE_PRESETS[view.range];
  const today = localDate(now, tz);
  const fromDate = addDays(today, -(days - 1));
  return { from: startOfLocalDay(fromDate, tz), to: now, fromDate, toDate: today };
}
