import type { Metadata } from 'next';
import { FilterBar } from '@/components/filter-bar';
import { PageHeader } from '@/components/page-header';
import { guarded, sessionKey } from '@/lib/api';
import { requirePage } from '@/lib/guard';
import { loadLive } from '@/lib/live';
import { parseView, type SearchParamsRecord } from '@/lib/view-params';
import { LiveBoard } from './live-board';

export const metadata: Metadata = { title: 'Live' };

/** Live: queues per team, agents' open load, unassigned conversations; the first snapshot on the server, then polling. */
export default async function LivePage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const [view, key] = await Promise.all([searchParams.then(parseView), sessionKey()]);
  const [me, initial] = await Promise.all([requirePage('live'), guarded(loadLive(key, view.team))]);
  const tz = view.tz ?? me.timeZone;
  return (
    <>
      <PageHeader title="Live" description="Queues, open conversations and agents' load, refreshed every 3 seconds." />
      <FilterBar show={['team', 'tz']} defaultTimeZone={me.timeZone} teams={me.teams} />
      <LiveBoard initial={initial} team={view.team} tz={tz} teamNames={Object.fromEntries(me.teams.map((t) => [t.teamId, t.name]))} />
    </>
  );
}
