import { BillingPeriod, Currency, InvoiceLine, QuotaThreshold } from '@parley/events';
import { InvalidCursorError } from '@parley/kit';
import type pg from 'pg';
import { z } from 'zod';

const Instant = z.string().describe('ISO 8601 instant');

export const InvoiceStatus = z.enum(['draft', 'finalized']);

/** An invoice as the list shows it; amounts are integer minor units. */
export const InvoiceSummary = z.object({
  invoiceId: z.uuid(),
  tenantId: z.uuid(),
  period: BillingPeriod,
  status: InvoiceStatus.describe('draft: in its grace, late usage may still change it; finalized: never changes (later usage goes on a later invoice)'),
  currency: Currency,
  subtotal: z.number().int(),
  tax: z.number().int(),
  total: z.number().int(),
  draftedAt: Instant,
  finalizedAt: Instant.nullable(),
  adjustmentOf: z.null().describe('Reserved: adjustments of a finalized period are lines of a later invoice, not invoices of their own'),
});
export type InvoiceSummary = z.infer<typeof InvoiceSummary>;

export const InvoiceDetail = InvoiceSummary.extend({ lines: z.array(InvoiceLine) });
export type InvoiceDetail = z.infer<typeof InvoiceDetail>;

/** A quota alert (docs/billing.md#quota-alerts): the meter's use reached `threshold` percent of its included units. */
export const QuotaAlert = z.object({
  meter: z.string(),
  period: BillingPeriod,
  threshold: QuotaThreshold.describe('Percent of the included units'),
  includedUnits: z.number().int(),
  usedUnits: z.number().int().describe('Units used in the period when the threshold was found crossed'),
  at: Instant,
});
export type QuotaAlert = z.infer<typeof QuotaAlert>;

/** Newest period first; the cursor is the last item's period start and id. */
export const InvoiceCursor = z.string().regex(/^[0-9T:.Z-]+\|[0-9a-f-]{36}$/, 'a nextCursor from an earlier page');

/** A cursor's period start and invoice id; what the regex above lets through but PostgreSQL could not cast is a 400, not a 500. */
const CursorParts = z.tuple([z.iso.datetime(), z.uuid()]);
function decodeCursor(cursor: string): [string, string] {
  const parsed = CursorParts.safeParse(cursor.split('|'));
  if (!parsed.success) throw new InvalidCursorError('cursor is not one this API issued');
  return parsed.data;
}

interface InvoiceRow {
  invoice_id: string;
  tenant_id: string;
  period_start: Date;
  period_end: Date;
  status: InvoiceSummary['status'];
  currency: InvoiceSummary['currency'];
  subtotal: string;
  tax: string;
  total: string;
  drafted_at: Date;
  finalized_at: Date | null;
  lines?: InvoiceLine[];
}

const COLUMNS = 'invoice_id, tenant_id, period_start, period_end, status, currency, subtotal, tax, total, drafted_at, finalized_at';

const summary = (r: InvoiceRow): InvoiceSummary => ({
  invoiceId: r.invoice_id,
  tenantId: r.tenant_id,
  period: { start: r.period_start.toISOString(), end: r.period_end.toISOString() },
  status: r.status,
  currency: r.currency,
  subtotal: Number(r.subtotal),
  tax: Number(r.tax),
  total: Number(r.total),
  draftedAt: r.drafted_at.toISOString(),
  finalizedAt: r.finalized_at?.toISOString() ?? null,
  adjustmentOf: null,
});

/** Tenants' invoices from the invoices read model; every read names its tenant. */
export class InvoiceQueries {
  constructor(private readonly pool: pg.Pool) {}

  async list(tenantId: string, options: { limit: number; cursor?: string | undefined }): Promise<{ items: InvoiceSummary[]; nextCursor: string | null }> {
    const [start, id] = options.cursor ? decodeCursor(options.cursor) : [null, null];
    const rows = await this.pool.query<InvoiceRow>(
      `SELECT ${COLUMNS} FROM invoices
       WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR (period_start, invoice_id) < ($2::timestamptz, $3::uuid))
       ORDER BY period_start DESC, invoice_id DESC LIMIT $4`,
      [tenantId, start, id, options.limit + 1],
    );
    const items = rows.rows.slice(0, options.limit).map(summary);
    const last = items.at(-1);
    return { items, nextCursor: rows.rows.length > options.limit && last ? `${last.period.start}|${last.invoiceId}` : null };
  }

  /** The tenant's quota alerts, newest first. */
  async quotaAlerts(tenantId: string, limit: number): Promise<QuotaAlert[]> {
    const rows = await this.pool.query<{
      meter: string;
      period_start: Date;
      period_end: Date;
      threshold: QuotaThreshold;
      included_units: string;
      used_units: string;
      at: Date;
    }>(
      `SELECT meter, period_start, period_end, threshold, included_units, used_units, at FROM quota_alerts
       WHERE tenant_id = $1 ORDER BY at DESC, meter, threshold DESC LIMIT $2`,
      [tenantId, limit],
    );
    return rows.rows.map((r) => ({
      meter: r.meter,
      period: { start: r.period_start.toISOString(), end: r.period_end.toISOString() },
      threshold: r.threshold,
      includedUnits: Number(r.included_units),
      usedUnits: Number(r.used_units),
      at: r.at.toISOString(),
    }));
  }

  /** null for an id that is not this tenant's (another tenant's invoice is not found, not forbidden). */
  async invoice(tenantId: string, invoiceId: string): Promise<InvoiceDetail | null> {
    const rows = await this.pool.query<InvoiceRow>(`SELECT ${COLUMNS}, lines FROM invoices WHERE tenant_id = $1 AND invoice_id = $2`, [tenantId, invoiceId]);
    const row = rows.rows[0];
    return row ? { ...summary(row), lines: row.lines ?? [] } : null;
  }
}
