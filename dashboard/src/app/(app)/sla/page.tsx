import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { ChartOrTable } from '@/components/chart-or-table';
import { Empty } from '@/components/empty';
import { FilterBar } from '@/components/filter-bar';
import { PageHeader } from '@/components/page-header';
import { DrillLink, ExportLink, FigureCard, ReportSection, UrlSwitch } from '@/components/report';
import { SectionSkeleton } from '@/components/report-skeleton';
import { SeriesChart } from '@/components/series-chart';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatDuration, formatInstant } from '@/lib/format';
import { slaPageReads, SLA_PAGE_TARGETS as TARGETS } from '@/lib/page-reads';
import { PALETTE } from '@/lib/palette';
import { reportPage } from '@/lib/report-reads';
import { agentLabel, agentNames, BREACH_GROUPS, type DrillParams, drillHref, exportHref, formatPct, TARGET_LABELS } from '@/lib/reports';
import type {
  AgentWorkload,
  BreachRow,
  CompliancePeriodRow,
  ComplianceRow,
  CountedPage,
  Me,
  Percentiles,
  ResponseTimePercentiles,
  SlaDrillItem,
  SlaTarget,
} from '@/lib/types';
import { type SearchParamsRecord, type ViewParams, viewSearch } from '@/lib/view-params';

export const metadata: Metadata = { title: 'SLA' };

const GROUP_LABELS = { team: 'team', agent: 'agent', priority: 'priority', day: 'day' } as const;
const SERIES = TARGETS.map((t, i) => ({ key: t, label: TARGET_LABELS[t]!, color: PALETTE[i]! }));

/** What every section of the page shares: the view, who reads it, and the drill-down links of its figures. */
interface SlaView {
  view: ViewParams;
  me: Me;
  tz: string;
  calendar: boolean;
  clock: string;
  sla: (target: SlaTarget, outcome: 'met' | 'breached', narrow?: Pick<DrillParams, 'bucket' | 'priority' | 'day'>, patch?: Partial<ViewParams>) => string;
}

/**
 * SLA: compliance per target, by period, breaches by team, agent, priority and day, the
 * breached waits, and percentiles; on business or calendar hours. The first chart comes
 * with the page; the other sections stream in, each when its own read answers.
 */
export default async function SlaPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const { view, me, tz, read, workload } = await reportPage('sla', searchParams);
  const reads = slaPageReads({ read, workload });
  const calendar = view.hours === 'calendar';
  const s: SlaView = {
    view,
    me,
    tz,
    calendar,
    clock: calendar ? 'calendar time' : 'business hours',
    sla: (target, outcome, narrow = {}, patch = {}) => drillHref(view, { figure: 'sla', target, outcome, ...narrow }, patch),
  };
  const clockSwitch = (
    <UrlSwitch
      label="Clock"
      options={(['business', 'calendar'] as const).map((h) => ({
        href: `/sla${viewSearch(view, { hours: h, cursor: undefined })}`,
        label: h === 'business' ? 'Business hours' : 'Calendar hours',
        current: view.hours === h,
      }))}
    />
  );
  // The filter bar's agents (PostgreSQL) and the first chart come with the page's first
  // bytes: a section behind <Suspense> is shown no sooner than 300 ms after the first paint
  // (React batches the reveals of streamed sections), which the first chart cannot afford.
  const [people, byPeriod] = await Promise.all([reads.people, reads.byPeriod]);

  return (
    <>
      <PageHeader title="SLA" description={`Service levels of the waits that started, and the conversations opened, in the range, measured in ${s.clock}.`} />
      <FilterBar show={['range', 'group', 'team', 'agent', 'tz']} defaultTimeZone={me.timeZone} teams={me.teams} agents={people.items} unassigned={false}>
        {clockSwitch}
      </FilterBar>

      <div className="grid grid-cols-1 gap-6">
        <Suspense fallback={<SectionSkeleton className="h-28" label="Loading compliance per target" />}>
          <ComplianceCards s={s} compliance={reads.compliance} />
        </Suspense>

        <ReportSection
          id="compliance-by-period"
          title={`Compliance by ${view.group}`}
          description="Waits by the period they started in, resolutions by the period the conversation opened in. A bar opens its breaches."
          actions={<ExportLink href={exportHref('sla-compliance-by-period', view)} what={`compliance by ${view.group}`} />}
        >
          <ComplianceByPeriod s={s} byPeriod={byPeriod} />
        </ReportSection>

        <ReportSection
          id="percentiles"
          title="Response and resolution times"
          description={`Exact percentiles in ${s.clock}: first responses of first waits answered, next responses, full resolution of closed conversations.`}
          actions={<ExportLink href={exportHref('sla-percentiles', view)} what="percentiles" />}
        >
          <Suspense fallback={<SectionSkeleton className="h-40" label="Loading percentiles" />}>
            <PercentilesTable s={s} percentiles={reads.percentiles} />
          </Suspense>
        </ReportSection>

        <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-2">
          {BREACH_GROUPS.map((by, i) => (
            <ReportSection
              key={by}
              id={`breaches-by-${by}`}
              title={`Breaches by ${GROUP_LABELS[by]}`}
              description={by === 'day' ? `The day the target was missed (${tz}).` : undefined}
              actions={<ExportLink href={exportHref('sla-breaches', view, { by })} what={`breaches by ${by}`} />}
            >
              <Suspense fallback={<SectionSkeleton className="h-40" label={`Loading breaches by ${GROUP_LABELS[by]}`} />}>
                <Breaches s={s} by={by} breaches={reads.byGroup[i]!} people={reads.people} />
              </Suspense>
            </ReportSection>
          ))}
        </div>

        <ReportSection id="breached" title="Breached" description={`The waits and resolutions past their target, in ${s.clock}; the oldest first.`}>
          <Suspense fallback={<SectionSkeleton className="h-64" label="Loading the breached waits" />}>
            <Breached s={s} compliance={reads.compliance} breached={reads.breached} people={reads.people} />
          </Suspense>
        </ReportSection>
      </div>
    </>
  );
}

