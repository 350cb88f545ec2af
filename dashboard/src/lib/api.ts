import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { getConfig } from './config.ts';
import { getSession } from './session.ts';
import type { Me } from './types.ts';

/** An answer of the Parley APIs that was not a success, with their error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Where a server component sends a user whose key stopped working: the session is cleared there. */
export const SESSION_EXPIRED_PATH = '/session-expired';

type Search = Record<string, string | number | boolean | undefined | null>;

export const withSearch = (path: string, search: Search = {}) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(search)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
};

/** One call to a Parley API with a key: the parsed JSON, or an ApiError. */
export async function callApi<T>(base: string, key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const h: Record<string, string> = { authorization: `Bearer ${key}`, ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (e) {
    throw new ApiError(503, 'unavailable', `the Parley API at ${base} does not answer (${(e as Error).message})`);
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) {
    const err = (parsed ?? {}) as { error?: string; message?: string };
    throw new ApiError(res.status, err.error ?? 'error', err.message ?? `${method} ${path} answered ${res.status}`);
  }
  return parsed as T;
}

/** The signed-in user's key; none: to the sign-in page. */
export async function sessionKey(): Promise<string> {
  const session = await getSession();
  if (!session.key) redirect('/sign-in');
  return session.key;
}

/**
 * A read for a server component: a key the API refuses (401) leads to sign-in, a role it
 * refuses (403) to the 403 page, whichever of a page's parallel reads fails first.
 */
export function guarded<T>(read: Promise<T>): Promise<T> {
  return read.catch((e: unknown) => {
    if (e instanceof ApiError && e.status === 401) redirect(SESSION_EXPIRED_PATH);
    if (e instanceof ApiError && e.status === 403) forbidden();
    throw e;
  });
}

/** A query API read as the signed-in user, from a server component. */
export async function queryGet<T>(path: string, search?: Search): Promise<T> {
  const key = await sessionKey();
  return guarded(callApi<T>(getConfig().queryUrl, key, 'GET', withSearch(path, search)));
}

/** Who is signed in: once per request, shared by the layout and the page. */
export const getMe = cache(async (): Promise<Me> => queryGet<Me>('/v1/me'));

/** A read that some roles may not make (403): they get `fallback` instead of the 403 page. */
export async function queryGetIfAllowed<T>(path: string, search: Search | undefined, fallback: T): Promise<T> {
  const key = await sessionKey();
  return guarded(
    callApi<T>(getConfig().queryUrl, key, 'GET', withSearch(path, search)).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 403) return fallback;
      throw e;
    }),
  );
}
