export { invoiceLine, meterChargeLines } from './charges.ts';
export { computeInvoice, type InvoiceInput, type LateUsage, type MeterUsage } from './invoice.ts';
export { formatMoney, Money, roundToMinor } from './money.ts';
export { billingPeriodAt, localDate, localDayNumber, localDays, type PeriodRule, plusLocalDays } from './periods.ts';
export {
  evolveTimeline,
  type PlanSegment,
  type PlanTimeline,
  pendingChange,
  planAt,
  segmentsOf,
  type TenantPlanTimelineEvent,
  tenantPlanSummary,
} from './plan-timeline.ts';
export { quotaThresholdsReached } from './quota.ts';