async function ComplianceCards({ s, compliance }: { s: SlaView; compliance: Promise<{ items: ComplianceRow[] }> }) {
  const { items } = await compliance;
  return (
    <section aria-label="Compliance per target" className="grid grid-cols-1 gap-4 sm:grid-cols-3">
      {TARGETS.map((t) => {
        const row = items.find((r) => r.target === t);
        return (
          <FigureCard
            key={t}
            label={`${TARGET_LABELS[t]} compliance`}
            value={formatPct(row?.compliancePct)}
            testId={`compliance-${t}`}
            detail={
              row && row.met + row.breached > 0 ? (
                <span>
                  <DrillLink n={row.met} href={s.sla(t, 'met')} label={`${TARGET_LABELS[t]} met`} /> met ·{' '}
                  <span data-testid={`breached-${t}`}>
                    <DrillLink n={row.breached} href={s.sla(t, 'breached')} label={`${TARGET_LABELS[t]} breached`} />
                  </span>{' '}
                  breached
                </span>
              ) : (
                'Nothing with a target in the range.'
              )
            }
          />
        );
      })}
    </section>
  );
}

function ComplianceByPeriod({ s, byPeriod }: { s: SlaView; byPeriod: { items: CompliancePeriodRow[] } }) {
  const { items } = byPeriod;
  const { view } = s;
  const periods = [...new Set(items.map((r) => r.period))];
  if (periods.length === 0) return <Empty>Nothing with a target was judged in this range.</Empty>;
  const rowOf = new Map(items.map((r) => [`${r.period}|${r.target}`, r]));
  const periodRow = (period: string, target: SlaTarget) => rowOf.get(`${period}|${target}`);
  return (
    <ChartOrTable
      label={`Compliance by ${view.group}`}
      path="/sla"
      view={view}
      chart={() => (
        <SeriesChart
          percent
          series={SERIES}
          data={periods.map((period) => ({
            label: period,
            values: Object.fromEntries(TARGETS.map((t) => [t, periodRow(period, t)?.compliancePct ?? null])),
            closed: TARGETS.filter((t) => (periodRow(period, t)?.breached ?? 0) === 0),
          }))}
          drill={{ hrefs: Object.fromEntries(TARGETS.map((t) => [t, s.sla(t, 'breached')])), param: 'bucket' }}
        />
      )}
      table={() => (
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead scope="col">Period</TableHead>
              {TARGETS.map((t) => (
                <TableHead key={t} scope="col" className="text-right">
                  {TARGET_LABELS[t]}
                </TableHead>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>
            {periods.map((p) => (
              <TableRow key={p}>
                <TableHead scope="row">{p}</TableHead>
                {TARGETS.map((t) => {
                  const r = periodRow(p, t);
                  return (
                    <TableCell key={t} className="text-right">
                      {r && r.met + r.breached > 0 ? (
                        <>
                          {formatPct(r.compliancePct)} (
                          <DrillLink n={r.met} href={s.sla(t, 'met', { bucket: p })} label={`${TARGET_LABELS[t]} met in ${p}`} /> met,{' '}
                          <DrillLink n={r.breached} href={s.sla(t, 'breached', { bucket: p })} label={`${TARGET_LABELS[t]} breached in ${p}`} /> breached)
                        </>
                      ) : (
                        '—'
                      )}
                    </TableCell>
                  );
                })}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    />
  );
}

async function PercentilesTable({ s, percentiles }: { s: SlaView; percentiles: Promise<ResponseTimePercentiles> }) {
  const data = await percentiles;
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead scope="col">Measure</TableHead>
          <TableHead scope="col" className="text-right">
            Count
          </TableHead>
          <TableHead scope="col" className="text-right">
            p50
          </TableHead>
          <TableHead scope="col" className="text-right">
            p90
          </TableHead>
          <TableHead scope="col" className="text-right">
            p95
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {(
          [
            ['First response (FRT)', data.firstResponse],
            ['Next response (NRT)', data.nextResponse],
            ['Resolution', data.resolution],
          ] as const
        ).map(([label, d]) => {
          const p: Percentiles = s.calendar ? d.wall : d.business;
          const time = (sec: number | null) => (sec === null ? '—' : formatDuration(sec * 1000));
          return (
            <TableRow key={label}>
              <TableHead scope="row">{label}</TableHead>
              <TableCell className="text-right">{p.count}</TableCell>
              <TableCell className="text-right">{time(p.p50)}</TableCell>
              <TableCell className="text-right">{time(p.p90)}</TableCell>
              <TableCell className="text-right">{time(p.p95)}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

async function Breaches({
  s,
  by,
  breaches,
  people,
}: {
  s: SlaView;
  by: (typeof BREACH_GROUPS)[number];
  breaches: Promise<{ items: BreachRow[] }>;
  people: Promise<{ items: AgentWorkload[] }>;
}) {
  const [{ items }, workload] = await Promise.all([breaches, people]);
  const { view, sla } = s;
  const names = agentNames(s.me, workload.items);
  const teams = new Map(s.me.teams.map((t) => [t.teamId, t.name]));
  const rows = items.filter((r) => (TARGETS as readonly string[]).includes(r.target));
  const count = new Map(rows.map((r) => [`${r.key}|${r.target}`, r.breaches]));
  const breachesOf = (key: string, t: SlaTarget) => count.get(`${key}|${t}`) ?? 0;
  const keys = [...new Set(rows.map((r) => r.key))];
  if (keys.length === 0) return <Empty>No breaches.</Empty>;
  const keyLabel = (key: string) =>
    by === 'team' ? (key ? (teams.get(key) ?? 'Another team') : 'No team') : by === 'agent' ? agentLabel(names, key || null) : key;
  // A team's or an agent's row narrows the view to it; a row without one opens nothing (no filter for "none").
  const href = (key: string, t: SlaTarget) => {
    if (by === 'team') return key ? sla(t, 'breached', {}, { team: key }) : null;
    if (by === 'agent') return key ? sla(t, 'breached', {}, { agent: key }) : null;
    return sla(t, 'breached', by === 'priority' ? { priority: key as DrillParams['priority'] } : { day: key });
  };
  const table = () => (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead scope="col">{GROUP_LABELS[by][0]!.toUpperCase() + GROUP_LABELS[by].slice(1)}</TableHead>
          {TARGETS.map((t) => (
            <TableHead key={t} scope="col" className="text-right">
              {TARGET_LABELS[t]}
            </TableHead>
          ))}
        </TableRow>
      </TableHeader>
      <TableBody>
        {keys.map((key) => (
          <TableRow key={key}>
            <TableHead scope="row">{keyLabel(key)}</TableHead>
            {TARGETS.map((t) => (
              <TableCell key={t} className="text-right">
                <DrillLink n={breachesOf(key, t)} href={href(key, t)} label={`${TARGET_LABELS[t]} breaches, ${by} ${keyLabel(key)}`} />
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
  if (by !== 'day') return table();
  return (
    <ChartOrTable
      label="Breaches by day"
      path="/sla"
      view={view}
      chart={() => (
        <SeriesChart
          stacked
          later
          series={SERIES}
          data={keys.map((key) => ({ label: key, values: Object.fromEntries(TARGETS.map((t) => [t, breachesOf(key, t)])) }))}
          drill={{ hrefs: Object.fromEntries(TARGETS.map((t) => [t, sla(t, 'breached')])), param: 'day' }}
        />
      )}
      table={table}
    />
  );
}

async function Breached({
  s,
  compliance,
  breached,
  people,
}: {
  s: SlaView;
  compliance: Promise<{ items: ComplianceRow[] }>;
  breached: Promise<CountedPage<SlaDrillItem>>[];
  people: Promise<{ items: AgentWorkload[] }>;
}) {
  const [judged, pages, workload] = await Promise.all([compliance.then((c) => c.items.some((r) => r.met + r.breached > 0)), Promise.all(breached), people]);
  if (!judged) return <Empty>Nothing with a target in this range.</Empty>;
  const { view, tz, calendar, sla } = s;
  const names = agentNames(s.me, workload.items);
  const teams = new Map(s.me.teams.map((t) => [t.teamId, t.name]));
  return (
    <div className="grid grid-cols-1 gap-6">
      {TARGETS.map((t, i) => {
        const page = pages[i]!;
        return (
          <section key={t} aria-labelledby={`breached-${t}-title`} className="grid gap-2">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <h3 id={`breached-${t}-title`} className="font-medium">
                {TARGET_LABELS[t]}: <DrillLink n={page.total} href={sla(t, 'breached')} label={`${TARGET_LABELS[t]} breached`} /> breached
              </h3>
              {page.total > 0 && <ExportLink href={exportHref('sla-breached', view, { target: t })} what={`${TARGET_LABELS[t]} breached`} />}
            </div>
            {page.items.length === 0 ? (
              <p className="text-sm text-muted-foreground">None.</p>
            ) : (
              <Table data-testid={`breached-list-${t}`}>
                <TableHeader>
                  <TableRow>
                    <TableHead scope="col">Conversation</TableHead>
                    <TableHead scope="col">Started</TableHead>
                    <TableHead scope="col">Team</TableHead>
                    <TableHead scope="col">Agent</TableHead>
                    <TableHead scope="col">Priority</TableHead>
                    <TableHead scope="col" className="text-right">
                      Took
                    </TableHead>
                    <TableHead scope="col" className="text-right">
                      Target
                    </TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {page.items.map((w) => {
                    const took = calendar ? w.wallSeconds : w.businessSeconds;
                    return (
                      <TableRow key={`${w.conversationId}-${w.episode ?? 'r'}`}>
                        <TableHead scope="row">
                          <Link href={`/conversations/${w.conversationId}`} prefetch={false} className="font-mono text-xs underline-offset-4 hover:underline">
                            {w.conversationId.slice(0, 8)}
                          </Link>
                        </TableHead>
                        <TableCell>{formatInstant(w.startedAt, tz)}</TableCell>
                        <TableCell>{w.teamId ? (teams.get(w.teamId) ?? '—') : '—'}</TableCell>
                        <TableCell>{agentLabel(names, w.agentId)}</TableCell>
                        <TableCell>{w.priority}</TableCell>
                        <TableCell className="text-right">{took === null ? (w.endedAt ? '—' : 'running') : formatDuration(took * 1000)}</TableCell>
                        <TableCell className="text-right">{w.targetSeconds === null ? '—' : formatDuration(w.targetSeconds * 1000)}</TableCell>
                      </TableRow>
                    );
                  })}
                </TableBody>
              </Table>
            )}
            {page.total > page.items.length && (
              <Link href={sla(t, 'breached')} prefetch={false} className="text-sm underline underline-offset-4">
                All {page.total} breached
              </Link>
            )}
          </section>
        );
      })}
    </div>
  );
}
