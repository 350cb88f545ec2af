import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';

/**
 * CSV export of the analytics reports (RFC 4180: comma separated, CRLF line ends, a
 * header row, fields quoted when they hold a comma, quote or line break).
 */

export type CsvValue = string | number | boolean | null;
export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvValue;
}

/** The client asked for CSV: `format=csv`, or an Accept header naming text/csv (and no explicit format=json). */
export function wantsCsv(request: FastifyRequest, format: 'json' | 'csv' | undefined): boolean {
  if (format !== undefined) return format === 'csv';
  const accept = request.headers.accept;
  return typeof accept === 'string' && /(^|,)\s*text\/csv\b/i.test(accept);
}

function field(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  // A text cell starting like a formula would run as one when opened in a spreadsheet.
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv<T>(rows: readonly T[], columns: readonly CsvColumn<T>[]): string {
  const lines = [columns.map((c) => field(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => field(c.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Columns straight from an object's keys, in the order given. */
export function columnsOf<T>(keys: readonly (keyof T & string)[]): CsvColumn<T>[] {
  return keys.map((key) => ({ header: key, value: (row: T) => row[key] as CsvValue }));
}

/** Columns from a row schema's fields, in their declared order. */
export function columnsFrom<S extends z.ZodObject>(row: S): CsvColumn<z.infer<S>>[] {
  return columnsOf<z.infer<S>>(Object.keys(row.shape) as (keyof z.infer<S> & string)[]);
}
