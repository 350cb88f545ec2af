import type { PgProjection, Sql } from '../runtime/pg-projection.ts';
import type { Projected } from '../runtime/projected-event.ts';

export const INVOICES_SCHEMA = 'invoices';

/**
 * Tenants' invoices, one row per invoice (tenant, period), with its lines. Each event
 * carries the invoice's whole content, so a write sets the row from the event; the row
 * keeps the order key of the last event applied, so an event applied twice (or an older
 * one after a newer) changes nothing.
 */
async function createTables(sql: Sql): Promise<void> {
  await sql.query(`
    CREATE TABLE invoices (
      invoice_id   uuid PRIMARY KEY,
      tenant_id    uuid NOT NULL,
      period_start timestamptz NOT NULL,
      period_end   timestamptz NOT NULL,
      status       text NOT NULL, -- draft, finalized
      currency     text NOT NULL,
      subtotal     bigint NOT NULL,
      tax          bigint NOT NULL,
      total        bigint NOT NULL,
      lines        jsonb NOT NULL,
      billed_usage jsonb NOT NULL,
      adjustments  jsonb NOT NULL,
      drafted_at   timestamptz NOT NULL,
      finalized_at timestamptz,
      order_key    text COLLATE "C" NOT NULL
    );
    CREATE INDEX invoices_by_tenant ON invoices (tenant_id, period_start DESC, invoice_id);
  `);
}

async function apply(sql: Sql, p: Projected): Promise<void> {
  const e = p.event;
  switch (e.type) {
    case 'InvoiceDrafted':
    case 'InvoiceRedrafted':
    case 'InvoiceFinalized': {
      const d = e.data;
      const status = e.type === 'InvoiceFinalized' ? 'finalized' : 'draft';
      const at = e.type === 'InvoiceDrafted' ? e.data.draftedAt : e.type === 'InvoiceFinalized' ? e.data.finalizedAt : e.data.redraftedAt;
      const finalizedAt = e.type === 'InvoiceFinalized' ? e.data.finalizedAt : null;
      // drafted_at is set by the first event that creates the row and kept after.
      await sql.query(
        `INSERT INTO invoices (invoice_id, tenant_id, period_start, period_end, status, currency, subtotal, tax, total, lines,
                               billed_usage, adjustments, drafted_at, finalized_at, order_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (invoice_id) DO UPDATE SET
           status = excluded.status, currency = excluded.currency, subtotal = excluded.subtotal, tax = excluded.tax,
           total = excluded.total, lines = excluded.lines, billed_usage = excluded.billed_usage,
           adjustments = excluded.adjustments, finalized_at = excluded.finalized_at, order_key = excluded.order_key
         WHERE invoices.order_key < excluded.order_key`,
        [
          d.invoiceId,
          d.tenantId,
          d.period.start,
          d.period.end,
          status,
          d.currency,
          d.subtotal,
          d.tax,
          d.total,
          JSON.stringify(d.lines),
          JSON.stringify(d.billedUsage),
          JSON.stringify(d.adjustments),
          at,
          finalizedAt,
          p.orderKey,
        ],
      );
      return;
    }
    default:
      return;
  }
}

export const invoiceProjection: PgProjection = {
  name: 'invoices',
  schema: INVOICES_SCHEMA,
  version: 1,
  createTables,
  apply,
};
