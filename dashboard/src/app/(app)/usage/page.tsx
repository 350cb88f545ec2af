import type { Metadata } from 'next';
import Link from 'next/link';
import { ChartOrTable } from '@/components/chart-or-table';
import { Empty } from '@/components/empty';
import { PageHeader } from '@/components/page-header';
import { ExportLink, FigureCard, ReportSection, UrlSwitch } from '@/components/report';
import { type ChartPoint, SeriesChart } from '@/components/series-chart';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import {
  dailyTotals,
  datesBetween,
  describeCharge,
  forecastAtEnd,
  formatDate,
  formatMoney,
  formatPeriod,
  isAdditive,
  meterLabel,
  meterTotal,
  periodDates,
  periodProgress,
} from '@/lib/billing';
import { readPeriodUsage, readPlan, readQuotaAlerts } from '@/lib/billing-reads';
import { requirePage } from '@/lib/guard';
import { PALETTE } from '@/lib/palette';
import type { MeterCharge, MeterUsage, QuotaAlert } from '@/lib/types';
import { parseView, type SearchParamsRecord, viewSearch } from '@/lib/view-params';

export const metadata: Metadata = { title: 'Usage' };

const fmt = (n: number) => n.toLocaleString('en');

interface MeterRow {
  meter: MeterUsage;
  used: number;
  charge: MeterCharge | null;
  forecast: number;
  /** The highest quota alert of this period (80% or 100% of the included units), if any. */
  alert: QuotaAlert | null;
}

/**
 * Usage: this period's usage per meter against the plan's included units, the forecast to
 * the period end, and the days of the period. `?meter=&range=custom&from=&to=` narrows the
 * daily rows to one meter and some days (an invoice line's usage).
 */
