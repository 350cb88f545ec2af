import type { Metadata } from 'next';
import Link from 'next/link';
import { Empty } from '@/components/empty';
import { PageHeader } from '@/components/page-header';
import { ExportLink, FigureCard } from '@/components/report';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatInstant, statusLabel } from '@/lib/format';
import { reportPage } from '@/lib/report-reads';
import { agentLabel, agentNames, DAY_NAMES, type DrillParams, drillHref, exportHref, FIGURE_LABELS, parseDrill, TARGET_LABELS } from '@/lib/reports';
import type { DrillPage } from '@/lib/types';
import { resolveRange, type SearchParamsRecord } from '@/lib/view-params';

export const metadata: Metadata = { title: 'Drill-down' };

const PER_PAGE = 50;

/** What narrows the figure, in words. */
function narrowing(d: DrillParams): string[] {
  const parts: string[] = [];
  if (d.target) parts.push(TARGET_LABELS[d.target] ?? d.target);
  if (d.outcome && d.outcome !== 'any') parts.push(d.outcome);
  if (d.direction) parts.push(d.direction);
  if (d.messageType) parts.push(`type ${d.messageType}`);
  if (d.bucket) parts.push(`period ${d.bucket}`);
  if (d.dayOfWeek) parts.push(`${DAY_NAMES[d.dayOfWeek - 1]}s`);
  if (d.hour !== undefined) parts.push(`${String(d.hour).padStart(2, '0')}:00–${String(d.hour).padStart(2, '0')}:59`);
  if (d.score) parts.push(`score ${d.score}`);
  if (d.priority) parts.push(`priority ${d.priority}`);
  if (d.day) parts.push(`due on ${d.day}`);
  return parts;
}

/**
 * The conversations (or waits) behind a figure of a report: GET /v1/analytics/drilldown
 * with the report's range, zone, filters and clock. Its total equals the figure.
 */
export default async function DrilldownPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const [raw, { view, me, tz, read, workload }] = await Promise.all([searchParams, reportPage('drilldown', searchParams)]);
  const drill = parseDrill(raw);
  if (!drill) {
    return (
      <Alert className="max-w-2xl">
        <AlertTitle>
          <h1>No figure to open</h1>
        </AlertTitle>
        <AlertDescription>
          <p>This link names no figure of a report, or names one wrongly. Open a figure from a report page.</p>
        </AlertDescription>
      </Alert>
    );
  }
  const [page, people] = await Promise.all([read<DrillPage>('drilldown', { ...drill, limit: PER_PAGE, cursor: view.cursor }), workload()]);
  const names = agentNames(me, people.items);
  const teams = new Map(me.teams.map((t) => [t.teamId, t.name]));
  const range = resolveRange(view, tz);
  const waits = drill.figure === 'sla' || drill.figure === 'first_responses';
  const rowsAre = drill.figure === 'first_responses' || (drill.figure === 'sla' && drill.target !== 'resolution') ? 'waits' : 'conversations';
  const messages = drill.figure === 'messages';
  const context = [
    `${range.fromDate} to ${range.toDate}`,
    tz,
    view.team ? `team ${teams.get(view.team) ?? 'unknown'}` : 'all teams',
    view.agent && view.agent !== 'unassigned' ? `agent ${agentLabel(names, view.agent)}` : 'everyone',
    ...(drill.figure === 'sla' || drill.figure === 'first_responses' ? [view.hours === 'calendar' ? 'calendar hours' : 'business hours'] : []),
  ];
  const here = drillHref(view, drill);

  return (
    <>
      <PageHeader
        title={`${FIGURE_LABELS[drill.figure]}${narrowing(drill).length ? `: ${narrowing(drill).join(' · ')}` : ''}`}
        description={context.join(' · ')}
      >
        <ExportLink href={exportHref('drilldown', view, drill)} what="these rows" />
      </PageHeader>
      <section aria-label="Figure" className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <FigureCard label={rowsAre === 'waits' ? 'Waits' : 'Conversations'} value={page.total.toLocaleString('en')} testId="drill-total" />
        {messages && <FigureCard label="Messages" value={(page.messages ?? 0).toLocaleString('en')} testId="drill-messages" />}
      </section>
      {page.items.length === 0 ? (
        <Empty>{view.cursor ? 'No more rows.' : 'Nothing behind this figure for these filters.'}</Empty>
      ) : (
        <Table data-testid="drill-rows">
          <TableHeader>
            <TableRow>
              <TableHead scope="col">Conversation</TableHead>
              {waits && <TableHead scope="col">Wait</TableHead>}
              <TableHead scope="col">At</TableHead>
              <TableHead scope="col">Opened</TableHead>
              <TableHead scope="col">Status</TableHead>
              <TableHead scope="col">Team</TableHead>
              <TableHead scope="col">Agent</TableHead>
              <TableHead scope="col">Priority</TableHead>
              {messages && (
                <TableHead scope="col" className="text-right">
                  Messages
                </TableHead>
              )}
              {drill.figure === 'sla' && <TableHead scope="col">Outcome</TableHead>}
              <TableHead scope="col" className="text-right">
                CSAT
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {page.items.map((r) => (
              <TableRow key={`${r.conversationId}-${r.episode ?? ''}`}>
                <TableHead scope="row">
                  <Link href={`/conversations/${r.conversationId}`} className="font-mono text-xs underline-offset-4 hover:underline">
                    {r.conversationId.slice(0, 8)}
                  </Link>
                </TableHead>
                {waits && <TableCell>{r.episode ?? '—'}</TableCell>}
                <TableCell>{formatInstant(r.at, tz)}</TableCell>
                <TableCell>{formatInstant(r.openedAt, tz)}</TableCell>
                <TableCell>
                  <Badge variant="outline">{statusLabel(r.status)}</Badge>
                </TableCell>
                <TableCell>{r.teamId ? (teams.get(r.teamId) ?? '—') : '—'}</TableCell>
                <TableCell>{agentLabel(names, r.agentId)}</TableCell>
                <TableCell>{r.priority}</TableCell>
                {messages && <TableCell className="text-right">{r.messages ?? '—'}</TableCell>}
                {drill.figure === 'sla' && (
                  <TableCell>{r.outcome === 'breached' ? <Badge variant="destructive">breached</Badge> : (r.outcome ?? '—')}</TableCell>
                )}
                <TableCell className="text-right">{r.csat ?? '—'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <nav aria-label="Pages" className="mt-4 flex gap-3">
        {view.cursor && (
          <Button asChild variant="outline">
            <Link href={here}>First page</Link>
          </Button>
        )}
        {page.nextCursor && (
          <Button asChild variant="outline">
            <Link href={`${here}&cursor=${encodeURIComponent(page.nextCursor)}`}>Next page</Link>
          </Button>
        )}
      </nav>
    </>
  );
}
