import { eventCatalog, type InvoiceContent } from '@parley/events';
import { computeInvoice, segmentsOf } from '@parley/events/billing';
import { samplePlan } from '@parley/events/testing';
import { AppError } from '@parley/kit';
import { describe, expect, it } from 'vitest';
import { invoiceIdFor } from '../../src/domain/ids.ts';
import { type InvoiceCommand, type InvoiceEvent, type InvoiceState, invoiceDecider } from '../../src/domain/invoice.ts';

const tenantId = '6b0f5a3e-3a44-4d5c-9a57-1d2a3c4b5e6f';
const plan = samplePlan('starter', {
  name: 'Starter',
  charges: [{ meter: 'messages_sent', includedUnits: 10, price: { model: 'per_unit', unitPrice: '2' } }],
});
const period = { start: '2026-10-01T00:00:00.000Z', end: '2026-11-01T00:00:00.000Z' };
const DAY = 86_400_000;
const GRACE = 3 * DAY;

function content(sent: number): InvoiceContent {
  const timeline = { startedAt: '2026-09-01T00:00:00.000Z', timeZone: 'UTC', trialEndsAt: null, plans: [{ plan, from: '2026-09-01T00:00:00.000Z' }] };
  const segments = segmentsOf(timeline, period).map((s) => ({ ...s, usage: { messages_sent: sent } }));
  const computed = computeInvoice({ period, timeZone: 'UTC', segments, taxRatePercent: '19' });
  return {
    invoiceId: invoiceIdFor(tenantId, period.start),
    tenantId,
    period,
    timeZone: 'UTC',
    segments,
    billedUsage: { messages_sent: sent },
    adjustments: [],
    usageReadAt: '0000000000000001',
    taxRatePercent: '19',
    currency: computed.currency,
    lines: computed.lines,
    subtotal: computed.subtotal,
    tax: computed.tax,
    total: computed.total,
  };
}

const at = (ms: number) => new Date(Date.parse(period.end) + ms);
const fold = (events: InvoiceEvent[]) => events.reduce<InvoiceState>(invoiceDecider.evolve, invoiceDecider.initialState());
/** Runs commands in order, each on the state the earlier ones left, as the handler does. */
function run(commands: InvoiceCommand[]): { events: InvoiceEvent[]; state: InvoiceState } {
  const events: InvoiceEvent[] = [];
  for (const c of commands) events.push(...invoiceDecider.decide(c, fold(events)));
  return { events, state: fold(events) };
}
const draft = (sent: number, ms = 1000): InvoiceCommand => ({ type: 'DraftInvoice', content: content(sent), now: at(ms) });
const redraft = (sent: number, ms = DAY): InvoiceCommand => ({ type: 'RedraftInvoice', content: content(sent), now: at(ms) });
const finalize = (sent: number, ms = GRACE): InvoiceCommand => ({ type: 'FinalizeInvoice', content: content(sent), now: at(ms), graceMs: GRACE });
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof AppError ? { status: e.status, message: e.message } : e;
  }
  return null;
};

describe('invoice decider', () => {
  it('drafts once the period ended, and refuses before', () => {
    expect(refusal(() => invoiceDecider.decide({ ...draft(5), now: at(-1) }, fold([])))).toMatchObject({ status: 409, message: /has not ended/ });
    const { events, state } = run([draft(25)]);
    expect(events.map((e) => e.type)).toEqual(['InvoiceDrafted']);
    expect(state).toMatchObject({ status: 'draft', content: { total: Math.round((3000 + 30) * 1.19) } });
    for (const e of events) expect(eventCatalog[e.type][1].safeParse(e.data).success).toBe(true);
  });

  it('a second draft of the period decides nothing, whatever it computed', () => {
    expect(run([draft(25), draft(25), draft(40)]).events.map((e) => e.type)).toEqual(['InvoiceDrafted']);
  });

  it('redrafts in grace only when the content changed', () => {
    const { events, state } = run([draft(25), redraft(25), redraft(40), redraft(40)]);
    expect(events.map((e) => e.type)).toEqual(['InvoiceDrafted', 'InvoiceRedrafted']);
    expect(state).toMatchObject({ status: 'draft', content: { billedUsage: { messages_sent: 40 } } });
    expect(run([redraft(7)]).events.map((e) => e.type)).toEqual(['InvoiceDrafted']);
  });

  it('does not redraft a draft read back from the store, whose objects come back with their keys in another order', () => {
    // PostgreSQL's jsonb stores object keys in its own order: the same content, reordered.
    const reordered = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reordered)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reordered(v)]),
            )
          : value;
    const { events } = run([draft(25)]);
    const stored = { ...events[0]!, data: reordered(events[0]!.data) } as InvoiceEvent;
    expect(JSON.stringify(stored.data)).not.toBe(JSON.stringify(events[0]!.data));
    expect(invoiceDecider.decide(redraft(25), fold([stored]))).toEqual([]);
    expect(invoiceDecider.decide(redraft(26), fold([stored])).map((e) => e.type)).toEqual(['InvoiceRedrafted']);
  });

  it('finalizes after the grace, once, and nothing changes it after', () => {
    expect(refusal(() => invoiceDecider.decide(finalize(25, GRACE - 1), run([draft(25)]).state))).toMatchObject({ status: 409, message: /in grace until/ });
    const { events, state } = run([draft(25), finalize(30), finalize(31), redraft(99, GRACE + 1), draft(99, GRACE + 1)]);
    expect(events.map((e) => e.type)).toEqual(['InvoiceDrafted', 'InvoiceFinalized']);
    expect(state).toMatchObject({
      status: 'finalized',
      content: { billedUsage: { messages_sent: 30 } },
      draftedAt: at(1000).toISOString(),
      finalizedAt: at(GRACE).toISOString(),
    });
  });

  it('a period nobody drafted in its grace is drafted and finalized in one decision', () => {
    expect(run([finalize(12, 10 * DAY)]).events.map((e) => e.type)).toEqual(['InvoiceDrafted', 'InvoiceFinalized']);
  });

  it('one id per tenant and period, whichever form the instant takes', () => {
    expect(invoiceIdFor(tenantId, '2026-10-01T02:00:00+02:00')).toBe(invoiceIdFor(tenantId, period.start));
    expect(invoiceIdFor(tenantId, '2026-11-01T00:00:00Z')).not.toBe(invoiceIdFor(tenantId, period.start));
    expect(invoiceIdFor('7b0f5a3e-3a44-4d5c-9a57-1d2a3c4b5e6f', period.start)).not.toBe(invoiceIdFor(tenantId, period.start));
  });
});
