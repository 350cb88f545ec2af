import type { Priority } from '@/lib/types';

/** The four priorities, lowest first, as the SLA form lists them. */
export const PRIORITIES: { value: Priority; label: string }[] = [
  { value: 'low', label: 'Low' },
  { value: 'normal', label: 'Normal' },
  { value: 'high', label: 'High' },
  { value: 'urgent', label: 'Urgent' },
];

/** The API's weekdays: 0 = Monday … 6 = Sunday. */
export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map((label, day) => ({ day, label }));

/** "15 min", "2 h", "1 d 4 h": a target in seconds, for people. */
export function formatTarget(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 3600 || seconds % 3600 !== 0) {
    const minutes = seconds / 60;
    return `${Number.isInteger(minutes) ? minutes : minutes.toFixed(1)} min`;
  }
  const hours = seconds / 3600;
  return hours < 24 || hours % 24 !== 0 ? `${hours} h` : `${hours / 24} d`;
}

/** A number for an input: seconds in minutes or hours, without needless decimals. */
export const inUnits = (seconds: number | null | undefined, unitSeconds: number): string =>
  seconds === null || seconds === undefined ? '' : String(Math.round((seconds / unitSeconds) * 100) / 100);
