import { NextResponse } from 'next/server';
import { getSession } from '@/lib/session';

/**
 * Where a page goes when the API refused the session's key (401: revoked, rotated, user
 * deactivated): server components cannot change cookies, a route handler can.
 */
export async function GET(request: Request) {
  const session = await getSession();
  session.destroy();
  return NextResponse.redirect(new URL('/sign-in?reason=expired', request.url), 303);
}
