import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/analytics/clickhouse.ts';
import { usageForPeriod } from '../../src/usage/usage-queries.ts';
import { appendGenerated } from '../../testing/conversation-generator.ts';
import { generateUsage, type UsageGenerated } from '../../testing/usage-generator.ts';
import { AnalyticsHarness } from '../analytics/support/analytics-harness.ts';
import { referenceUsage } from './support/usage-reference.ts';

/**
 * The usage projector SIGKILLed between a batch's inserts and its checkpoint, then
 * restarted: every tenant's usage equals the independent fold, nothing counted twice,
 * the seat gauge included (its state table was written ahead of the checkpoint too).
 */
let harness: AnalyticsHarness;
let gen: UsageGenerated;
const BATCH = 150;

beforeAll(async () => {
  harness = await AnalyticsHarness.start('usage_crash');
  gen = generateUsage({ seed: 29, tenants: 3, eventsPerTenant: 400, from: new Date('2026-10-01T00:00:00Z'), days: 20 });
  await appendGenerated(harness.store, gen.events);
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

describe('usage across a crash between insert and checkpoint', () => {
  it('a killed and restarted usage projector ends equal to the fold', async () => {
    const script = fileURLToPath(new URL('../support/crashing-clickhouse-projector.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, 'usage', harness.db.connectionString, harness.dataDir, '3', String(BATCH)], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });

    const recovered = await harness.analytics('parley', { batchSize: 500 });
    const checkpoint = await queryRows(recovered.client, `SELECT max(seq) AS seq FROM parley.projector_checkpoints WHERE projector = 'clickhouse-usage'`);
    const mark = await queryRows(recovered.client, 'SELECT max(position) AS seq FROM parley.usage_events');
    expect(Number(checkpoint[0]?.seq)).toBe(2 * BATCH);
    expect(Number(mark[0]?.seq)).toBeGreaterThan(2 * BATCH);

    await recovered.start();
    await recovered.usage.waitFor();
    for (const tenantId of gen.tenants) {
      const report = await usageForPeriod(recovered.client, recovered.database, { tenantId, from: gen.from, to: gen.to });
      const figures = Object.fromEntries(
        report.meters.filter((m) => m.items.length > 0).map((m) => [m.meter, Object.fromEntries(m.items.map((i) => [JSON.stringify(i.group), i.quantity]))]),
      );
      expect(figures).toEqual(referenceUsage(gen.events, tenantId, gen.from.getTime(), gen.to.getTime()));
    }
    await recovered.close();
  }, 180_000);
});
