import { z } from 'zod';
import type { Me } from './types.ts';
import { leaderboardSort, PRIORITIES, resolveRange, type ViewParams, viewSearch } from './view-params.ts';

/**
 * The report pages' reads of the query API, declared once: a page reads a report and its
 * CSV export asks for the same report (`/api/export/<name>`) with the same range, time
 * zone, filters and clock, because both build the query here from the view in the URL.
 */

export const SLA_TARGETS = ['first_response', 'first_response_all', 'next_response', 'resolution'] as const;
export const BREACH_GROUPS = ['team', 'agent', 'priority', 'day'] as const;
/** The figures the drill-down opens (the query API's DRILL_FIGURES). */
export const DRILL_FIGURES = [
  'messages',
  'conversations_opened',
  'conversations_closed',
  'csat_closed',
  'csat_responses',
  'handled',
  'first_responses',
  'sla',
] as const;
export type DrillFigure = (typeof DRILL_FIGURES)[number];

type Search = Record<string, string | number | undefined>;

/** The range (instants in the view's zone), zone, team and agent of a view, as every report takes them. */
export function reportFilters(view: ViewParams, tenantTimeZone: string, now = new Date()) {
  const timeZone = view.tz ?? tenantTimeZone;
  const { from, to } = resolveRange(view, timeZone, now);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    timeZone,
    teamId: view.team,
    // "Unassigned" is an inbox filter; no report takes it.
    agentId: view.agent === 'unassigned' ? undefined : view.agent,
  };
}

/** What narrows a figure to one bar, cell or row (the drill-down's parameters). */
export const DrillParams = z.object({
  figure: z.enum(DRILL_FIGURES),
  bucket: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}( \d{2}:00:00)?$/)
    .optional(),
  dayOfWeek: z.coerce.number().int().min(1).max(7).optional(),
  hour: z.coerce.number().int().min(0).max(23).optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  messageType: z.string().min(1).max(40).optional(),
  score: z.coerce.number().int().min(1).max(5).optional(),
  target: z.enum(SLA_TARGETS).optional(),
  outcome: z.enum(['met', 'breached', 'any']).optional(),
  priority: z.enum(PRIORITIES).optional(),
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});
export type DrillParams = z.infer<typeof DrillParams>;
const DRILL_KEYS = Object.keys(DrillParams.shape) as (keyof DrillParams)[];

const flat = (search: URLSearchParams | Record<string, string | string[] | undefined>): Record<string, string> => {
  const out: Record<string, string> = {};
  if (search instanceof URLSearchParams) for (const [k, v] of search) out[k] ??= v;
  else for (const [k, v] of Object.entries(search)) if (v !== undefined) out[k] = Array.isArray(v) ? v[0]! : v;
  return out;
};

/** A drill-down's parameters from a URL; null when it names no figure (or a wrong value). */
export function parseDrill(search: URLSearchParams | Record<string, string | string[] | undefined>): DrillParams | null {
  const all = flat(search);
  const picked = Object.fromEntries(DRILL_KEYS.filter((k) => all[k] !== undefined && all[k] !== '').map((k) => [k, all[k]]));
  const parsed = DrillParams.safeParse(picked);
  return parsed.success ? parsed.data : null;
}

/** The query string of a drill-down (no leading ?). */
const drillSearch = (drill: DrillParams): string => {
  const q = new URLSearchParams();
  for (const k of DRILL_KEYS) if (drill[k] !== undefined) q.set(k, String(drill[k]));
  return q.toString();
};

/** Only what a report page's view says about the figures: no inbox list state. */
const reportView = (patch: Partial<ViewParams> = {}): Partial<ViewParams> => ({
  cursor: undefined,
  status: undefined,
  priority: undefined,
  q: undefined,
  sort: 'last_activity',
  order: 'desc',
  measure: 'inbound_messages',
  show: 'chart',
  ...patch,
});

/**
 * The drill-down page of a figure: the view's range, zone, team, agent, grouping and clock,
 * and what narrows the figure. `patch` narrows the view too (a team's or an agent's row).
 */
export function drillHref(view: ViewParams, drill: DrillParams, patch: Partial<ViewParams> = {}): string {
  const search = viewSearch(view, reportView(patch));
  return `/drilldown${search ? `${search}&` : '?'}${drillSearch(drill)}`;
}

interface ReportSpec {
  path: string;
  /** Takes hours=business|calendar (SLA figures, medians, the drill-down). */
  hours?: true;
  /** A time series: granularity from the view's group. */
  series?: true;
  /** More parameters of the URL this report takes, checked. */
  extra?: z.ZodType<Search>;
  /** The report's own parameters from the view and its extras. */
  params?: (view: ViewParams, extra: Search) => Search;
}

