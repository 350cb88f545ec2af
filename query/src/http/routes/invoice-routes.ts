import type { InvoiceLine } from '@parley/events';
import { type Api, notFound } from '@parley/kit';
import { InvoiceCursor, InvoiceDetail, InvoiceSummary, QuotaAlert } from '@parley/projections/invoices';
import { z } from 'zod';
import { type CsvColumn, toCsv, wantsCsv } from '../../analytics/csv.ts';
import { billingAccess, billingTenantOf, TenantParam } from '../billing-tenant.ts';
import { errors } from '../query-schemas.ts';

const billing = billingAccess;

/** One CSV row per invoice line, with the invoice's id and period on each. */
const LINE_COLUMNS: CsvColumn<InvoiceLine & { invoiceId: string }>[] = [
  { header: 'invoiceId', value: (l) => l.invoiceId },
  { header: 'kind', value: (l) => l.kind },
  { header: 'description', value: (l) => l.description },
  { header: 'planKey', value: (l) => l.planKey },
  { header: 'meter', value: (l) => l.meter },
  { header: 'units', value: (l) => l.units },
  { header: 'quantity', value: (l) => l.quantity },
  { header: 'unitPrice', value: (l) => l.unitPrice },
  { header: 'tierIndex', value: (l) => l.tier?.index ?? null },
  { header: 'tierFirstUnit', value: (l) => l.tier?.firstUnit ?? null },
  { header: 'tierLastUnit', value: (l) => l.tier?.lastUnit ?? null },
  { header: 'from', value: (l) => l.from },
  { header: 'to', value: (l) => l.to },
  { header: 'days', value: (l) => l.days },
  { header: 'periodDays', value: (l) => l.periodDays },
  { header: 'amount', value: (l) => l.amount },
];

/** A tenant's invoices (docs/billing.md#the-invoice-lifecycle), for the billing role, tenant admins and platform admins. */
export async function invoiceRoutes(api: Api) {
  const { invoiceReads: queries } = api;

  api.get(
    '/v1/billing/invoices',
    {
      config: billing,
      schema: {
        summary: "The tenant's invoices, newest period first: drafts in their grace and finalized ones; amounts in minor units",
        tags: ['billing'],
        querystring: z.strictObject({
          tenantId: TenantParam,
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: InvoiceCursor.optional().describe('nextCursor of the page before'),
        }),
        response: { 200: z.object({ items: z.array(InvoiceSummary), nextCursor: z.string().nullable() }), ...errors },
      },
    },
    async (request) => queries.list(billingTenantOf(request, request.query.tenantId), { limit: request.query.limit, cursor: request.query.cursor }),
  );

  api.get(
    '/v1/billing/quota-alerts',
    {
      config: billing,
      schema: {
        summary: "The tenant's quota alerts, newest first: a meter's use reached 80 % or 100 % of the units its plan includes in a period",
        tags: ['billing'],
        querystring: z.strictObject({ tenantId: TenantParam, limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ items: z.array(QuotaAlert) }), ...errors },
      },
    },
    async (request) => ({ items: await queries.quotaAlerts(billingTenantOf(request, request.query.tenantId), request.query.limit) }),
  );

  api.get(
    '/v1/billing/invoices/:invoiceId',
    {
      config: billing,
      schema: {
        summary:
          'One invoice with every line (quantity, units, tier, unit price, amount, the stretch it covers); format=csv or Accept: text/csv: a row per line',
        tags: ['billing'],
        params: z.strictObject({ invoiceId: z.uuid() }),
        querystring: z.strictObject({ tenantId: TenantParam, format: z.enum(['json', 'csv']).optional() }),
        response: { 200: z.union([InvoiceDetail, z.string().describe('text/csv: a row per line')]), ...errors },
      },
    },
    async (request, reply) => {
      const invoice = await queries.invoice(billingTenantOf(request, request.query.tenantId), request.params.invoiceId);
      if (!invoice) throw notFound('invoice not found');
      if (!wantsCsv(request, request.query.format)) return invoice;
      reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="invoice-${invoice.invoiceId}.csv"`);
      return toCsv(
        invoice.lines.map((l) => ({ ...l, invoiceId: invoice.invoiceId })),
        LINE_COLUMNS,
      );
    },
  );
}
