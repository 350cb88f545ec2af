import type { EventOf, InvoiceContent } from '@parley/events';
import { conflict } from '@parley/kit';
import { assertNever, type Decider } from './decider.ts';

/**
 * A tenant's invoice for one period, one stream per (tenant, period start)
 * (docs/billing.md#the-invoice-lifecycle). The billing job computes the content (pure
 * `computeInvoice` over usage it read); this decider keeps the lifecycle: drafted once the
 * period ended, redrafted in grace when the content changed, finalized once the grace ran
 * out, and nothing after. A command that finds its work done decides nothing, so a job
 * that runs twice, concurrently or after a crash writes each event once.
 */
export type InvoiceEvent = EventOf<'InvoiceDrafted' | 'InvoiceRedrafted' | 'InvoiceFinalized'>;

export type InvoiceState =
  | { status: 'none' }
  | { status: 'draft'; content: InvoiceContent; draftedAt: string }
  | { status: 'finalized'; content: InvoiceContent; draftedAt: string; finalizedAt: string };

export type InvoiceCommand =
  | { type: 'DraftInvoice'; content: InvoiceContent; now: Date }
  /** Draft again when the content changed; a new draft when none exists. */
  | { type: 'RedraftInvoice'; content: InvoiceContent; now: Date }
  | { type: 'FinalizeInvoice'; content: InvoiceContent; now: Date; graceMs: number };

/** JSON with every object's keys sorted: a draft read back from the store (jsonb keeps its own key order) equals the one computed. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v,
  );

/** What a redraft compares: the money and what it was computed from, not when it was read. */
const sameContent = (a: InvoiceContent, b: InvoiceContent) =>
  canonical([a.lines, a.billedUsage, a.adjustments, a.total]) === canonical([b.lines, b.billedUsage, b.adjustments, b.total]);

function mustHaveEnded(content: InvoiceContent, now: Date): void {
  if (Date.parse(content.period.end) > now.getTime()) {
    throw conflict(`the period ${content.period.start} – ${content.period.end} has not ended: it is drafted at its end`);
  }
}

export const invoiceDecider: Decider<InvoiceCommand, InvoiceState, InvoiceEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    const at = command.now.toISOString();
    switch (command.type) {
      case 'DraftInvoice':
      case 'RedraftInvoice': {
        mustHaveEnded(command.content, command.now);
        if (state.status === 'none') return [{ type: 'InvoiceDrafted', data: { ...command.content, draftedAt: at } }];
        if (state.status === 'finalized' || command.type === 'DraftInvoice') return [];
        return sameContent(state.content, command.content) ? [] : [{ type: 'InvoiceRedrafted', data: { ...command.content, redraftedAt: at } }];
      }
      case 'FinalizeInvoice': {
        mustHaveEnded(command.content, command.now);
        if (state.status === 'finalized') return [];
        const graceEnds = Date.parse(command.content.period.end) + command.graceMs;
        if (command.now.getTime() < graceEnds) {
          throw conflict(`the invoice is in grace until ${new Date(graceEnds).toISOString()}: late usage may still change it`);
        }
        // A period nobody drafted (the job was down all through its grace) is drafted and finalized in one append.
        const drafted: InvoiceEvent[] = state.status === 'none' ? [{ type: 'InvoiceDrafted', data: { ...command.content, draftedAt: at } }] : [];
        return [...drafted, { type: 'InvoiceFinalized', data: { ...command.content, finalizedAt: at } }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    const {
      draftedAt: _d,
      redraftedAt: _r,
      finalizedAt: _f,
      ...content
    } = event.data as InvoiceContent & {
      draftedAt?: string;
      redraftedAt?: string;
      finalizedAt?: string;
    };
    switch (event.type) {
      case 'InvoiceDrafted':
        return { status: 'draft', content, draftedAt: event.data.draftedAt };
      case 'InvoiceRedrafted':
        return state.status === 'draft' ? { ...state, content } : state;
      case 'InvoiceFinalized':
        return {
          status: 'finalized',
          content,
          draftedAt: state.status === 'none' ? event.data.finalizedAt : state.draftedAt,
          finalizedAt: event.data.finalizedAt,
        };
      default:
        return assertNever(event);
    }
  },
};
