import type { UsageSnapshot } from '@parley/events';
import { z } from 'zod';

/** Where the billing job reads a tenant's usage over a stretch of time, at least up to a log position. */
export interface UsageSource {
  usage(tenantId: string, from: string, to: string, minPosition: string): Promise<UsageSnapshot>;
  /** Many tenants over one stretch in one read, where the source can (the job bills tenants by the thousand). */
  usageOfMany?(tenantIds: readonly string[], from: string, to: string, minPosition: string): Promise<Map<string, UsageSnapshot>>;
}

/** The query API's limit per call of the many-tenant read. */
const TENANTS_PER_CALL = 1_000;

/** The parts of the usage report (the query API's, `usageForPeriod`'s) the job reads. */
const UsageReport = z.object({
  tenantId: z.string(),
  meters: z.array(
    z.object({
      meter: z.string(),
      aggregation: z.enum(['count', 'sum', 'unique_count', 'max', 'latest']),
      items: z.array(z.object({ quantity: z.number() })),
    }),
  ),
});

/** A usage report as units per meter. */
export function snapshotOf(report: z.infer<typeof UsageReport>): UsageSnapshot {
  const usage: Record<string, number> = {};
  for (const m of report.meters) {
    const quantities = m.items.map((i) => i.quantity);
    if (quantities.length === 0) continue;
    // Counts and sums add over groups; the other aggregations are not additive across groups, and take the largest.
    usage[m.meter] = m.aggregation === 'count' || m.aggregation === 'sum' ? quantities.reduce((a, b) => a + b, 0) : Math.max(...quantities);
  }
  return usage;
}

/**
 * Usage from the query API (`GET /v1/usage/current`, and `POST /v1/usage/tenants/current`
 * for many tenants, with the platform admin key): embedded
 * chDB binds its data to the query process, so the workers read it over HTTP. `minPosition`
 * makes the answer include every event up to the position the job recorded; an answer
 * that says it is stale is refused, and the job retries on its next run.
 */
export class QueryApiUsageSource implements UsageSource {
  constructor(
    private readonly baseUrl: string,
    private readonly adminKey: string,
    private readonly waitMs = 10_000,
  ) {}

  async usage(tenantId: string, from: string, to: string, minPosition: string): Promise<UsageSnapshot> {
    const query = new URLSearchParams({ tenantId, from, to, minPosition, waitMs: String(this.waitMs) });
    const res = await fetch(`${this.baseUrl}/v1/usage/current?${query}`, { headers: { authorization: `Bearer ${this.adminKey}` } });
    if (!res.ok) throw new Error(`usage of ${tenantId} ${from} – ${to}: query API answered ${res.status} ${await res.text()}`);
    if (res.headers.get('parley-consistency') !== 'fresh') throw new Error(`usage of ${tenantId}: the usage projection has not reached ${minPosition} yet`);
    return snapshotOf(UsageReport.parse(await res.json()));
  }

  /** `POST /v1/usage/tenants/current`, a thousand tenants per call: one engine query each instead of one per tenant. */
  async usageOfMany(tenantIds: readonly string[], from: string, to: string, minPosition: string): Promise<Map<string, UsageSnapshot>> {
    const usage = new Map<string, UsageSnapshot>();
    for (let i = 0; i < tenantIds.length; i += TENANTS_PER_CALL) {
      const chunk = tenantIds.slice(i, i + TENANTS_PER_CALL);
      const res = await fetch(`${this.baseUrl}/v1/usage/tenants/current`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tenantIds: chunk, from, to, minPosition, waitMs: this.waitMs }),
      });
      if (!res.ok) throw new Error(`usage of ${chunk.length} tenants ${from} – ${to}: query API answered ${res.status} ${await res.text()}`);
      if (res.headers.get('parley-consistency') !== 'fresh')
        throw new Error(`usage of ${chunk.length} tenants: the usage projection has not reached ${minPosition} yet`);
      const { items } = z.object({ items: z.array(UsageReport) }).parse(await res.json());
      for (const report of items) usage.set(report.tenantId, snapshotOf(report));
    }
    return usage;
  }
}
