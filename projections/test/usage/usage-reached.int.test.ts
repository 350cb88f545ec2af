import type { Position } from '@parley/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analytics } from '../../src/analytics/index.ts';
import { UsageProjector } from '../../src/usage/usage-projector.ts';
import { appendGenerated } from '../../testing/conversation-generator.ts';
import { generateUsage } from '../../testing/usage-generator.ts';
import { AnalyticsHarness } from '../analytics/support/analytics-harness.ts';

/**
 * Read-your-writes on usage where the usage projector runs in another process (a
 * ClickHouse server, the projectors in `projections`): a projector object that is not
 * running answers from the checkpoint the running one stores.
 */
let harness: AnalyticsHarness;
let analytics: Analytics;

beforeAll(async () => {
  harness = await AnalyticsHarness.start('usage_reached');
  analytics = await harness.analytics();
}, 120_000);

afterAll(async () => {
  await analytics?.close();
  await harness?.stop();
});

describe('usage reached', () => {
  it('follows the stored checkpoint when the projector runs elsewhere', async () => {
    const reader = new UsageProjector({ store: harness.store, client: analytics.client, database: 'parley' });
    const batch = (seed: number) => generateUsage({ seed, tenants: 2, eventsPerTenant: 50, from: new Date('2026-10-01T00:00:00Z'), days: 3 }).events;
    await appendGenerated(harness.store, batch(1));
    await analytics.start();
    const head = (await harness.store.headPosition()) as Position;
    expect(await reader.reached(head, 30_000)).toBe(true);
    expect(await analytics.usage.reached(head, 1_000)).toBe(true);

    await analytics.usage.stop();
    await appendGenerated(harness.store, batch(2));
    const later = (await harness.store.headPosition()) as Position;
    expect(await reader.reached(later, 300)).toBe(false);
    await analytics.usage.start();
    expect(await reader.reached(later, 30_000)).toBe(true);
    await expect(reader.reached('not-a-position' as Position, 10)).rejects.toThrow();
  });
});
