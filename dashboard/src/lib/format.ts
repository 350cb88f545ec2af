/** How the dashboard writes times and durations: in the view's time zone, the same on the server and in the browser. */

export function formatInstant(iso: string | null | undefined, tz: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat('en-GB', { timeZone: tz, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function formatTime(iso: string, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** "4m 12s", "2h 05m", "3d 4h": a duration in its two largest units. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** How long since `iso`, at `now`; '—' without one. */
export const waitedFor = (iso: string | null | undefined, now: number): string => (iso ? formatDuration(now - new Date(iso).getTime()) : '—');

export const STATUS_LABELS: Record<string, string> = {
  new: 'New',
  queued: 'Queued',
  assigned: 'Assigned',
  pending_customer: 'Pending customer',
  pending_agent: 'Pending agent',
  closed: 'Closed',
};

export const statusLabel = (s: string) => STATUS_LABELS[s] ?? s;
