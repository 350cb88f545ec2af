import { redirect } from 'next/navigation';
import { getMe } from '@/lib/api';
import { homeFor } from '@/lib/pages';

/** Home: the first page the signed-in user's role may see. */
export default async function Home() {
  const me = await getMe();
  redirect(homeFor(me.role));
}
