import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { ChartOrTable } from '@/components/chart-or-table';
import { Empty } from '@/components/empty';
import { FilterBar } from '@/components/filter-bar';
import { PageHeader } from '@/components/page-header';
import { DrillLink, ExportLink, FigureCard, ReportSection, UrlSwitch } from '@/components/report';
import { SectionSkeleton } from '@/components/report-skeleton';
import { type ChartSeries, SeriesChart } from '@/components/series-chart';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { volumesPageReads } from '@/lib/page-reads';
import { PALETTE } from '@/lib/palette';
import { reportPage } from '@/lib/report-reads';
import { DAY_NAMES, drillHref, exportHref } from '@/lib/reports';
import type { ConversationVolumeRow, HeatmapCell, VolumeRow } from '@/lib/types';
import { type SearchParamsRecord, type ViewParams, viewSearch } from '@/lib/view-params';

export const metadata: Metadata = { title: 'Volumes' };

const DIRECTION_LABELS: Record<string, string> = { inbound: 'In', outbound: 'Out' };
const MEASURE_LABELS = { inbound_messages: 'Inbound messages', conversations_opened: 'Conversations opened' } as const;

/**
 * Volumes: messages in and out by type, conversations opened and closed, per period; the
 * week's heatmap in the chosen zone. The first chart comes with the page; the other
 * sections stream in, each when its own read answers.
 */
export default async function VolumesPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const { view, me, tz, read, workload } = await reportPage('volumes', searchParams);
  const reads = volumesPageReads({ read, workload });
  // The filter bar's agents and the first chart come with the page's first bytes (see the SLA page).
  const [people, messages] = await Promise.all([reads.people, reads.messages]);
  return (
    <>
      <PageHeader title="Volumes" description={`Messages and conversations per ${view.group} in ${tz}, and when in the week they come.`} />
      <FilterBar show={['range', 'group', 'team', 'agent', 'tz']} defaultTimeZone={me.timeZone} teams={me.teams} agents={people.items} unassigned={false} />
      <div className="grid grid-cols-1 gap-6">
        <Suspense fallback={<SectionSkeleton className="h-24" label="Loading the totals" />}>
          <Totals view={view} messages={reads.messages} conversations={reads.conversations} />
        </Suspense>

        <ReportSection
          id="messages"
          title={`Messages per ${view.group}`}
          description="Received (in) and sent by Parley (out), by message type. A bar opens the conversations its messages belong to."
          actions={<ExportLink href={exportHref('volumes', view)} what={`messages per ${view.group}`} />}
        >
          <Messages view={view} messages={messages} />
        </ReportSection>

        <ReportSection
          id="conversations"
          title={`Conversations per ${view.group}`}
          description="Opened in the period; closed: closed now, with their last close in the period."
          actions={<ExportLink href={exportHref('conversation-volumes', view)} what={`conversations per ${view.group}`} />}
        >
          <Suspense fallback={<SectionSkeleton className="h-64" label={`Loading conversations per ${view.group}`} />}>
            <Conversations view={view} conversations={reads.conversations} />
          </Suspense>
        </ReportSection>

        <ReportSection
          id="heatmap"
          title="Week heatmap"
          description={`${MEASURE_LABELS[view.measure]} by day of the week and hour of the day in ${tz}. A cell opens its conversations.`}
          actions={
            <>
              <UrlSwitch
                label="Measure"
                options={(['inbound_messages', 'conversations_opened'] as const).map((m) => ({
                  href: `/volumes${viewSearch(view, { measure: m, cursor: undefined })}`,
                  label: MEASURE_LABELS[m],
                  current: view.measure === m,
                }))}
              />
              <div className="self-end">
                <ExportLink href={exportHref('heatmap', view)} what="the heatmap" />
              </div>
            </>
          }
        >
          <Suspense fallback={<SectionSkeleton className="h-72" label="Loading the heatmap" />}>
            <Heatmap view={view} heatmap={reads.heatmap} />
          </Suspense>
        </ReportSection>
      </div>
    </>
  );
}

async function Totals({
  view,
  messages,
  conversations,
}: {
  view: ViewParams;
  messages: Promise<{ items: VolumeRow[] }>;
  conversations: Promise<{ items: ConversationVolumeRow[] }>;
}) {
  const [m, c] = await Promise.all([messages, conversations]);
  const total = (direction: string) => m.items.filter((r) => r.direction === direction).reduce((n, r) => n + r.messages, 0);
  const opened = c.items.reduce((n, r) => n + r.opened, 0);
  const closed = c.items.reduce((n, r) => n + r.closed, 0);
  return (
    <>
      <section aria-label="Totals" className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <FigureCard
          label="Messages in"
          value={<DrillLink n={total('inbound')} href={drillHref(view, { figure: 'messages', direction: 'inbound' })} label="messages in" />}
          testId="total-inbound"
        />
        <FigureCard
          label="Messages out"
          value={<DrillLink n={total('outbound')} href={drillHref(view, { figure: 'messages', direction: 'outbound' })} label="messages out" />}
          testId="total-outbound"
        />
        <FigureCard
          label="Conversations opened"
          value={<DrillLink n={opened} href={drillHref(view, { figure: 'conversations_opened' })} label="conversations opened" />}
          testId="total-opened"
        />
        <FigureCard
          label="Conversations closed"
          value={<DrillLink n={closed} href={drillHref(view, { figure: 'conversations_closed' })} label="conversations closed" />}
          testId="total-closed"
        />
      </section>
      {m.items.length === 0 && c.items.length === 0 && <Empty>No messages and no conversations in this range. Try a longer range or another team.</Empty>}
    </>
  );
}

