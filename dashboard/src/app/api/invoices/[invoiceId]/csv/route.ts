import { getConfig } from '@/lib/config';
import { refused, relayCsv } from '@/lib/route-responses';
import { getSession } from '@/lib/session';

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
  return relayCsv(upstream, `invoice-${invoiceId}.csv`);
}
