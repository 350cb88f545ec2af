import { type InvoiceState, Invoicing, type QuotaAlerts } from '@parley/command';
import type { BillingPeriod, EventStore, InvoiceAdjustment, InvoiceContent, InvoiceSegment, Logger, UsageSnapshot } from '@parley/events';
import { billingPeriodAt, computeInvoice, type LateUsage, type PlanTimeline, planAt, quotaThresholdsReached, segmentsOf } from '@parley/events/billing';
import type pg from 'pg';
import type { UsageSource } from './usage-source.ts';

export interface BillingPolicy {
  /** How long a draft waits for late usage before it is finalized. */
  graceMs: number;
  /** Percent on every invoice's subtotal, a decimal string ("19", "8.875"). */
  taxRatePercent: string;
}

export interface BillingRunReport {
  tenants: number;
  drafted: number;
  redrafted: number;
  finalized: number;
  /** `UsageQuotaReached` events recorded (docs/billing.md#quota-alerts). */
  quotaAlerts: number;
  /** Tenants whose run failed (logged; retried on the next run). */
  failed: number;
}

type Finalized = Extract<InvoiceState, { status: 'finalized' }>;
/** Usage read ahead for a chunk of tenants: by `tenant|from|to`, at `head`. */
type Prefetched = { head: string; usage: Map<string, UsageSnapshot> };

/** Tenants prefetched and billed together. */
const CHUNK = 1_000;

/** Usage is kept per quarter hour: a segment cut inside one (an upgrade at 15:07) is read from the quarter hour it falls in. */
const QUARTER_HOUR_MS = 15 * 60_000;
const quarterHour = (instant: string) => new Date(Math.floor(Date.parse(instant) / QUARTER_HOUR_MS) * QUARTER_HOUR_MS).toISOString();

/** Every period of the timeline that ended by `now`, oldest first. */
export function endedPeriods(timeline: PlanTimeline, now: Date): BillingPeriod[] {
  const first = timeline.plans[0]?.plan;
  if (!first) return [];
  const periods: BillingPeriod[] = [];
  let period = billingPeriodAt(first.terms, timeline.startedAt, timeline.timeZone, timeline.startedAt);
  while (Date.parse(period.end) <= now.getTime()) {
    periods.push(period);
    period = billingPeriodAt(first.terms, timeline.startedAt, timeline.timeZone, period.end);
  }
  return periods;
}

/** The period `now` falls in (periods follow the first plan's terms, as `endedPeriods`). */
export function currentPeriod(timeline: PlanTimeline, now: Date): BillingPeriod | null {
  const first = timeline.plans[0]?.plan;
  if (!first || Date.parse(timeline.startedAt) > now.getTime()) return null;
  return billingPeriodAt(first.terms, timeline.startedAt, timeline.timeZone, now.toISOString());
}

/** The meters of the plan in force at `now` that include units: the ones quota alerts watch. */
function quotaCharges(timeline: PlanTimeline, now: Date) {
  return planAt(timeline, now.toISOString())?.terms.charges.filter((c) => c.includedUnits > 0) ?? [];
}

/** Units the paid segments used, per meter: what an invoice bills of its own period. */
function paidUsage(segments: readonly InvoiceSegment[]): UsageSnapshot {
  const used: Record<string, number> = {};
  for (const s of segments) if (!s.trial) for (const [meter, units] of Object.entries(s.usage)) used[meter] = (used[meter] ?? 0) + units;
  return used;
}

/**
 * The billing job (docs/billing.md#the-invoice-lifecycle). Its work is derived from the
 * plans read model and the log, never from Redis: each run goes over every tenant's ended
 * periods, oldest first, and for each one not finalized computes the invoice from the
 * usage projection and drafts it, redrafts it in grace, or finalizes it once the grace ran
 * out. The invoice aggregate makes every step happen once however many runs overlap.
 */
export class BillingJob {
  constructor(
    private readonly options: {
      /** Reads `tenant_plans` (search_path: the plans schema). */
      plansPool: pg.Pool;
      store: Pick<EventStore, 'headPosition'>;
      invoicing: Invoicing;
      quotaAlerts: QuotaAlerts;
      usage: UsageSource;
      policy: BillingPolicy;
      clock: () => Date;
      logger: Logger;
      /** Tenants billed at once (default 8). */
      concurrency?: number;
    },
  ) {}

