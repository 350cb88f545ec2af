import type { EventStore } from '@parley/events';
import { deterministicId, streams, usageQuotaIdFor } from '../domain/ids.ts';
import { type UsageQuotaCommand, type UsageQuotaEvent, type UsageQuotaState, usageQuotaDecider } from '../domain/usage-quota.ts';
import { CommandHandler } from '../handling/command-handler.ts';

export type QuotaCheck = Omit<UsageQuotaCommand, 'type' | 'now'>;

/**
 * Quota alerts as the billing job records them (docs/billing.md#quota-alerts). The event id
 * of a threshold derives from the stream and the threshold alone, so a check repeated
 * after a crash (the append landed, the answer was lost) is the same append to the store;
 * a concurrent check's append is caught by the expected revision, re-decided on the stream
 * as it is, and decides nothing.
 */
export class QuotaAlerts {
  private readonly handler: CommandHandler<UsageQuotaCommand, UsageQuotaState, UsageQuotaEvent>;

  constructor(
    store: EventStore,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.handler = new CommandHandler(store, usageQuotaDecider, { cacheSize: 20_000 });
  }

  static quotaId = usageQuotaIdFor;

  /** The thresholds this check recorded (none when below them, or already recorded). */
  async check(check: QuotaCheck): Promise<UsageQuotaEvent['data'][]> {
    const quotaId = usageQuotaIdFor(check.tenantId, check.period.start, check.meter);
    const result = await this.handler.handle(
      streams.usageQuota(quotaId),
      { type: 'CheckUsageQuota', ...check, now: this.clock() },
      {
        tenantId: check.tenantId,
        actor: { type: 'system', id: 'billing-job' },
        correlationId: quotaId,
        causationId: null,
        now: this.clock(),
        eventId: (event) => deterministicId('usage-quota-event', quotaId, String((event as UsageQuotaEvent).data.threshold)),
      },
    );
    return (result.events as UsageQuotaEvent[]).map((e) => e.data);
  }
}
