import { randomUUID } from 'node:crypto';
import { type InvoiceContent, type ParleyEvent, type PostgresEventStore, START } from '@parley/events';
import { computeInvoice } from '@parley/events/billing';
import { samplePlan, type TestDatabase } from '@parley/events/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgProjector, toProjected } from '../../src/index.ts';
import { InvoiceQueries, invoiceProjection, invoicesReadPool } from '../../src/invoices/index.ts';
import { envelope } from '../support/events.ts';
import { closePgStore, openPgStore } from '../support/pg-store.ts';

let db: TestDatabase;
let store: PostgresEventStore;
let pool: pg.Pool;
let readPool: pg.Pool;

beforeAll(async () => {
  ({ db, store, pool } = await openPgStore('invoice_projection'));
  readPool = invoicesReadPool(db.connectionString);
});
afterAll(async () => {
  await readPool?.end();
  await closePgStore({ db, store, pool });
});

const plan = samplePlan('starter', {
  name: 'Starter',
  charges: [{ meter: 'messages_sent', includedUnits: 0, price: { model: 'per_unit', unitPrice: '2' } }],
});

function content(tenantId: string, start: string, end: string, sent: number): InvoiceContent {
  const period = { start, end };
  const segments = [{ plan, from: start, to: end, trial: false, usage: { messages_sent: sent } }];
  const computed = computeInvoice({ period, timeZone: 'UTC', segments, taxRatePercent: '20' });
  return {
    ...computed,
    invoiceId: randomUUID(),
    tenantId,
    timeZone: 'UTC',
    segments,
    billedUsage: { messages_sent: sent },
    adjustments: [],
    usageReadAt: '1',
    taxRatePercent: '20',
  };
}

describe('invoice projection', () => {
  it('keeps each invoice as its last event says, newest period first, and an event applied again changes nothing', async () => {
    const tenantId = randomUUID();
    const oct = content(tenantId, '2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z', 10);
    const nov = content(tenantId, '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', 5);
    const events: [string, ParleyEvent][] = [
      [oct.invoiceId, { type: 'InvoiceDrafted', data: { ...oct, draftedAt: '2026-11-01T01:00:00.000Z' } }],
      [
        oct.invoiceId,
        {
          type: 'InvoiceRedrafted',
          data: { ...content(tenantId, oct.period.start, oct.period.end, 12), invoiceId: oct.invoiceId, redraftedAt: '2026-11-02T01:00:00.000Z' },
        },
      ],
      [
        oct.invoiceId,
        {
          type: 'InvoiceFinalized',
          data: { ...content(tenantId, oct.period.start, oct.period.end, 13), invoiceId: oct.invoiceId, finalizedAt: '2026-11-04T01:00:00.000Z' },
        },
      ],
      [nov.invoiceId, { type: 'InvoiceDrafted', data: { ...nov, draftedAt: '2026-12-01T01:00:00.000Z' } }],
    ];
    for (const [id, e] of events) await store.appendToStream(`invoice-${id}`, [envelope(e, tenantId, new Date())]);

    const projector = new PgProjector({ pool, store, projection: invoiceProjection });
    await projector.start();
    while ((await projector.status()).eventsBehind !== 0) await new Promise((r) => setTimeout(r, 20));
    await projector.stop();

    const queries = new InvoiceQueries(readPool);
    const once = await queries.list(tenantId, { limit: 10 });
    expect(once.items.map((i) => [i.period.start, i.status, i.total])).toEqual([
      ['2026-11-01T00:00:00.000Z', 'draft', Math.round((3000 + 10) * 1.2)],
      ['2026-10-01T00:00:00.000Z', 'finalized', Math.round((3000 + 26) * 1.2)],
    ]);
    expect(once.items[1]).toMatchObject({ draftedAt: '2026-11-01T01:00:00.000Z', finalizedAt: '2026-11-04T01:00:00.000Z', adjustmentOf: null });
    expect((await queries.invoice(tenantId, oct.invoiceId))?.lines.find((l) => l.kind === 'usage')).toMatchObject({ units: 13, amount: 26 });
    expect(await queries.invoice(randomUUID(), oct.invoiceId)).toBeNull();

    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL search_path = invoices');
      const recorded = (await store.readAll({ after: START, maxCount: 100 })).events;
      // Every event again, and the draft once more after the finalization: a redelivered batch.
      for (const r of [...recorded, recorded[0]!]) await invoiceProjection.apply(client, toProjected(r)!);
      const again = (await client.query('SELECT * FROM invoices ORDER BY period_start')).rows;
      await client.query('ROLLBACK');
      const before = (await pool.query('SELECT * FROM invoices.invoices ORDER BY period_start')).rows;
      expect(again).toEqual(before);
    } finally {
      client.release();
    }
  });
});