  async run(): Promise<BillingRunReport> {
    const { rows } = await this.options.plansPool.query<{ tenant_id: string; timeline: PlanTimeline }>('SELECT tenant_id, timeline FROM tenant_plans');
    const report: BillingRunReport = { tenants: rows.length, drafted: 0, redrafted: 0, finalized: 0, quotaAlerts: 0, failed: 0 };
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const prefetched = await this.prefetch(chunk);
      let next = 0;
      const lane = async () => {
        for (let row = chunk[next++]; row; row = chunk[next++]) {
          try {
            await this.billTenant(row.tenant_id, row.timeline, report, prefetched);
          } catch (error) {
            report.failed++;
            this.options.logger.error('billing run failed for a tenant', { tenantId: row.tenant_id, error: String(error) });
          }
        }
      };
      await Promise.all(Array.from({ length: this.options.concurrency ?? 8 }, lane));
    }
    return report;
  }

  /**
   * With a source that reads many tenants at once: the usage of every segment of every
   * ended period of the chunk's tenants, one read per distinct stretch (tenants on calendar
   * periods in one zone share them), at one log position.
   */
  private async prefetch(chunk: readonly { tenant_id: string; timeline: PlanTimeline }[]): Promise<Prefetched | null> {
    const many = this.options.usage.usageOfMany?.bind(this.options.usage);
    if (!many) return null;
    const head = String(await this.options.store.headPosition());
    const now = this.options.clock();
    const spans = new Map<string, Set<string>>();
    for (const { tenant_id, timeline } of chunk) {
      const current = quotaCharges(timeline, now).length > 0 ? currentPeriod(timeline, now) : null;
      for (const period of [...endedPeriods(timeline, now), ...(current ? [current] : [])]) {
        for (const s of segmentsOf(timeline, period)) {
          const key = `${quarterHour(s.from)}|${quarterHour(s.to)}`;
          spans.set(key, (spans.get(key) ?? new Set()).add(tenant_id));
        }
      }
    }
    const usage = new Map<string, UsageSnapshot>();
    try {
      for (const [key, tenants] of spans) {
        const [from, to] = key.split('|') as [string, string];
        if (from >= to) continue;
        for (const [tenantId, snapshot] of await many([...tenants], from, to, head)) usage.set(`${tenantId}|${key}`, snapshot);
      }
    } catch (error) {
      // A read ahead is an optimization: each tenant then reads its own usage, and fails (and is retried next run) on its own.
      this.options.logger.warn('billing run: reading usage ahead failed, reading per tenant', { tenants: chunk.length, error: String(error) });
      return null;
    }
    return { head, usage };
  }

  /** The tenant's ended periods, oldest first: each not yet finalized is drafted, redrafted or finalized. */
  async billTenant(tenantId: string, timeline: PlanTimeline, report: BillingRunReport, prefetched: Prefetched | null = null): Promise<void> {
    const { invoicing, policy } = this.options;
    const now = this.options.clock();
    const finalized: Finalized[] = [];
    let earlierOpen = false;
    for (const period of endedPeriods(timeline, now)) {
      const state = await invoicing.load(tenantId, period.start);
      if (state.status === 'finalized') {
        finalized.push(state);
        continue;
      }
      const head = prefetched?.head ?? String(await this.options.store.headPosition());
      // Late usage of finalized periods goes on the oldest open invoice only, so two open
      // invoices never bill the same late units; the next one takes what arrives after.
      const content = await this.compute(tenantId, timeline, period, head, earlierOpen ? [] : finalized, prefetched);
      const pastGrace = now.getTime() >= Date.parse(period.end) + policy.graceMs;
      const step = pastGrace
        ? await invoicing.finalize(content, policy.graceMs)
        : state.status === 'none'
          ? await invoicing.draft(content)
          : await invoicing.redraft(content);
      for (const type of step.events) {
        if (type === 'InvoiceDrafted') report.drafted++;
        else if (type === 'InvoiceRedrafted') report.redrafted++;
        else report.finalized++;
      }
      if (step.state.status === 'finalized') finalized.push(step.state);
      else earlierOpen = true;
    }
    report.quotaAlerts += await this.checkQuotas(tenantId, timeline, now, prefetched);
  }

  /**
   * Quota alerts (docs/billing.md#quota-alerts): the current period's paid usage of each
   * meter whose plan includes units, against the plan in force now. The usage aggregate
   * records each threshold once, so every run may check again.
   */
  async checkQuotas(tenantId: string, timeline: PlanTimeline, now: Date, prefetched: Prefetched | null = null): Promise<number> {
    const charges = quotaCharges(timeline, now);
    const period = currentPeriod(timeline, now);
    if (charges.length === 0 || !period) return 0;
    const head = prefetched?.head ?? String(await this.options.store.headPosition());
    const used = paidUsage(await this.segmentsWithUsage(tenantId, timeline, period, head, prefetched));
    let recorded = 0;
    for (const { meter, includedUnits } of charges) {
      // Below every threshold the aggregate decides nothing: its stream is not read (most tenants, most runs).
      if (quotaThresholdsReached(used[meter] ?? 0, includedUnits).length === 0) continue;
      recorded += (await this.options.quotaAlerts.check({ tenantId, meter, period, includedUnits, usedUnits: used[meter] ?? 0 })).length;
    }
    return recorded;
  }

  /** One period's invoice from the usage projection at `head`, with the late usage of the finalized periods given. */
  async compute(
    tenantId: string,
    timeline: PlanTimeline,
    period: BillingPeriod,
    head: string,
    finalized: readonly Finalized[],
    prefetched: Prefetched | null = null,
  ): Promise<InvoiceContent> {
    const segments = await this.segmentsWithUsage(tenantId, timeline, period, head, prefetched);
    const late: LateUsage[] = [];
    const adjustments: InvoiceAdjustment[] = [];
    for (const earlier of finalized) {
      const pricing = earlier.content.segments.filter((s) => !s.trial).at(-1)?.plan;
      if (!pricing) continue;
      const now = paidUsage(await this.segmentsWithUsage(tenantId, timeline, earlier.content.period, head, prefetched));
      for (const { meter } of pricing.terms.charges) {
        // Billed so far: the period's own invoice and every adjustment finalized for it since.
        const adjusted = finalized
          .flatMap((f) => f.content.adjustments)
          .filter((a) => a.period.start === earlier.content.period.start && a.meter === meter)
          .reduce((n, a) => n + a.lateUnits, 0);
        const billedUnits = (earlier.content.billedUsage[meter] ?? 0) + adjusted;
        const lateUnits = (now[meter] ?? 0) - billedUnits;
        if (lateUnits <= 0) continue;
        late.push({ meter, period: earlier.content.period, plan: pricing, billedUnits, lateUnits });
        adjustments.push({ period: earlier.content.period, meter, billedUnits, lateUnits });
      }
    }
    const { policy } = this.options;
    const computed = computeInvoice({ period, timeZone: timeline.timeZone, segments, taxRatePercent: policy.taxRatePercent, lateUsage: late });
    return {
      invoiceId: Invoicing.invoiceId(tenantId, period.start),
      tenantId,
      period,
      timeZone: timeline.timeZone,
      segments,
      billedUsage: paidUsage(segments),
      adjustments,
      usageReadAt: head,
      taxRatePercent: policy.taxRatePercent,
      currency: computed.currency,
      lines: computed.lines,
      subtotal: computed.subtotal,
      tax: computed.tax,
      total: computed.total,
    };
  }

  private async segmentsWithUsage(
    tenantId: string,
    timeline: PlanTimeline,
    period: BillingPeriod,
    head: string,
    prefetched: Prefetched | null,
  ): Promise<InvoiceSegment[]> {
    return Promise.all(
      segmentsOf(timeline, period).map(async (s) => {
        const from = quarterHour(s.from);
        const to = quarterHour(s.to);
        const ahead = prefetched?.usage.get(`${tenantId}|${from}|${to}`);
        const usage = from >= to ? {} : (ahead ?? (await this.options.usage.usage(tenantId, from, to, head)));
        return { ...s, usage };
      }),
    );
  }
}
