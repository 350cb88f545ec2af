import type { Metadata } from 'next';
import Link from 'next/link';
import { ChartOrTable } from '@/components/chart-or-table';
import { Empty } from '@/components/empty';
import { FilterBar } from '@/components/filter-bar';
import { PageHeader } from '@/components/page-header';
import { DrillLink, ExportLink, FigureCard, ReportSection, UrlSwitch } from '@/components/report';
import { type ChartPoint, SeriesChart } from '@/components/series-chart';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatDuration, formatInstant } from '@/lib/format';
import { PALETTE } from '@/lib/palette';
import { reportPage } from '@/lib/report-reads';
import { agentLabel, agentNames, BREACH_GROUPS, type DrillParams, drillHref, exportHref, formatPct, TARGET_LABELS } from '@/lib/reports';
import { timeZones } from '@/lib/time-zones';
import type { BreachRow, CompliancePeriodRow, ComplianceRow, CountedPage, Percentiles, ResponseTimePercentiles, SlaDrillItem, SlaTarget } from '@/lib/types';
import { type SearchParamsRecord, type ViewParams, viewSearch } from '@/lib/view-params';

export const metadata: Metadata = { title: 'SLA' };

/** The targets the page reports (first_response_all is first responses with reopens: in the exports and the API). */
const TARGETS = ['first_response', 'next_response', 'resolution'] as const satisfies readonly SlaTarget[];
const BREACHED_LIST = 10;
const GROUP_LABELS = { team: 'team', agent: 'agent', priority: 'priority', day: 'day' } as const;

