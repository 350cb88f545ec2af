/**
 * CSV as the analytics exports write it (docs/analytics.md): a header row, CRLF line ends,
 * RFC 4180 quoting, empty cells for null, and a text cell starting with = + - @ prefixed
 * with ' (spreadsheet formula injection).
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    let s = Array.isArray(v) ? v.join(' ') : String(v);
    if (typeof v === 'string' && /^[=+\-@]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
