import { cache } from 'react';
import { ApiError, queryGet } from './api.ts';
import { periodDates } from './billing.ts';
import type { DailyUsageAnswer, Invoice, InvoiceDetail, QuotaAlert, TenantPlan, UsageReport } from './types.ts';

/**
 * The billing pages' reads from the query API, as the signed-in user. Each page starts
 * its independent reads together; the usage reads need the plan's period first (one step).
 */

export const readPlan = () => queryGet<{ subscription: TenantPlan | null }>('/v1/billing/plan').then((a) => a.subscription);

/** This period's usage per meter, and per local day of the plan's zone (`dates` narrows the days, e.g. to an invoice line's). */
export function readPeriodUsage(plan: TenantPlan, dates?: { from: string; to: string }) {
  const period = plan.currentPeriod;
  const days = dates ?? periodDates(period, plan.timeZone);
  return Promise.all([
    queryGet<UsageReport>('/v1/usage/current', { from: period.start, to: period.end }),
    queryGet<DailyUsageAnswer>('/v1/usage/daily', { from: days.from, to: days.to, timeZone: plan.timeZone }),
  ]);
}

/** A read whose `statuses` mean "no such thing": `null`; anything else as queryGet. */
const orNull = <T>(read: Promise<T>, statuses: readonly number[]): Promise<T | null> =>
  read.catch((e: unknown) => {
    if (e instanceof ApiError && statuses.includes(e.status)) return null;
    throw e;
  });

/** The tenant's invoices, newest first. */
export const readInvoices = (cursor?: string) => queryGet<{ items: Invoice[]; nextCursor: string | null }>('/v1/billing/invoices', { cursor });

/** The quota alerts (80% and 100% of a meter's included units) of the plan's current period, newest first. */
export const readQuotaAlerts = (plan: TenantPlan) =>
  queryGet<{ items: QuotaAlert[] }>('/v1/billing/quota-alerts', { limit: '200' }).then((a) =>
    a.items.filter((alert) => alert.period.start === plan.currentPeriod.start),
  );

const INVOICE_PATH = /^\/invoices\/([^/]+)\/?$/;

/** The invoice id a path shows, when it is an invoice's page. */
export const invoiceIdOf = (pathname: string): string | null => {
  const id = INVOICE_PATH.exec(pathname)?.[1];
  if (!id) return null;
  try {
    return decodeURIComponent(id);
  } catch {
    return id; // A malformed escape: the API refuses it as it is (a 404 here).
  }
};

/**
 * One invoice with its lines; null: no such invoice of this tenant.
 * Read once per request: the layout awaits it before anything streams, so that a missing
 * invoice is a real 404 (the page's notFound() inside its loading boundary could only be a 200).
 */
export const readInvoice = cache((invoiceId: string) =>
  orNull(
    queryGet<InvoiceDetail>(`/v1/billing/invoices/${encodeURIComponent(invoiceId)}`),
    // 400: the API refuses an id that is not one of its ids (a UUID): no such invoice either.
    [400, 404],
  ),
);
