import { getIronSession, type SessionOptions } from 'iron-session';
import { cookies, headers } from 'next/headers';
import { getConfig } from './config.ts';

/** What the sealed cookie holds: the user's Parley API key. The browser's JavaScript never sees it. */
export interface SessionData {
  key?: string;
}

export const SESSION_COOKIE = 'parley_session';
const TTL_SECONDS = 12 * 60 * 60;

async function options(): Promise<SessionOptions> {
  // Secure when the dashboard is reached over HTTPS (a TLS proxy in front of `next start` says so).
  const secure = (await headers()).get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
  return {
    password: getConfig().sessionSecret,
    cookieName: SESSION_COOKIE,
    ttl: TTL_SECONDS,
    cookieOptions: { httpOnly: true, sameSite: 'strict', secure, path: '/' },
  };
}

export async function getSession() {
  return getIronSession<SessionData>(await cookies(), await options());
}
