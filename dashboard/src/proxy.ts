import { type NextRequest, NextResponse } from 'next/server';

// The cookie's name (lib/session.ts); the proxy runs before the app and reads no module of it.
const SESSION_COOKIE = 'parley_session';
const PATH_HEADER = 'x-parley-path';
const SEARCH_HEADER = 'x-parley-search';

/**
 * An optimistic check: a request without a session cookie goes to sign-in at once. The
 * pages check the key itself (GET /v1/me) on every request.
 */
export function proxy(request: NextRequest) {
  if (!request.cookies.has(SESSION_COOKIE)) {
    if (request.nextUrl.pathname.startsWith('/api/')) return NextResponse.json({ error: 'unauthorized', message: 'sign in first' }, { status: 401 });
    return NextResponse.redirect(new URL('/sign-in', request.url));
  }
  // The layout checks the role against the page before anything streams (a 403 status, not a 200 with a 403 page),
  // and that a conversation page's conversation exists (a 404 status).
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, request.nextUrl.pathname);
  headers.set(SEARCH_HEADER, request.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ['/((?!sign-in|sign-out|session-expired|_next/|favicon.ico).*)'],
};
