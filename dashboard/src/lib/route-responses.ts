import { NextResponse } from 'next/server';
import type { ApiError } from './api.ts';

/** What the dashboard's API routes answer: a refusal as the query API words one. */
export const refused = (status: number, error: string, message: string) => NextResponse.json({ error, message }, { status });

/** The query API's refusal passed on: `statuses` as they are, anything else a 502 (the dashboard's upstream failed). */
export const refusedBy = (e: ApiError, statuses: readonly number[] = [401, 403]) => refused(statuses.includes(e.status) ? e.status : 502, e.code, e.message);

const CSV_HEADERS = { 'content-type': 'text/csv; charset=utf-8', 'cache-control': 'no-store' };

/** A CSV written here, as a download named `filename`. */
export const csvDownload = (csv: string, filename: string) =>
  new NextResponse(csv, { headers: { ...CSV_HEADERS, 'content-disposition': `attachment; filename="${filename}"` } });

/**
 * The query API's own CSV streamed through as it arrives, or its refusal: 400/401/403/404 as
 * they are, anything else a 502. `filename` names the download when the API names none.
 */
export async function relayCsv(upstream: Response, filename: string): Promise<Response> {
  if (!upstream.ok || !upstream.body) {
    const body = (await upstream.json().catch(() => ({}))) as { error?: string; message?: string };
    const status = [400, 401, 403, 404].includes(upstream.status) ? upstream.status : 502;
    return refused(status, body.error ?? 'error', body.message ?? `the query API answered ${upstream.status}`);
  }
  return new Response(upstream.body, {
    headers: {
      ...CSV_HEADERS,
      'content-type': upstream.headers.get('content-type') ?? CSV_HEADERS['content-type'],
      'content-disposition': upstream.headers.get('content-disposition') ?? `attachment; filename="${filename}"`,
    },
  });
}
