import { createPgPool } from '@parley/events';
import type pg from 'pg';
import { INVOICES_SCHEMA } from './invoice-projection.ts';

export { INVOICES_SCHEMA, invoiceProjection } from './invoice-projection.ts';
export { InvoiceCursor, InvoiceDetail, InvoiceQueries, InvoiceStatus, InvoiceSummary } from './invoice-queries.ts';

/** A pool whose search_path is the live invoices schema. */
export function invoicesReadPool(connectionString: string, max = 2): pg.Pool {
  return createPgPool({ connectionString, max, options: `-c search_path=${INVOICES_SCHEMA}` });
}
