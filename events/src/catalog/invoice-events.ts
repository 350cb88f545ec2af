import { z } from 'zod';
import { BillingPeriod, Currency, InvoiceLine, Plan } from './plan-events.ts';

/**
 * A tenant's invoice for one billing period (docs/billing.md#the-invoice-lifecycle): drafted
 * when the period ends, redrafted while its grace runs if usage changed, finalized after
 * the grace. One stream per (tenant, period start), so a period is invoiced once.
 */

const Instant = z.iso.datetime({ offset: true });
const Units = z.number().int().min(0);

/** Meter key → units. */
export const UsageSnapshot = z.record(z.string(), Units);
export type UsageSnapshot = z.infer<typeof UsageSnapshot>;

/** A stretch of the period on one plan, in or out of trial, with the usage read for it. */
export const InvoiceSegment = z.object({ plan: Plan, from: Instant, to: Instant, trial: z.boolean(), usage: UsageSnapshot });
export type InvoiceSegment = z.infer<typeof InvoiceSegment>;

/** Late usage of an earlier, finalized period billed on this invoice (an `adjustment` line). */
export const InvoiceAdjustment = z.object({
  /** The finalized period the units belong to. */
  period: BillingPeriod,
  meter: z.string(),
  /** Units of that period billed before (its invoice, and earlier adjustments). */
  billedUnits: Units,
  lateUnits: Units,
});
export type InvoiceAdjustment = z.infer<typeof InvoiceAdjustment>;

/** What a draft, a redraft and a finalization record: the computation and what it was computed from. */
const InvoiceContent = z.object({
  invoiceId: z.uuid(),
  tenantId: z.uuid(),
  period: BillingPeriod,
  timeZone: z.string().min(1).max(64),
  segments: z.array(InvoiceSegment).min(1),
  /** Units of the paid segments per meter: what this invoice bills of its own period. */
  billedUsage: UsageSnapshot,
  adjustments: z.array(InvoiceAdjustment),
  /** The log position the usage was read at (read-your-writes on the usage projection). */
  usageReadAt: z.string().min(1).max(200),
  taxRatePercent: z.string(),
  currency: Currency,
  lines: z.array(InvoiceLine),
  subtotal: z.number().int(),
  tax: z.number().int(),
  total: z.number().int(),
});
export type InvoiceContent = z.infer<typeof InvoiceContent>;

export const InvoiceDrafted = InvoiceContent.extend({ draftedAt: Instant });
/** Usage changed while the draft was in grace: the whole content again. */
export const InvoiceRedrafted = InvoiceContent.extend({ redraftedAt: Instant });
/** The grace ran out: the final content, never changed after (late usage goes on a later invoice). */
export const InvoiceFinalized = InvoiceContent.extend({ finalizedAt: Instant });

/** The block `eventCatalog` registers. */
export const invoiceEventCatalog = {
  InvoiceDrafted: [1, InvoiceDrafted],
  InvoiceRedrafted: [1, InvoiceRedrafted],
  InvoiceFinalized: [1, InvoiceFinalized],
} as const satisfies Record<string, readonly [number, z.ZodType]>;