export default async function UsagePage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const [me, view, plan] = await Promise.all([requirePage('usage'), searchParams.then(parseView), readPlan()]);
  if (!plan) {
    return (
      <>
        <PageHeader title="Usage" description={`${me.tenantName}: usage this billing period against the plan.`} />
        <Empty>No plan chosen yet, so there is no billing period to measure. Once the tenant has a plan, its usage shows here.</Empty>
      </>
    );
  }
  const tz = plan.timeZone;
  const period = plan.currentPeriod;
  const whole = periodDates(period, tz);
  const narrowed = view.range === 'custom' && view.from && view.to && view.from < view.to ? { from: view.from, to: view.to } : null;
  const [[usage, daily], alerts] = await Promise.all([readPeriodUsage(plan, narrowed ?? undefined), readQuotaAlerts(plan)]);
  const terms = plan.terms;
  const currency = plan.currency;
  const progress = periodProgress(period, Date.now());

  const rows: MeterRow[] = usage.meters.map((m) => {
    const used = meterTotal(m);
    const alert = alerts.filter((a) => a.meter === m.meter).sort((a, b) => b.threshold - a.threshold)[0] ?? null;
    return { meter: m, used, charge: terms.charges.find((c) => c.meter === m.meter) ?? null, forecast: forecastAtEnd(used, m.aggregation, progress), alert };
  });
  const chosen = rows.find((r) => r.meter.meter === view.meter) ?? rows.find((r) => r.used > 0) ?? rows[0];
  const days = datesBetween(narrowed?.from ?? whole.from, narrowed?.to ?? whole.to);
  const perDay = chosen ? dailyTotals(daily.items, chosen.meter.meter) : new Map<string, number>();
  // A day's bar opens nothing: the table and the CSV are its rows.
  const points: ChartPoint[] = days.map((d) => ({ label: d.slice(5), values: { used: perDay.get(d) ?? 0 }, closed: ['used'] }));
  const over = rows.filter((r) => r.charge && r.used > r.charge.includedUnits);
  const exportHref = `/api/usage.csv${viewSearch({ ...view, meter: undefined, range: 'custom', from: narrowed?.from ?? whole.from, to: narrowed?.to ?? whole.to })}`;

  return (
    <>
      <PageHeader
        title="Usage"
        description={`${me.tenantName}: ${plan.name}, period ${formatPeriod(period, tz)} (${tz}), day ${Math.min(Math.ceil(progress.elapsedDays), Math.round(progress.totalDays))} of ${Math.round(progress.totalDays)}.`}
      />
      <div className="grid grid-cols-1 gap-6">
        <section aria-label="This period" className="grid grid-cols-2 gap-4 lg:grid-cols-4">
          <FigureCard
            label="Plan"
            value={plan.name}
            detail={`${formatMoney(terms.flatFee, currency)} per ${terms.cycle === 'monthly' ? 'month' : 'year'}`}
            testId="plan-name"
          />
          <FigureCard
            label="Period"
            value={<span className="text-lg">{formatPeriod(period, tz)}</span>}
            detail={`Ends ${formatDate(period.end, tz)} at midnight, ${tz}`}
            testId="plan-period"
          />
          <FigureCard
            label="Elapsed"
            value={`${Math.round(progress.fraction * 100)}%`}
            detail={`${progress.elapsedDays.toFixed(1)} of ${Math.round(progress.totalDays)} days`}
          />
          <FigureCard
            label="Over included units"
            value={over.length}
            detail={over.length === 0 ? 'every meter within its included units' : over.map((r) => meterLabel(r.meter.meter)).join(', ')}
            testId="meters-over"
          />
        </section>
        {plan.trialEndsAt && Date.parse(plan.trialEndsAt) > Date.now() && (
          <p className="text-sm">Trial until {formatDate(plan.trialEndsAt, tz)}: nothing is charged for usage during the trial.</p>
        )}

        <ReportSection
          id="meters"
          title="Usage per meter"
          description={
            <>
              Used so far against the plan’s included units; at 80% and 100% an alert goes out (the <code>usage.quota_reached</code> webhook) and shows under
              the bar. <strong>Forecast</strong>: a linear run-rate, the usage so far divided by the {progress.elapsedDays.toFixed(1)} days elapsed times the
              period’s {Math.round(progress.totalDays)} days; seats and unique contacts are levels, not rates, and are forecast to stay where they are.
            </>
          }
        >
          {rows.length === 0 ? <Empty>No meters.</Empty> : <MeterTable rows={rows} currency={currency} view={view} timeZone={tz} />}
        </ReportSection>

        <ReportSection
          id="daily"
          title={chosen ? `${meterLabel(chosen.meter.meter)} per day` : 'Per day'}
          description={
            narrowed ? (
              <>
                {`Days ${formatDate(narrowed.from)} to ${formatDate(narrowed.to)} (exclusive), ${tz}. `}
                <Link href={`/usage${viewSearch({ ...view, range: '7d', from: undefined, to: undefined })}`} className="underline underline-offset-4">
                  Show the whole current period
                </Link>
              </>
            ) : (
              `Each local day of the period in ${tz}.`
            )
          }
          actions={<ExportLink href={exportHref} what="daily usage of every meter" />}
        >
          {rows.length > 1 && (
            <div className="mb-3 overflow-x-auto pb-1">
              <UrlSwitch
                label="Meter"
                options={rows.map((r) => ({
                  href: `/usage${viewSearch(view, { meter: r.meter.meter })}`,
                  label: r.meter.meter.replaceAll('_', ' '),
                  current: r === chosen,
                }))}
              />
            </div>
          )}
          {!chosen || days.every((d) => !perDay.get(d)) ? (
            <Empty>No usage of this meter on these days.</Empty>
          ) : (
            <ChartOrTable
              label={`${meterLabel(chosen.meter.meter)} per day`}
              path="/usage"
              view={view}
              chart={() => (
                <SeriesChart data={points} series={[{ key: 'used', label: chosen.meter.unit, color: PALETTE[0]! }]} drill={{ hrefs: {}, param: 'day' }} />
              )}
              table={() => (
                <Table data-testid="daily-table">
                  <TableHeader>
                    <TableRow>
                      <TableHead scope="col">Day</TableHead>
                      <TableHead scope="col" className="text-right">
                        {chosen.meter.unit}s
                      </TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {days.map((d) => (
                      <TableRow key={d}>
                        <TableHead scope="row">{d}</TableHead>
                        <TableCell className="text-right">{fmt(perDay.get(d) ?? 0)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            />
          )}
        </ReportSection>
      </div>
    </>
  );
}

function MeterTable({ rows, currency, view, timeZone }: { rows: MeterRow[]; currency: string; view: ReturnType<typeof parseView>; timeZone: string }) {
  return (
    <Table data-testid="meters-table">
      <TableHeader>
        <TableRow>
          <TableHead scope="col">Meter</TableHead>
          <TableHead scope="col" className="text-right">
            Used
          </TableHead>
          <TableHead scope="col" className="text-right">
            Included
          </TableHead>
          <TableHead scope="col" className="min-w-40">
            Of included
          </TableHead>
          <TableHead scope="col" className="text-right">
            Forecast at period end
          </TableHead>
          <TableHead scope="col">Price beyond included</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map(({ meter, used, charge, forecast, alert }) => {
          const included = charge?.includedUnits ?? null;
          const pct = included ? (used / included) * 100 : null;
          const isOver = included !== null && used > included;
          const forecastOver = included !== null && forecast > included;
          return (
            <TableRow
              key={meter.meter}
              data-testid={`meter-${meter.meter}`}
              data-over={isOver ? 'true' : 'false'}
              className={isOver ? 'bg-destructive/5' : undefined}
            >
              <TableHead scope="row" className="whitespace-normal">
                <Link href={`/usage${viewSearch(view, { meter: meter.meter })}#daily`} className="underline decoration-dotted underline-offset-4">
                  {meterLabel(meter.meter)}
                </Link>
                <span className="block max-w-xs text-xs font-normal text-muted-foreground">{meter.description}</span>
              </TableHead>
              <TableCell className="text-right font-medium" data-testid={`used-${meter.meter}`}>
                {fmt(used)}
              </TableCell>
              <TableCell className="text-right">{included === null ? '—' : fmt(included)}</TableCell>
              <TableCell>
                {pct === null ? (
                  <span className="text-sm text-muted-foreground">{charge ? 'none included' : 'not charged by this plan'}</span>
                ) : (
                  <div className="flex items-center gap-2">
                    <div
                      role="progressbar"
                      aria-label={`${meter.meter}: ${Math.round(pct)}% of included units`}
                      aria-valuemin={0}
                      aria-valuemax={100}
                      aria-valuenow={Math.min(100, Math.round(pct))}
                      className="h-2 w-24 overflow-hidden rounded-full bg-muted"
                    >
                      <div className={isOver ? 'h-full bg-destructive' : 'h-full bg-primary'} style={{ width: `${Math.min(100, pct)}%` }} />
                    </div>
                    <span className="text-sm tabular-nums">{pct >= 10 || pct === 0 ? Math.round(pct) : pct.toFixed(1)}%</span>
                    {isOver && <Badge variant="destructive">over by {fmt(used - (included ?? 0))}</Badge>}
                  </div>
                )}
                {alert && (
                  <span className="mt-1 block text-xs text-muted-foreground" data-testid={`alert-${meter.meter}`}>
                    {alert.threshold}% alert sent {formatDate(alert.at, timeZone)} ({fmt(alert.usedUnits)} used)
                  </span>
                )}
              </TableCell>
              <TableCell className="text-right" data-testid={`forecast-${meter.meter}`}>
                {fmt(forecast)}
                {!isAdditive(meter.aggregation) && <span className="block text-xs text-muted-foreground">level</span>}
                {forecastOver && !isOver && <span className="block text-xs text-amber-800">will pass included</span>}
              </TableCell>
              <TableCell className="whitespace-normal text-sm">{charge ? describeCharge(charge, currency) : '—'}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
