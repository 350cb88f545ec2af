import { forbidden } from 'next/navigation';
import { getMe } from './api.ts';
import { mayView, type PageName } from './pages.ts';
import type { Me } from './types.ts';

/** A page's first line: who is signed in, and a 403 page unless their role may see it. */
export async function requirePage(page: PageName): Promise<Me> {
  const me = await getMe();
  if (!mayView(me.role, page)) forbidden();
  return me;
}
