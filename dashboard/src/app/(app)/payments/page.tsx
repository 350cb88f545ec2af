import type { Metadata } from 'next';
import { Empty } from '@/components/empty';
import { PageHeader } from '@/components/page-header';
import { FigureCard, ReportSection } from '@/components/report';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { queryGet } from '@/lib/api';
import { formatMoney } from '@/lib/billing';
import { formatInstant } from '@/lib/format';
import { requirePage } from '@/lib/guard';
import type { Payment, Subscription, SubscriptionStatus } from '@/lib/types';

export const metadata: Metadata = { title: 'Payments' };

const STATUS: Record<SubscriptionStatus, { label: string; variant: 'secondary' | 'warning' | 'destructive' | 'outline' }> = {
  trialing: { label: 'Trialing', variant: 'secondary' },
  active: { label: 'Active', variant: 'secondary' },
  past_due: { label: 'Past due', variant: 'destructive' },
  unpaid: { label: 'Unpaid', variant: 'destructive' },
  canceled: { label: 'Canceled', variant: 'outline' },
  incomplete: { label: 'Incomplete', variant: 'warning' },
  incomplete_expired: { label: 'Incomplete, expired', variant: 'outline' },
  paused: { label: 'Paused', variant: 'warning' },
};

const PAYMENT_STATUS: Record<Payment['status'], { label: string; variant: 'secondary' | 'warning' | 'destructive' }> = {
  succeeded: { label: 'Succeeded', variant: 'secondary' },
  failed: { label: 'Failed', variant: 'destructive' },
  requires_action: { label: 'Needs action', variant: 'warning' },
};

/** Payments: the subscription as Stripe last reported it (status, trial, period, dunning) and its payments with refunds and disputes. */
export default async function PaymentsPage() {
  const [me, { subscription }, payments] = await Promise.all([
    requirePage('payments'),
    queryGet<{ subscription: Subscription | null }>('/v1/billing/subscription'),
    queryGet<{ items: Payment[] }>('/v1/billing/payments', { limit: 100 }),
  ]);
  const tz = me.timeZone;
  const at = (iso: string | null) => formatInstant(iso, tz);
  return (
    <>
      <PageHeader title="Payments" description={`${me.tenantName}: the subscription and its payments, as Stripe reported them. Times in ${tz}.`} />
      <div className="grid grid-cols-1 gap-6">
        {subscription === null ? (
          <Empty>No subscription yet: Stripe has not reported one for this tenant.</Empty>
        ) : (
          <>
            {subscription.marketingSuspendedSince ? (
              <Alert variant="destructive" data-testid="dunning">
                <AlertTitle>Marketing template sends are suspended</AlertTitle>
                <AlertDescription className="text-foreground">
                  Since {at(subscription.marketingSuspendedSince)}: the subscription has been past due since {at(subscription.pastDueSince)}. A successful
                  payment restores them; utility, authentication and service messages still go out.
                </AlertDescription>
              </Alert>
            ) : subscription.pastDueSince ? (
              <Alert data-testid="dunning">
                <AlertTitle>Payment overdue</AlertTitle>
                <AlertDescription className="text-foreground">
                  Past due since {at(subscription.pastDueSince)}. Marketing template sends continue until the grace period runs out; a successful payment ends
                  it.
                </AlertDescription>
              </Alert>
            ) : null}
            <section aria-label="Subscription" className="grid grid-cols-2 gap-4 lg:grid-cols-4">
              <FigureCard
                label="Status"
                value={<Badge variant={STATUS[subscription.status].variant}>{STATUS[subscription.status].label}</Badge>}
                detail={
                  subscription.cancelAtPeriodEnd ? 'cancels at the period end' : subscription.canceledAt ? `canceled ${at(subscription.canceledAt)}` : null
                }
                testId="subscription-status"
              />
              <FigureCard
                label="Current period"
                value={<span className="text-base">{`${at(subscription.currentPeriodStart)} – ${at(subscription.currentPeriodEnd)}`}</span>}
              />
              <FigureCard label="Trial end" value={<span className="text-base">{at(subscription.trialEnd)}</span>} />
              <FigureCard
                label="Dunning"
                value={
                  <span className="text-base">
                    {subscription.marketingSuspendedSince ? 'Marketing suspended' : subscription.pastDueSince ? 'In grace' : 'None'}
                  </span>
                }
                detail={subscription.pastDueSince ? `past due since ${at(subscription.pastDueSince)}` : 'no payment overdue'}
                testId="dunning-state"
              />
            </section>
          </>
        )}
        <ReportSection
          id="payments"
          title="Payments"
          description="Newest first: each payment intent (or invoice, or charge) with its outcome, refunds and disputes."
        >
          {payments.items.length === 0 ? (
            <Empty>No payments yet.</Empty>
          ) : (
            <Table data-testid="payments-table">
              <TableHeader>
                <TableRow>
                  <TableHead scope="col">Date</TableHead>
                  <TableHead scope="col" className="text-right">
                    Amount
                  </TableHead>
                  <TableHead scope="col">Status</TableHead>
                  <TableHead scope="col">Failure reason</TableHead>
                  <TableHead scope="col" className="text-right">
                    Refunded
                  </TableHead>
                  <TableHead scope="col">Dispute</TableHead>
                  <TableHead scope="col">Reference</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {payments.items.map((p) => (
                  <TableRow key={p.paymentKey} data-testid={`payment-${p.paymentKey}`}>
                    <TableHead scope="row" className="font-normal">
                      {at(p.createdAt)}
                    </TableHead>
                    <TableCell className="text-right font-medium">{formatMoney(p.amount, p.currency)}</TableCell>
                    <TableCell>
                      <Badge variant={PAYMENT_STATUS[p.status].variant}>{PAYMENT_STATUS[p.status].label}</Badge>
                    </TableCell>
                    <TableCell className="max-w-xs whitespace-normal">{p.failureReason ?? '—'}</TableCell>
                    <TableCell className="text-right">{p.amountRefunded > 0 ? formatMoney(p.amountRefunded, p.currency) : '—'}</TableCell>
                    <TableCell className="whitespace-normal">
                      {p.disputeId ? `${formatMoney(p.disputedAmount, p.currency)}${p.disputeReason ? ` (${p.disputeReason.replaceAll('_', ' ')})` : ''}` : '—'}
                    </TableCell>
                    <TableCell className="font-mono text-xs">{p.paymentIntentId ?? p.invoiceId ?? p.chargeId ?? p.paymentKey}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </ReportSection>
      </div>
    </>
  );
}
