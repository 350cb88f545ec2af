import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Empty } from '@/components/empty';
import { PageHeader } from '@/components/page-header';
import { ExportLink, FigureCard, ReportSection } from '@/components/report';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatDate, formatMoney, formatPeriod, formatUnitPrice, localDate } from '@/lib/billing';
import { readInvoice, readPlan } from '@/lib/billing-reads';
import { requirePage } from '@/lib/guard';
import type { InvoiceLineView } from '@/lib/types';

export const metadata: Metadata = { title: 'Invoice' };

const KIND_LABELS: Record<InvoiceLineView['kind'], string> = {
  flat_fee: 'Flat fee',
  trial: 'Trial',
  included_units: 'Included units',
  usage: 'Usage',
  trial_usage: 'Usage in trial',
  minimum_commitment: 'Minimum commitment',
  adjustment: 'Late usage',
  tax: 'Tax',
};

/** The lines that came from a meter's usage: each opens the daily usage behind it. */
const USAGE_KINDS: ReadonlySet<InvoiceLineView['kind']> = new Set(['usage', 'included_units', 'trial_usage', 'adjustment']);

/** The usage page narrowed to a line's meter and days (local dates of the plan's zone; `to` exclusive). */
function usageHref(line: InvoiceLineView, period: { start: string; end: string }, tz: string): string | null {
  if (!line.meter || !USAGE_KINDS.has(line.kind)) return null;
  // A line without a stretch of its own covers the invoice's period.
  const lineFrom = line.from ?? period.start;
  const lineTo = line.to ?? period.end;
  const from = localDate(lineFrom, tz);
  // `to` is exclusive: the day after the local day of the stretch's last instant.
  const lastDay = localDate(new Date(Date.parse(lineTo) - 1).toISOString(), tz);
  const to = new Date(Date.parse(`${lastDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const q = new URLSearchParams({ meter: line.meter, range: 'custom', from, to });
  return `/usage?${q}#daily`;
}

const tierText = (line: InvoiceLineView) =>
  line.tier
    ? `${line.tier.index}: ${line.tier.firstUnit.toLocaleString('en')}–${line.tier.lastUnit === null ? '∞' : line.tier.lastUnit.toLocaleString('en')}`
    : '—';

/** One invoice: its period, status and totals, and every line with its quantity, tier, unit price and amount. */
export default async function InvoicePage({ params }: { params: Promise<{ invoiceId: string }> }) {
  const [me, { invoiceId }] = await Promise.all([requirePage('invoices'), params]);
  const [plan, invoice] = await Promise.all([readPlan(), readInvoice(invoiceId)]);
  if (!invoice) notFound();
  const tz = plan?.timeZone ?? me.timeZone;
  const money = (n: number) => formatMoney(n, invoice.currency);
  return (
    <>
      <PageHeader
        title={`Invoice ${formatPeriod(invoice.period, tz)}`}
        description={`${me.tenantName}: drafted ${formatDate(invoice.draftedAt, tz)}, periods in ${tz}.`}
      >
        <Link href="/invoices" className="text-sm underline underline-offset-4">
          All invoices
        </Link>
      </PageHeader>
      <div className="grid grid-cols-1 gap-6">
        <section aria-label="Totals" className="grid grid-cols-2 gap-4 lg:grid-cols-4">
          <FigureCard
            label="Status"
            value={<Badge variant={invoice.status === 'finalized' ? 'secondary' : 'warning'}>{invoice.status}</Badge>}
            detail={invoice.finalizedAt ? `finalized ${formatDate(invoice.finalizedAt, tz)}` : 'open to late usage until finalized'}
          />
          <FigureCard label="Subtotal" value={money(invoice.subtotal)} testId="invoice-subtotal" />
          <FigureCard label="Tax" value={money(invoice.tax)} testId="invoice-tax" />
          <FigureCard label="Total" value={money(invoice.total)} testId="invoice-total" />
        </section>
        <ReportSection
          id="lines"
          title="Lines"
          description="Every line with what it multiplies. A usage line opens the daily usage of its meter behind it."
          actions={<ExportLink href={`/api/invoices/${encodeURIComponent(invoice.invoiceId)}/csv`} what="the invoice’s lines" />}
        >
          {invoice.lines.length === 0 ? (
            <Empty>No lines.</Empty>
          ) : (
            <Table data-testid="lines-table">
              <TableHeader>
                <TableRow>
                  <TableHead scope="col">Line</TableHead>
                  <TableHead scope="col">Kind</TableHead>
                  <TableHead scope="col" className="text-right">
                    Quantity
                  </TableHead>
                  <TableHead scope="col">Tier</TableHead>
                  <TableHead scope="col" className="text-right">
                    Unit price
                  </TableHead>
                  <TableHead scope="col" className="text-right">
                    Amount
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {invoice.lines.map((line, i) => {
                  const href = usageHref(line, invoice.period, tz);
                  return (
                    // biome-ignore lint/suspicious/noArrayIndexKey: lines have no id of their own; their order is the invoice's
                    <TableRow key={i} data-testid={`line-${i}`}>
                      <TableHead scope="row" className="max-w-md whitespace-normal font-normal">
                        {href ? (
                          <Link href={href} className="underline decoration-dotted underline-offset-4" aria-label={`${line.description}: the usage behind it`}>
                            {line.description}
                          </Link>
                        ) : (
                          line.description
                        )}
                      </TableHead>
                      <TableCell>{KIND_LABELS[line.kind]}</TableCell>
                      <TableCell className="text-right">
                        {/* A tax line multiplies the subtotal (minor units) by its rate: money and a percentage, not units. */}
                        {line.kind === 'tax' && line.quantity !== null ? money(line.quantity) : ((line.quantity ?? line.units)?.toLocaleString('en') ?? '—')}
                        {line.days !== null && line.periodDays !== null && (
                          <span className="block text-xs text-muted-foreground">{`${line.days}/${line.periodDays} days`}</span>
                        )}
                      </TableCell>
                      <TableCell>{tierText(line)}</TableCell>
                      <TableCell className="text-right">
                        {line.unitPrice === null
                          ? '—'
                          : line.kind === 'tax'
                            ? `${(Number(line.unitPrice) * 100).toLocaleString('en', { maximumFractionDigits: 4 })}%`
                            : formatUnitPrice(line.unitPrice, invoice.currency)}
                      </TableCell>
                      <TableCell className="text-right font-medium">{money(line.amount)}</TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )}
        </ReportSection>
      </div>
    </>
  );
}
