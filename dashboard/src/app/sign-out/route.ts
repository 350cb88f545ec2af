import { NextResponse } from 'next/server';
import { getSession } from '@/lib/session';

/** Sign-out: a POST from the navigation's form; the session cookie is cleared. */
export async function POST(request: Request) {
  const session = await getSession();
  session.destroy();
  return NextResponse.redirect(new URL('/sign-in?reason=signed-out', request.url), 303);
}
