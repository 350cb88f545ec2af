import type { Metadata } from 'next';
import Link from 'next/link';
import { Empty } from '@/components/empty';
import { PageHeader } from '@/components/page-header';
import { ReportSection } from '@/components/report';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatDate, formatMoney, formatPeriod } from '@/lib/billing';
import { readInvoices, readPlan } from '@/lib/billing-reads';
import { requirePage } from '@/lib/guard';
import { parseView, type SearchParamsRecord } from '@/lib/view-params';

export const metadata: Metadata = { title: 'Invoices' };

/** Invoices: one row per billing period (period, status, total), newest first; a row opens its lines. */
export default async function InvoicesPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const view = parseView(await searchParams);
  const [me, plan, invoices] = await Promise.all([requirePage('invoices'), readPlan(), readInvoices(view.cursor)]);
  const tz = plan?.timeZone ?? me.timeZone;
  return (
    <>
      <PageHeader
        title="Invoices"
        description={`${me.tenantName}: an invoice per billing period, drafted at its end and finalized after the grace period. Periods in ${tz}.`}
      />
      <ReportSection id="invoices" title="Invoices" description="Newest first. An invoice’s page lists every line: quantity, tier, unit price and amount.">
        {invoices.items.length === 0 ? (
          <Empty>No invoices yet. The first is drafted when the first billing period ends.</Empty>
        ) : (
          <div className="grid gap-3">
            <Table data-testid="invoices-table">
              <TableHeader>
                <TableRow>
                  <TableHead scope="col">Period</TableHead>
                  <TableHead scope="col">Status</TableHead>
                  <TableHead scope="col" className="text-right">
                    Subtotal
                  </TableHead>
                  <TableHead scope="col" className="text-right">
                    Tax
                  </TableHead>
                  <TableHead scope="col" className="text-right">
                    Total
                  </TableHead>
                  <TableHead scope="col">Finalized</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {invoices.items.map((inv) => (
                  <TableRow key={inv.invoiceId} data-testid={`invoice-${inv.invoiceId}`}>
                    <TableHead scope="row">
                      <Link href={`/invoices/${encodeURIComponent(inv.invoiceId)}`} className="underline decoration-dotted underline-offset-4">
                        {formatPeriod(inv.period, tz)}
                      </Link>
                    </TableHead>
                    <TableCell>
                      <Badge variant={inv.status === 'finalized' ? 'secondary' : 'warning'}>{inv.status}</Badge>
                    </TableCell>
                    <TableCell className="text-right">{formatMoney(inv.subtotal, inv.currency)}</TableCell>
                    <TableCell className="text-right">{formatMoney(inv.tax, inv.currency)}</TableCell>
                    <TableCell className="text-right font-medium">{formatMoney(inv.total, inv.currency)}</TableCell>
                    <TableCell>{inv.finalizedAt ? formatDate(inv.finalizedAt, tz) : '—'}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {invoices.nextCursor && (
              <Button asChild variant="outline" size="sm" className="w-fit">
                <Link href={`/invoices?cursor=${encodeURIComponent(invoices.nextCursor)}`}>Older invoices</Link>
              </Button>
            )}
          </div>
        )}
      </ReportSection>
    </>
  );
}
