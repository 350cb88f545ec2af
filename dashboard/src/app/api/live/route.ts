import { NextResponse } from 'next/server';
import { ApiError } from '@/lib/api';
import { loadLive } from '@/lib/live';
import { refused, refusedBy } from '@/lib/route-responses';
import { getSession } from '@/lib/session';
import { parseView } from '@/lib/view-params';

/** What the live page polls: the session's key stays here; the browser gets the snapshot. */
export async function GET(request: Request) {
  const session = await getSession();
  if (!session.key) return refused(401, 'unauthorized', 'sign in first');
  const view = parseView(new URL(request.url).searchParams);
  try {
    return NextResponse.json(await loadLive(session.key, view.team), { headers: { 'cache-control': 'no-store' } });
  } catch (e) {
    if (e instanceof ApiError) return refusedBy(e);
    throw e;
  }
}