function Messages({ view, messages }: { view: ViewParams; messages: { items: VolumeRow[] } }) {
  const { items } = messages;
  // A series per direction and type, in a stable order (inbound first).
  const seriesKey = (r: Pick<VolumeRow, 'direction' | 'messageType'>) => `${r.direction}_${r.messageType}`;
  const series: (ChartSeries & { direction: 'inbound' | 'outbound'; messageType: string })[] = [
    ...new Map(
      [...items].sort((a, b) => a.direction.localeCompare(b.direction) || a.messageType.localeCompare(b.messageType)).map((r) => [seriesKey(r), r]),
    ).values(),
  ].map((r, i) => ({
    key: seriesKey(r),
    label: `${DIRECTION_LABELS[r.direction] ?? r.direction} · ${r.messageType}`,
    color: PALETTE[i % PALETTE.length]!,
    direction: r.direction as 'inbound' | 'outbound',
    messageType: r.messageType,
  }));
  const periods = [...new Set(items.map((r) => r.period))].sort();
  if (periods.length === 0) return <Empty>No messages in this range.</Empty>;
  const counts = new Map(items.map((r) => [`${r.period}|${seriesKey(r)}`, r.messages]));
  const count = (period: string, key: string) => counts.get(`${period}|${key}`) ?? 0;
  const seriesHref = (s: (typeof series)[number], bucket?: string) =>
    drillHref(view, { figure: 'messages', direction: s.direction, messageType: s.messageType, ...(bucket && { bucket }) });
  return (
    <ChartOrTable
      label={`Messages per ${view.group}, by direction and type`}
      path="/volumes"
      view={view}
      chart={() => (
        <SeriesChart
          stacked
          height={288}
          series={series.map(({ key, label, color }) => ({ key, label, color }))}
          data={periods.map((p) => ({ label: p, values: Object.fromEntries(series.map((s) => [s.key, count(p, s.key)])) }))}
          drill={{ hrefs: Object.fromEntries(series.map((s) => [s.key, seriesHref(s)])), param: 'bucket' }}
        />
      )}
      table={() => (
        <Table data-testid="messages-table">
          <TableHeader>
            <TableRow>
              <TableHead scope="col">Period</TableHead>
              {series.map((s) => (
                <TableHead key={s.key} scope="col" className="text-right">
                  {s.label}
                </TableHead>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>
            {periods.map((p) => (
              <TableRow key={p}>
                <TableHead scope="row">{p}</TableHead>
                {series.map((s) => (
                  <TableCell key={s.key} className="text-right">
                    <DrillLink n={count(p, s.key)} href={seriesHref(s, p)} label={`${s.label} messages in ${p}`} />
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    />
  );
}

async function Conversations({ view, conversations }: { view: ViewParams; conversations: Promise<{ items: ConversationVolumeRow[] }> }) {
  const { items } = await conversations;
  if (items.length === 0) return <Empty>No conversation opened or closed in this range.</Empty>;
  const conversationHref = (figure: 'conversations_opened' | 'conversations_closed', bucket?: string) => drillHref(view, { figure, ...(bucket && { bucket }) });
  const series: ChartSeries[] = [
    { key: 'opened', label: 'Opened', color: PALETTE[0]! },
    { key: 'closed', label: 'Closed', color: PALETTE[1]! },
  ];
  return (
    <ChartOrTable
      label={`Conversations opened and closed per ${view.group}`}
      path="/volumes"
      view={view}
      chart={() => (
        <SeriesChart
          later
          series={series}
          data={items.map((r) => ({ label: r.period, values: { opened: r.opened, closed: r.closed } }))}
          drill={{ hrefs: { opened: conversationHref('conversations_opened'), closed: conversationHref('conversations_closed') }, param: 'bucket' }}
        />
      )}
      table={() => (
        <Table data-testid="conversations-table">
          <TableHeader>
            <TableRow>
              <TableHead scope="col">Period</TableHead>
              <TableHead scope="col" className="text-right">
                Opened
              </TableHead>
              <TableHead scope="col" className="text-right">
                Closed
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((r) => (
              <TableRow key={r.period}>
                <TableHead scope="row">{r.period}</TableHead>
                <TableCell className="text-right">
                  <DrillLink n={r.opened} href={conversationHref('conversations_opened', r.period)} label={`conversations opened in ${r.period}`} />
                </TableCell>
                <TableCell className="text-right">
                  <DrillLink n={r.closed} href={conversationHref('conversations_closed', r.period)} label={`conversations closed in ${r.period}`} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    />
  );
}

async function Heatmap({ view, heatmap }: { view: ViewParams; heatmap: Promise<{ items: HeatmapCell[] }> }) {
  const { items } = await heatmap;
  if (items.every((c) => c.count === 0)) return <Empty>Nothing in this range.</Empty>;
  return (
    <ChartOrTable
      label="Week heatmap"
      path="/volumes"
      view={view}
      chart={() => <HeatmapGrid cells={items} view={view} />}
      table={() => <HeatmapTable cells={items} view={view} />}
    />
  );
}

const cellHref = (view: ViewParams, c: HeatmapCell) =>
  view.measure === 'inbound_messages'
    ? drillHref(view, { figure: 'messages', direction: 'inbound', dayOfWeek: c.dayOfWeek, hour: c.hour })
    : drillHref(view, { figure: 'conversations_opened', dayOfWeek: c.dayOfWeek, hour: c.hour });

const cellLabel = (view: ViewParams, c: HeatmapCell) =>
  `${DAY_NAMES[c.dayOfWeek - 1]} ${String(c.hour).padStart(2, '0')}:00, ${
    view.measure === 'inbound_messages' ? `${c.count} inbound messages in ${c.conversations} conversations` : `${c.count} conversations opened`
  }`;

/** 7 × 24 cells, shaded by their count; each cell a link to its conversations (it scrolls sideways on a phone). */
function HeatmapGrid({ cells, view }: { cells: HeatmapCell[]; view: ViewParams }) {
  const max = Math.max(1, ...cells.map((c) => c.count));
  const at = (d: number, h: number) => cells.find((c) => c.dayOfWeek === d && c.hour === h) ?? { dayOfWeek: d, hour: h, count: 0, conversations: 0 };
  return (
    <div className="relative overflow-x-auto" data-testid="heatmap-grid">
      <table className="w-full min-w-[760px] table-fixed border-separate border-spacing-0.5 text-xs">
        <caption className="sr-only">Heatmap: rows are days, columns hours</caption>
        <thead>
          <tr>
            <th scope="col" className="w-12">
              <span className="sr-only">Day</span>
            </th>
            {Array.from({ length: 24 }, (_, h) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the hours of a day
              <th key={h} scope="col" className="font-normal text-muted-foreground">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {DAY_NAMES.map((day, i) => (
            <tr key={day}>
              <th scope="row" className="pr-1 text-left font-medium">
                {day.slice(0, 3)}
              </th>
              {Array.from({ length: 24 }, (_, h) => {
                const c = at(i + 1, h);
                // Dark text on light shades, white on dark ones: both keep 4.5:1.
                const alpha = c.count === 0 ? 0 : 0.12 + (0.88 * c.count) / max;
                const style = { backgroundColor: `rgba(30, 58, 138, ${alpha})`, color: alpha > 0.7 ? '#fff' : 'inherit' };
                return (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the hours of a day
                  <td key={h} className="h-8 rounded-sm p-0 text-center" style={style}>
                    {c.count === 0 ? (
                      <span className="sr-only">0</span>
                    ) : (
                      <Link
                        href={cellHref(view, c)}
                        prefetch={false}
                        aria-label={`${cellLabel(view, c)}: list the conversations`}
                        className="heat-cell-link"
                        data-cell={`${c.dayOfWeek}-${c.hour}`}
                      >
                        {c.count}
                      </Link>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The heatmap's cells with something in them, as rows. */
function HeatmapTable({ cells, view }: { cells: HeatmapCell[]; view: ViewParams }) {
  const rows = cells.filter((c) => c.count > 0);
  const messages = view.measure === 'inbound_messages';
  return (
    <Table data-testid="heatmap-table">
      <TableHeader>
        <TableRow>
          <TableHead scope="col">Day</TableHead>
          <TableHead scope="col">Hour</TableHead>
          <TableHead scope="col" className="text-right">
            {messages ? 'Inbound messages' : 'Conversations opened'}
          </TableHead>
          {messages && (
            <TableHead scope="col" className="text-right">
              Conversations
            </TableHead>
          )}
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((c) => (
          <TableRow key={`${c.dayOfWeek}-${c.hour}`}>
            <TableHead scope="row">{DAY_NAMES[c.dayOfWeek - 1]}</TableHead>
            <TableCell>{`${String(c.hour).padStart(2, '0')}:00`}</TableCell>
            <TableCell className="text-right">
              <DrillLink n={c.count} href={cellHref(view, c)} label={cellLabel(view, c)} />
            </TableCell>
            {messages && <TableCell className="text-right">{c.conversations}</TableCell>}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
