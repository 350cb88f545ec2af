'use server';

import { redirect } from 'next/navigation';
import { ApiError, callApi } from '@/lib/api';
import { getConfig } from '@/lib/config';
import { getSession } from '@/lib/session';
import type { Me } from '@/lib/types';

export interface SignInState {
  error: string | null;
}

/** Checks the key against the query API (GET /v1/me) and keeps it in the sealed session cookie. */
export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const key = String(form.get('apiKey') ?? '').trim();
  if (!key) return { error: 'Enter your Parley API key.' };
  if (key.length > 300 || !/^\S+$/.test(key)) return { error: 'That is not a Parley API key: it looks like prl_… with no spaces.' };
  try {
    await callApi<Me>(getConfig().queryUrl, key, 'GET', '/v1/me');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return { error: 'This API key is unknown or has been revoked. Check it, or ask your admin for a new one.' };
    if (e instanceof ApiError && e.status === 400) return { error: 'That is not a Parley API key.' };
    return { error: `Parley could not check the key right now: ${(e as Error).message}` };
  }
  const session = await getSession();
  session.key = key;
  await session.save();
  redirect('/');
}
