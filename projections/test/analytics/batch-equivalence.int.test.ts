import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/analytics/clickhouse.ts';
import type { Analytics } from '../../src/analytics/index.ts';
import { appendGenerated, type Generated, generateConversations } from '../../testing/conversation-generator.ts';
import { AnalyticsHarness } from './support/analytics-harness.ts';

/**
 * The projector computes a batch's rows once, at its end (or before a service-level
 * change inside it). One event per batch is the per-event computation; the facts must
 * be identical, versions included, also when SLA policies and calendars change in the
 * middle of the log.
 */
let harness: AnalyticsHarness;
let gen: Generated;

beforeAll(async () => {
  harness = await AnalyticsHarness.start('batch_equivalence');
  gen = generateConversations({ seed: 4242, conversationsPerTenant: 30 });
  // Every team's targets tighten, and one calendar changes, half-way through the log.
  const middle = Math.floor(gen.events.length / 2);
  const at = gen.events[middle]!.metadata;
  const changes: Generated['events'] = [];
  for (const tenant of gen.tenants) {
    for (const [i, team] of tenant.teams.entries()) {
      const meta = { ...at, eventId: crypto.randomUUID(), tenantId: tenant.tenantId, actor: { type: 'system' as const, id: 'test' } };
      for (const priority of ['normal', 'high', 'urgent'] as const) {
        changes.push({
          streamId: `tenant-${tenant.tenantId}`,
          event: { type: 'SlaPolicySet', data: { teamId: team.teamId, priority, firstResponseSeconds: 60, nextResponseSeconds: 120, resolutionSeconds: 1800 } },
          metadata: { ...meta, eventId: crypto.randomUUID(), schemaVersion: 1 },
        });
      }
      if (i === 0) {
        changes.push({
          streamId: `tenant-${tenant.tenantId}`,
          event: {
            type: 'BusinessHoursSet',
            data: { teamId: team.teamId, timeZone: 'Asia/Kolkata', periods: [{ day: 0, open: '10:00', close: '12:00' }], holidays: [] },
          },
          metadata: { ...meta, eventId: crypto.randomUUID(), schemaVersion: 1 },
        });
      }
    }
  }
  gen.events.splice(middle, 0, ...changes);
  await appendGenerated(harness.store, gen.events);
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

async function project(database: string, batchSize: number): Promise<Analytics> {
  const analytics = await harness.analytics(database, { batchSize });
  await analytics.start();
  await analytics.projector.waitFor(undefined, 120_000);
  return analytics;
}

const dump = async (a: Analytics) => ({
  waits: await queryRows(a.client, `SELECT * FROM ${a.database}.response_facts FINAL ORDER BY conversation_id, episode`),
  conversations: await queryRows(a.client, `SELECT * FROM ${a.database}.conversation_facts FINAL ORDER BY conversation_id`),
  agentRollup: await queryRows(
    a.client,
    `SELECT tenant_id, team_id, agent_id, kind, hour, countMerge(responses) AS n FROM ${a.database}.response_times_agent_hourly GROUP BY ALL ORDER BY ALL`,
  ),
});

describe('rows computed once per batch', () => {
  it('equal the rows computed after every event, across mid-log SLA and calendar changes', async () => {
    const perEvent = await project('per_event', 1);
    const batched = await project('batched', 5_000);
    const a = await dump(perEvent);
    const b = await dump(batched);
    // The change must matter, or the comparison proves nothing: some waits carry the new targets.
    expect(a.waits.some((w) => Number(w.target_seconds) === 60)).toBe(true);
    expect(a.waits.some((w) => Number(w.target_seconds) === 1800 || Number(w.target_seconds) === 900)).toBe(true);
    expect(b).toEqual(a);
    await batched.close();
    await perEvent.close();
  }, 300_000);
});
