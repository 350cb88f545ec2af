import type { Metadata } from 'next';
import Link from 'next/link';
import { ChartOrTable } from '@/components/chart-or-table';
import { Empty } from '@/components/empty';
import { FilterBar } from '@/components/filter-bar';
import { PageHeader } from '@/components/page-header';
import { DrillLink, ExportLink, FigureCard, ReportSection } from '@/components/report';
import { SeriesChart } from '@/components/series-chart';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatInstant } from '@/lib/format';
import { PALETTE } from '@/lib/palette';
import { reportPage } from '@/lib/report-reads';
import { agentLabel, agentNames, drillHref, exportHref, formatPct } from '@/lib/reports';
import type { CountedPage, CsatComment, CsatReport } from '@/lib/types';
import { type SearchParamsRecord, viewSearch } from '@/lib/view-params';

export const metadata: Metadata = { title: 'CSAT' };

const COMMENTS_PER_PAGE = 20;

/** CSAT: response rate, average and the 1–5 distribution of conversations opened in the range and closed; the comments, newest first. */
export default async function CsatPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const { view, me, tz, read, workload } = await reportPage('csat', searchParams);
  const [csat, comments, people] = await Promise.all([
    read<CsatReport>('csat'),
    read<CountedPage<CsatComment>>('csat-comments', { limit: COMMENTS_PER_PAGE, cursor: view.cursor }),
    workload(),
  ]);
  const names = agentNames(me, people.items);
  const teams = new Map(me.teams.map((t) => [t.teamId, t.name]));
  const scoreHref = (score: number) => drillHref(view, { figure: 'csat_responses', score });
  const responses = <DrillLink n={csat.responses} href={drillHref(view, { figure: 'csat_responses' })} label="CSAT responses" />;
  const closed = <DrillLink n={csat.closed} href={drillHref(view, { figure: 'csat_closed' })} label="closed conversations" />;

  return (
    <>
      <PageHeader title="CSAT" description="Satisfaction scores (1–5) of the conversations opened in the range and closed since." />
      <FilterBar show={['range', 'team', 'agent', 'tz']} defaultTimeZone={me.timeZone} teams={me.teams} agents={people.items} unassigned={false} />
      <div className="grid grid-cols-1 gap-6">
        <section aria-label="CSAT figures" className="grid grid-cols-2 gap-4 lg:grid-cols-4">
          <FigureCard label="Average score" value={csat.average === null ? '—' : csat.average.toFixed(2)} testId="csat-average" detail="out of 5" />
          <FigureCard label="Response rate" value={formatPct(csat.responseRatePct)} testId="csat-rate" detail={<span>responses ÷ closed</span>} />
          <FigureCard label="Responses" value={responses} testId="csat-responses" />
          <FigureCard label="Closed conversations" value={closed} testId="csat-closed" />
        </section>

        <ReportSection
          id="distribution"
          title="Score distribution"
          description="Closed conversations per score. A bar opens its conversations."
          actions={<ExportLink href={exportHref('csat', view)} what="the score distribution" />}
        >
          {csat.responses === 0 ? (
            <Empty>No CSAT response in this range.</Empty>
          ) : (
            <ChartOrTable
              label="CSAT score distribution"
              path="/csat"
              view={view}
              chart={() => (
                <SeriesChart
                  series={[{ key: 'responses', label: 'Responses', color: PALETTE[0]! }]}
                  data={csat.distribution.map((d) => ({ label: `${d.score}`, values: { responses: d.responses } }))}
                  drill={{ hrefs: { responses: drillHref(view, { figure: 'csat_responses' }) }, param: 'score' }}
                />
              )}
              table={() => (
                <Table data-testid="distribution-table">
                  <TableHeader>
                    <TableRow>
                      <TableHead scope="col">Score</TableHead>
                      <TableHead scope="col" className="text-right">
                        Responses
                      </TableHead>
                      <TableHead scope="col" className="text-right">
                        Share
                      </TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {csat.distribution.map((d) => (
                      <TableRow key={d.score}>
                        <TableHead scope="row">{d.score}</TableHead>
                        <TableCell className="text-right" data-testid={`score-${d.score}`}>
                          <DrillLink n={d.responses} href={scoreHref(d.score)} label={`responses with score ${d.score}`} />
                        </TableCell>
                        <TableCell className="text-right">{formatPct(d.sharePct)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            />
          )}
        </ReportSection>

        <ReportSection
          id="comments"
          title={`Comments (${comments.total})`}
          description="What customers wrote with their score, newest first."
          actions={comments.total > 0 ? <ExportLink href={exportHref('csat-comments', view)} what="the comments" /> : undefined}
        >
          {comments.items.length === 0 ? (
            <Empty>{view.cursor ? 'No more comments.' : 'No comments in this range.'}</Empty>
          ) : (
            <ul className="grid gap-3" data-testid="comments-list">
              {comments.items.map((c) => (
                <li key={`${c.conversationId}-${c.recordedAt}`} className="grid gap-1 rounded-md border p-3">
                  <div className="flex flex-wrap items-center gap-2 text-sm">
                    <Badge variant={c.score >= 4 ? 'secondary' : c.score <= 2 ? 'destructive' : 'outline'}>Score {c.score}</Badge>
                    <span className="text-muted-foreground">
                      {formatInstant(c.recordedAt, tz)} · {agentLabel(names, c.agentId)} · {c.teamId ? (teams.get(c.teamId) ?? 'a team') : 'no team'}
                    </span>
                  </div>
                  <p className="break-words">{c.comment}</p>
                  <Link href={`/conversations/${c.conversationId}`} className="w-fit text-sm underline underline-offset-4">
                    Open the conversation
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <nav aria-label="Comment pages" className="mt-4 flex gap-3">
            {view.cursor && (
              <Button asChild variant="outline">
                <Link href={`/csat${viewSearch(view, { cursor: undefined })}`}>First page</Link>
              </Button>
            )}
            {comments.nextCursor && (
              <Button asChild variant="outline">
                <Link href={`/csat${viewSearch(view, { cursor: comments.nextCursor })}`}>Next page</Link>
              </Button>
            )}
          </nav>
        </ReportSection>
      </div>
    </>
  );
}
