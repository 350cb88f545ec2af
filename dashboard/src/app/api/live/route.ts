import { NextResponse } from 'next/server';
import { ApiError } from '@/lib/api';
import { loadLive } from '@/lib/live';
import { getSession } from '@/lib/session';
import { parseView } from '@/lib/view-params';

/** What the live page polls: the session's key stays here; the browser gets the snapshot. */
export async function GET(request: Request) {
  const session = await getSession();
  if (!session.key) return NextResponse.json({ error: 'unauthorized', message: 'sign in first' }, { status: 401 });
  const view = parseView(new URL(request.url).searchParams);
  try {
    return NextResponse.json(await loadLive(session.key, view.team), { headers: { 'cache-control': 'no-store' } });
  } catch (e) {
    if (e instanceof ApiError)
      return NextResponse.json({ error: e.code, message: e.message }, { status: e.status === 401 || e.status === 403 ? e.status : 502 });
    throw e;
  }
}
