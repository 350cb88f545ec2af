import { ArrowDownIcon, ArrowUpDownIcon, ArrowUpIcon } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { Empty } from '@/components/empty';
import { FilterBar } from '@/components/filter-bar';
import { PageHeader } from '@/components/page-header';
import { DrillLink, ExportLink, ReportSection, UrlSwitch } from '@/components/report';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatDuration } from '@/lib/format';
import { reportPage } from '@/lib/report-reads';
import { agentLabel, agentNames, drillHref, exportHref } from '@/lib/reports';
import type { LeaderboardRow } from '@/lib/types';
import { type LEADERBOARD_SORTS, leaderboardSort, type SearchParamsRecord, type ViewParams, viewSearch } from '@/lib/view-params';

export const metadata: Metadata = { title: 'Agents' };

type Column = (typeof LEADERBOARD_SORTS)[number];
/** The columns in order; durations sort shortest first on the first click, counts and CSAT highest first. */
const COLUMNS: { key: Column; label: string; first: 'asc' | 'desc'; numeric: boolean }[] = [
  { key: 'agentId', label: 'Agent', first: 'asc', numeric: false },
  { key: 'conversationsHandled', label: 'Conversations handled', first: 'desc', numeric: true },
  { key: 'firstResponses', label: 'First responses', first: 'desc', numeric: true },
  { key: 'medianFirstResponseSeconds', label: 'Median first response', first: 'asc', numeric: true },
  { key: 'medianResolutionSeconds', label: 'Median resolution', first: 'asc', numeric: true },
  { key: 'medianHandleSeconds', label: 'Median handle time', first: 'asc', numeric: true },
  { key: 'csatAverage', label: 'CSAT average', first: 'desc', numeric: true },
  { key: 'csatResponses', label: 'CSAT responses', first: 'desc', numeric: true },
];

const time = (s: number | null) => (s === null ? '—' : formatDuration(s * 1000));

/** Agents: the leaderboard, sorted by any column (sort and order in the URL); every count opens its conversations. */
export default async function AgentsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const { view, me, read, workload } = await reportPage('agents', searchParams);
  const [board, people] = await Promise.all([read<{ items: LeaderboardRow[] }>('leaderboard'), workload()]);
  const names = agentNames(me, people.items);
  const sort = leaderboardSort(view);
  const clock = view.hours === 'calendar' ? 'calendar time' : 'business hours';
  const sortHref = (c: (typeof COLUMNS)[number]) =>
    `/agents${viewSearch(view, { sort: c.key, order: sort === c.key ? (view.order === 'asc' ? 'desc' : 'asc') : c.first, cursor: undefined })}`;
  const agentDrill = (row: LeaderboardRow, figure: 'handled' | 'first_responses' | 'csat_responses') =>
    drillHref(view, { figure }, { agent: row.agentId } satisfies Partial<ViewParams>);

  return (
    <>
      <PageHeader title="Agents" description={`Per agent, for conversations opened in the range; medians in ${clock}. Click a column to sort.`} />
      <FilterBar show={['range', 'team', 'agent', 'tz']} defaultTimeZone={me.timeZone} teams={me.teams} agents={people.items} unassigned={false}>
        <UrlSwitch
          label="Clock"
          options={(['business', 'calendar'] as const).map((h) => ({
            href: `/agents${viewSearch(view, { hours: h, cursor: undefined })}`,
            label: h === 'business' ? 'Business hours' : 'Calendar hours',
            current: view.hours === h,
          }))}
        />
      </FilterBar>
      <ReportSection
        id="leaderboard"
        title="Leaderboard"
        description="Handled: closed while the agent held them. First responses: first waits they answered (the median FRT's population). Handle time: open and held, wall-clock."
        actions={<ExportLink href={exportHref('leaderboard', view)} what="the leaderboard" />}
      >
        {board.items.length === 0 ? (
          <Empty>No agent handled a conversation in this range.</Empty>
        ) : (
          <Table data-testid="leaderboard-table">
            <TableHeader>
              <TableRow>
                {COLUMNS.map((c) => {
                  const current = sort === c.key;
                  const Icon = !current ? ArrowUpDownIcon : view.order === 'asc' ? ArrowUpIcon : ArrowDownIcon;
                  return (
                    <TableHead
                      key={c.key}
                      scope="col"
                      aria-sort={current ? (view.order === 'asc' ? 'ascending' : 'descending') : undefined}
                      className={c.numeric ? 'text-right' : undefined}
                    >
                      <Link
                        href={sortHref(c)}
                        className="inline-flex items-center gap-1 rounded-sm underline-offset-4 outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
                      >
                        {c.label}
                        <Icon className="size-3.5" aria-hidden="true" />
                        <span className="sr-only">{current ? `, sorted ${view.order === 'asc' ? 'ascending' : 'descending'}` : ', sort'}</span>
                      </Link>
                    </TableHead>
                  );
                })}
              </TableRow>
            </TableHeader>
            <TableBody>
              {board.items.map((r) => {
                const name = agentLabel(names, r.agentId);
                return (
                  <TableRow key={r.agentId}>
                    <TableHead scope="row" className="font-medium">
                      {name}
                    </TableHead>
                    <TableCell className="text-right">
                      <DrillLink n={r.conversationsHandled} href={agentDrill(r, 'handled')} label={`conversations handled by ${name}`} />
                    </TableCell>
                    <TableCell className="text-right">
                      <DrillLink n={r.firstResponses} href={agentDrill(r, 'first_responses')} label={`first responses by ${name}`} />
                    </TableCell>
                    <TableCell className="text-right">{time(r.medianFirstResponseSeconds)}</TableCell>
                    <TableCell className="text-right">{time(r.medianResolutionSeconds)}</TableCell>
                    <TableCell className="text-right">{time(r.medianHandleSeconds)}</TableCell>
                    <TableCell className="text-right">{r.csatAverage === null ? '—' : r.csatAverage.toFixed(2)}</TableCell>
                    <TableCell className="text-right">
                      <DrillLink n={r.csatResponses} href={agentDrill(r, 'csat_responses')} label={`CSAT responses for ${name}`} />
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </ReportSection>
    </>
  );
}
