import type { EventStore, InvoiceContent, Position } from '@parley/events';
import { deterministicId, invoiceIdFor, streams } from '../domain/ids.ts';
import { type InvoiceCommand, type InvoiceEvent, type InvoiceState, invoiceDecider } from '../domain/invoice.ts';
import { CommandHandler } from '../handling/command-handler.ts';

/** What a lifecycle step did: `done` when the log already held it (a rerun, or a concurrent job). */
export type InvoiceStep = { outcome: 'appended' | 'done'; events: InvoiceEvent['type'][]; state: InvoiceState; position: Position };

/**
 * Invoices as the billing job records them (docs/billing.md#the-invoice-lifecycle). Event
 * ids derive from the invoice, the event type and the stream revision it extends, so an
 * append repeated after a crash is recognised by the store; a concurrent job's append is
 * caught by the expected revision, re-decided on the stream as it is, and decides nothing.
 */
export class Invoicing {
  private readonly handler: CommandHandler<InvoiceCommand, InvoiceState, InvoiceEvent>;

  constructor(
    store: EventStore,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.handler = new CommandHandler(store, invoiceDecider, { cacheSize: 20_000 });
  }

  static invoiceId = invoiceIdFor;

  async load(tenantId: string, periodStart: string): Promise<InvoiceState> {
    return (await this.handler.load(streams.invoice(invoiceIdFor(tenantId, periodStart)))).state;
  }

  draft(content: InvoiceContent): Promise<InvoiceStep> {
    return this.step({ type: 'DraftInvoice', content, now: this.clock() });
  }

  redraft(content: InvoiceContent): Promise<InvoiceStep> {
    return this.step({ type: 'RedraftInvoice', content, now: this.clock() });
  }

  finalize(content: InvoiceContent, graceMs: number): Promise<InvoiceStep> {
    return this.step({ type: 'FinalizeInvoice', content, now: this.clock(), graceMs });
  }

  private async step(command: InvoiceCommand): Promise<InvoiceStep> {
    const { invoiceId, tenantId } = command.content;
    const streamId = streams.invoice(invoiceId);
    const before = (await this.handler.load(streamId)).revision;
    const result = await this.handler.handle(streamId, command, {
      tenantId,
      actor: { type: 'system', id: 'billing-job' },
      correlationId: invoiceId,
      causationId: null,
      now: command.now,
      // The n-th event of the stream has one id whichever run writes it.
      eventId: (event, index) => deterministicId('invoice-event', invoiceId, event.type, String(before + 1 + index)),
    });
    return {
      outcome: result.events.length > 0 ? 'appended' : 'done',
      events: result.events.map((e) => e.type),
      state: result.state,
      position: result.position,
    };
  }
}
