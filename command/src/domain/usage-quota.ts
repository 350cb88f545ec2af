import { type EventOf, QUOTA_THRESHOLDS, type QuotaThreshold } from '@parley/events';
import { quotaThresholdsReached } from '@parley/events/billing';
import { assertNever, type Decider } from './decider.ts';

/**
 * A tenant's use of one meter against the units its plan includes, in one billing period:
 * one stream per (tenant, period start, meter) (docs/billing.md#quota-alerts). The billing
 * job reads the usage and passes it in; this decider records each threshold crossed once,
 * so a check that runs twice, concurrently or after a crash alerts once.
 */
export type UsageQuotaEvent = EventOf<'UsageQuotaReached'>;

export type UsageQuotaState =
  | { status: 'below' }
  /** `reached`: the thresholds recorded so far, lowest first. */
  | { status: 'reached'; reached: QuotaThreshold[]; usedUnits: number };

export type UsageQuotaCommand = {
  type: 'CheckUsageQuota';
  tenantId: string;
  meter: string;
  period: { start: string; end: string };
  /** The plan's included units of the meter now; 0: the plan includes none, nothing to alert on. */
  includedUnits: number;
  /** Units of the meter used in the period so far. */
  usedUnits: number;
  now: Date;
};

export const usageQuotaDecider: Decider<UsageQuotaCommand, UsageQuotaState, UsageQuotaEvent> = {
  initialState: () => ({ status: 'below' }),

  decide(command, state) {
    switch (command.type) {
      case 'CheckUsageQuota': {
        const { tenantId, meter, period, includedUnits, usedUnits, now } = command;
        // A period that ended is invoiced, not alerted on; one that has not started has no usage yet.
        if (now.getTime() >= Date.parse(period.end) || now.getTime() < Date.parse(period.start)) return [];
        const recorded = state.status === 'reached' ? state.reached : [];
        return quotaThresholdsReached(usedUnits, includedUnits)
          .filter((t) => !recorded.includes(t))
          .map((threshold) => ({
            type: 'UsageQuotaReached',
            data: { tenantId, meter, period, threshold, includedUnits, usedUnits, at: now.toISOString() },
          }));
      }
      default:
        return assertNever(command.type);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'UsageQuotaReached': {
        const before = state.status === 'reached' ? state.reached : [];
        const reached = QUOTA_THRESHOLDS.filter((t) => t === event.data.threshold || before.includes(t));
        return { status: 'reached', reached, usedUnits: event.data.usedUnits };
      }
      default:
        return assertNever(event.type);
    }
  },
};
