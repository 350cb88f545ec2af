import { NextResponse } from 'next/server';
import { getConfig } from '@/lib/config';
import { getSession } from '@/lib/session';

const refused = (status: number, error: string, message: string) => NextResponse.json({ error, message }, { status });

/**
 * An invoice's lines as CSV: the query API's own export (`?format=csv`), streamed through
 * as it arrives. The key stays here: the browser only ever has its session cookie.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ invoiceId: string }> }) {
  const [{ invoiceId }, session] = await Promise.all([params, getSession()]);
  if (!session.key) return refused(401, 'unauthorized', 'sign in first');
  let upstream: Response;
  try {
    upstream = await fetch(`${getConfig().queryUrl}/v1/billing/invoices/${encodeURIComponent(invoiceId)}?format=csv`, {
      headers: { authorization: `Bearer ${session.key}`, accept: 'text/csv' },
      cache: 'no-store',
    });
  } catch (e) {
    return refused(502, 'unavailable', `the query API does not answer (${(e as Error).message})`);
  }
  if (!upstream.ok || !upstream.body) {
    const body = (await upstream.json().catch(() => ({}))) as { error?: string; message?: string };
    const status = [400, 401, 403, 404].includes(upstream.status) ? upstream.status : 502;
    return refused(status, body.error ?? 'error', body.message ?? `the query API answered ${upstream.status}`);
  }
  return new Response(upstream.body, {
    headers: {
      'content-type': upstream.headers.get('content-type') ?? 'text/csv; charset=utf-8',
      'content-disposition': upstream.headers.get('content-disposition') ?? `attachment; filename="invoice-${invoiceId}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