/** SLA: compliance per target, by period, breaches by team, agent, priority and day, the breached waits, and percentiles; on business or calendar hours. */
export default async function SlaPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const { view, me, tz, read, workload } = await reportPage('sla', searchParams);
  // Every read at once (the nested Promise.all calls start with the others).
  const [compliance, byPeriod, byGroup, percentiles, people, breached] = await Promise.all([
    read<{ items: ComplianceRow[] }>('sla-compliance'),
    read<{ items: CompliancePeriodRow[] }>('sla-compliance-by-period'),
    Promise.all(BREACH_GROUPS.map((by) => read<{ items: BreachRow[] }>('sla-breaches', { by }))),
    read<ResponseTimePercentiles>('sla-percentiles'),
    workload(),
    Promise.all(TARGETS.map((target) => read<CountedPage<SlaDrillItem>>('sla-breached', { target, limit: BREACHED_LIST }))),
  ]);
  const names = agentNames(me, people.items);
  const teams = new Map(me.teams.map((t) => [t.teamId, t.name]));
  const calendar = view.hours === 'calendar';
  const clock = calendar ? 'calendar time' : 'business hours';
  const sla = (
    target: SlaTarget,
    outcome: 'met' | 'breached',
    narrow: Pick<DrillParams, 'bucket' | 'priority' | 'day'> = {},
    patch: Partial<ViewParams> = {},
  ) => drillHref(view, { figure: 'sla', target, outcome, ...narrow }, patch);
  const breaches = Object.fromEntries(BREACH_GROUPS.map((by, i) => [by, byGroup[i]!])) as Record<(typeof BREACH_GROUPS)[number], { items: BreachRow[] }>;
  const judged = compliance.items.some((r) => r.met + r.breached > 0);

  const periods = [...new Set(byPeriod.items.map((r) => r.period))];
  const periodRow = (period: string, target: SlaTarget) => byPeriod.items.find((r) => r.period === period && r.target === target);
  const chart: ChartPoint[] = periods.map((period) => ({
    label: period,
    values: Object.fromEntries(TARGETS.map((t) => [t, periodRow(period, t)?.compliancePct ?? null])),
    hrefs: Object.fromEntries(TARGETS.map((t) => [t, (periodRow(period, t)?.breached ?? 0) > 0 ? sla(t, 'breached', { bucket: period }) : null])),
  }));

  return (
    <>
      <PageHeader title="SLA" description={`Service levels of the waits that started, and the conversations opened, in the range, measured in ${clock}.`} />
      <FilterBar
        show={['range', 'group', 'team', 'agent', 'tz']}
        defaultTimeZone={me.timeZone}
        timeZones={timeZones()}
        teams={me.teams}
        agents={people.items}
        unassigned={false}
      >
        <UrlSwitch
          label="Clock"
          options={(['business', 'calendar'] as const).map((h) => ({
            href: `/sla${viewSearch(view, { hours: h, cursor: undefined })}`,
            label: h === 'business' ? 'Business hours' : 'Calendar hours',
            current: view.hours === h,
          }))}
        />
      </FilterBar>

      <div className="grid grid-cols-1 gap-6">
        <section aria-label="Compliance per target" className="grid grid-cols-1 gap-4 sm:grid-cols-3">
          {TARGETS.map((t) => {
            const row = compliance.items.find((r) => r.target === t);
            return (
              <FigureCard
                key={t}
                label={`${TARGET_LABELS[t]} compliance`}
                value={formatPct(row?.compliancePct)}
                testId={`compliance-${t}`}
                detail={
                  row && row.met + row.breached > 0 ? (
                    <span>
                      <DrillLink n={row.met} href={sla(t, 'met')} label={`${TARGET_LABELS[t]} met`} /> met ·{' '}
                      <span data-testid={`breached-${t}`}>
                        <DrillLink n={row.breached} href={sla(t, 'breached')} label={`${TARGET_LABELS[t]} breached`} />
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

        <ReportSection
          id="compliance-by-period"
          title={`Compliance by ${view.group}`}
          description="Waits by the period they started in, resolutions by the period the conversation opened in. A bar opens its breaches."
          actions={<ExportLink href={exportHref('sla-compliance-by-period', view)} what={`compliance by ${view.group}`} />}
        >
          {periods.length === 0 ? (
            <Empty>Nothing with a target was judged in this range.</Empty>
          ) : (
            <ChartOrTable
              label={`Compliance by ${view.group}`}
              chart={<SeriesChart data={chart} percent series={TARGETS.map((t, i) => ({ key: t, label: TARGET_LABELS[t]!, color: PALETTE[i]! }))} />}
              table={
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
                                  <DrillLink n={r.met} href={sla(t, 'met', { bucket: p })} label={`${TARGET_LABELS[t]} met in ${p}`} /> met,{' '}
                                  <DrillLink n={r.breached} href={sla(t, 'breached', { bucket: p })} label={`${TARGET_LABELS[t]} breached in ${p}`} /> breached)
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
              }
            />
          )}
        </ReportSection>

        <ReportSection
          id="percentiles"
          title="Response and resolution times"
          description={`Exact percentiles in ${clock}: first responses of first waits answered, next responses, full resolution of closed conversations.`}
          actions={<ExportLink href={exportHref('sla-percentiles', view)} what="percentiles" />}
        >
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
                  ['First response (FRT)', percentiles.firstResponse],
                  ['Next response (NRT)', percentiles.nextResponse],
                  ['Resolution', percentiles.resolution],
                ] as const
              ).map(([label, d]) => {
                const p: Percentiles = calendar ? d.wall : d.business;
                const time = (s: number | null) => (s === null ? '—' : formatDuration(s * 1000));
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
        </ReportSection>

        <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-2">
          {BREACH_GROUPS.map((by) => {
            const rows = breaches[by].items.filter((r) => (TARGETS as readonly string[]).includes(r.target));
            const keys = [...new Set(rows.map((r) => r.key))];
            const keyLabel = (key: string) =>
              by === 'team' ? (key ? (teams.get(key) ?? 'Another team') : 'No team') : by === 'agent' ? agentLabel(names, key || null) : key;
            // A team's or an agent's row narrows the view to it; a row without one opens nothing (no filter for "none").
            const href = (key: string, t: SlaTarget) => {
              if (by === 'team') return key ? sla(t, 'breached', {}, { team: key }) : null;
              if (by === 'agent') return key ? sla(t, 'breached', {}, { agent: key }) : null;
              return sla(t, 'breached', by === 'priority' ? { priority: key as DrillParams['priority'] } : { day: key });
            };
            const table = (
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
                      {TARGETS.map((t) => {
                        const n = rows.find((r) => r.key === key && r.target === t)?.breaches ?? 0;
                        return (
                          <TableCell key={t} className="text-right">
                            <DrillLink n={n} href={href(key, t)} label={`${TARGET_LABELS[t]} breaches, ${by} ${keyLabel(key)}`} />
                          </TableCell>
                        );
                      })}
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            );
            return (
              <ReportSection
                key={by}
                id={`breaches-by-${by}`}
                title={`Breaches by ${GROUP_LABELS[by]}`}
                description={by === 'day' ? `The day the target was missed (${tz}).` : undefined}
                actions={<ExportLink href={exportHref('sla-breaches', view, { by })} what={`breaches by ${by}`} />}
              >
                {keys.length === 0 ? (
                  <Empty>No breaches.</Empty>
                ) : by === 'day' ? (
                  <ChartOrTable
                    label="Breaches by day"
                    chart={
                      <SeriesChart
                        stacked
                        series={TARGETS.map((t, i) => ({ key: t, label: TARGET_LABELS[t]!, color: PALETTE[i]! }))}
                        data={keys.map((key) => ({
                          label: key,
                          values: Object.fromEntries(TARGETS.map((t) => [t, rows.find((r) => r.key === key && r.target === t)?.breaches ?? 0])),
                          hrefs: Object.fromEntries(TARGETS.map((t) => [t, href(key, t)])),
                        }))}
                      />
                    }
                    table={table}
                  />
                ) : (
                  table
                )}
              </ReportSection>
            );
          })}
        </div>

        <ReportSection id="breached" title="Breached" description={`The waits and resolutions past their target, in ${clock}; the oldest first.`}>
          {!judged ? (
            <Empty>Nothing with a target in this range.</Empty>
          ) : (
            <div className="grid grid-cols-1 gap-6">
              {TARGETS.map((t, i) => {
                const page = breached[i]!;
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
                                  <Link href={`/conversations/${w.conversationId}`} className="font-mono text-xs underline-offset-4 hover:underline">
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
                      <Link href={sla(t, 'breached')} className="text-sm underline underline-offset-4">
                        All {page.total} breached
                      </Link>
                    )}
                  </section>
                );
              })}
            </div>
          )}
        </ReportSection>
      </div>
    </>
  );
}