export const REPORTS = {
  'sla-compliance': { path: '/v1/analytics/sla/compliance', hours: true },
  'sla-compliance-by-period': { path: '/v1/analytics/sla/compliance/by-period', hours: true, series: true },
  'sla-breaches': { path: '/v1/analytics/sla/breaches', hours: true, extra: z.object({ by: z.enum(BREACH_GROUPS) }) },
  'sla-breached': {
    path: '/v1/analytics/sla/conversations',
    hours: true,
    extra: z.object({ target: z.enum(SLA_TARGETS) }),
    params: () => ({ outcome: 'breached' }),
  },
  'sla-percentiles': { path: '/v1/analytics/sla/percentiles', hours: true },
  volumes: { path: '/v1/analytics/volumes', series: true },
  'conversation-volumes': { path: '/v1/analytics/conversations/volumes', series: true },
  heatmap: { path: '/v1/analytics/heatmap', params: (view) => ({ measure: view.measure }) },
  leaderboard: { path: '/v1/analytics/agents/leaderboard', hours: true, params: (view) => ({ sort: leaderboardSort(view), order: view.order }) },
  csat: { path: '/v1/analytics/csat' },
  'csat-comments': { path: '/v1/analytics/csat/comments', extra: z.object({ score: z.coerce.number().int().min(1).max(5).optional() }) },
  drilldown: {
    path: '/v1/analytics/drilldown',
    hours: true,
    extra: DrillParams as z.ZodType<Search>,
    // A bucket is a period of the report's granularity: the view's group.
    params: (view, extra) => (extra.bucket !== undefined ? { granularity: view.group } : {}),
  },
} as const satisfies Record<string, ReportSpec>;
export type ReportName = keyof typeof REPORTS;

export const isReportName = (name: string): name is ReportName => Object.hasOwn(REPORTS, name);

/** The query API's query of a report for a view (the page's read, and its export with format=csv). */
export function reportSearch(name: ReportName, view: ViewParams, tenantTimeZone: string, extra: Search = {}, now = new Date()): Search {
  const spec: ReportSpec = REPORTS[name];
  return {
    ...reportFilters(view, tenantTimeZone, now),
    ...(spec.hours ? { hours: view.hours } : {}),
    ...(spec.series ? { granularity: view.group } : {}),
    ...extra,
    ...spec.params?.(view, extra),
  };
}

/** The extra parameters of a report from a URL: null when they are wrong. */
export function reportExtra(name: ReportName, search: URLSearchParams): Search | null {
  const spec: ReportSpec = REPORTS[name];
  if (!spec.extra) return {};
  if (name === 'drilldown') return parseDrill(search) as Search | null;
  const parsed = spec.extra.safeParse(flat(search));
  return parsed.success ? Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) : null;
}

/** The CSV export of a report as the page shows it: the dashboard's streaming route, same view, same extras. */
export function exportHref(name: ReportName, view: ViewParams, extra: Search = {}): string {
  const q = new URLSearchParams(viewSearch(view, reportView({ sort: view.sort, order: view.order, measure: view.measure })).slice(1));
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return `/api/export/${name}${s ? `?${s}` : ''}`;
}

/** Names of agents: the workload's (supervisors, admins), and the signed-in user's own. */
export function agentNames(me: Me, workload: readonly { agentId: string; name: string }[]): Map<string, string> {
  const names = new Map(workload.map((a) => [a.agentId, a.name]));
  names.set(me.userId, me.name);
  return names;
}

/** An agent's name, or a short form of the id when the role may not list agents (analysts). */
export const agentLabel = (names: Map<string, string>, id: string | null | undefined): string =>
  !id ? 'No agent' : (names.get(id) ?? `Agent ${id.slice(0, 8)}`);

export const TARGET_LABELS: Record<string, string> = {
  first_response: 'First response',
  first_response_all: 'First response (with reopens)',
  next_response: 'Next response',
  resolution: 'Resolution',
};

export const FIGURE_LABELS: Record<DrillFigure, string> = {
  messages: 'Messages',
  conversations_opened: 'Conversations opened',
  conversations_closed: 'Conversations closed',
  csat_closed: 'Closed conversations (CSAT response rate’s denominator)',
  csat_responses: 'CSAT responses',
  handled: 'Conversations handled',
  first_responses: 'First responses',
  sla: 'SLA',
};

export const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** "84.2%", or an em dash when nothing was judged. */
export const formatPct = (pct: number | null | undefined): string => (pct === null || pct === undefined ? '—' : `${pct.toFixed(1)}%`);
