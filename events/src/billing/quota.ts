import { QUOTA_THRESHOLDS, type QuotaThreshold } from '../catalog/invoice-events.ts';

/**
 * The quota thresholds `used` reaches of `included` units, lowest first
 * (docs/billing.md#quota-alerts). In integers, so the boundary is exact: 4 of 5 is 80 %.
 * None when the plan includes no units.
 */
export const quotaThresholdsReached = (used: number, included: number): QuotaThreshold[] =>
  included <= 0 ? [] : QUOTA_THRESHOLDS.filter((t) => used * 100 >= included * t);
