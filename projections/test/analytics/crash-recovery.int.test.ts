import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/analytics/clickhouse.ts';
import type { Analytics } from '../../src/analytics/index.ts';
import {
  agentLeaderboard,
  BREACH_GROUPS,
  breaches,
  handleTimes,
  queueWaitTimes,
  type ReportFilter,
  responseTimePercentiles,
  responseTimesByPeriod,
  slaCompliance,
  volumes,
} from '../../src/analytics/reports.ts';
import { appendGenerated, type Generated, generateConversations } from '../../testing/conversation-generator.ts';
import { AnalyticsHarness } from './support/analytics-harness.ts';

/**
 * A projector process killed (SIGKILL) between a batch's ClickHouse inserts and its
 * checkpoint, then restarted, must end with the same facts, rollups and report figures
 * as a full replay into an empty database: nothing counted twice, nothing lost.
 */
let harness: AnalyticsHarness;
let gen: Generated;
const BATCH = 150;

beforeAll(async () => {
  harness = await AnalyticsHarness.start('crash_recovery');
  gen = generateConversations({ seed: 7, conversationsPerTenant: 40 });
  await appendGenerated(harness.store, gen.events);
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

async function figures(a: Analytics) {
  const out: Record<string, unknown> = {};
  const { client, database: db } = a;
  for (const tenant of gen.tenants) {
    const f: ReportFilter = { tenantId: tenant.tenantId, from: gen.from, to: gen.to, timeZone: 'Europe/Madrid', now: gen.now };
    out[tenant.tenantId] = {
      compliance: await slaCompliance(client, db, f),
      percentiles: await responseTimePercentiles(client, db, f),
      breaches: await Promise.all(BREACH_GROUPS.map((by) => breaches(client, db, f, by))),
      volumes: await volumes(client, db, f, 'hour'),
      leaderboard: await agentLeaderboard(client, db, f),
      hourlyCounts: (await responseTimesByPeriod(client, db, f, 'hour')).map((r) => [r.period, r.responses]),
      // The team/agent rollups (migration 3) and their facts' new columns, through the filters.
      teamVolumes: await volumes(client, db, { ...f, teamId: tenant.teams[1]!.teamId }, 'hour'),
      agentVolumes: await volumes(client, db, { ...f, agentId: tenant.agents[1]! }, 'hour'),
      agentHourlyCounts: (await responseTimesByPeriod(client, db, { ...f, agentId: tenant.agents[1]! }, 'hour')).map((r) => [r.period, r.responses]),
      queueWait: await queueWaitTimes(client, db, f),
      handle: await handleTimes(client, db, f),
    };
  }
  const one = async (sql: string) => (await queryRows(client, sql))[0];
  out.raw = {
    messages: await one(`SELECT count() AS n, uniqExact(event_id) AS ids FROM ${db}.message_facts`),
    activity: await one(`SELECT count() AS n, uniqExact(event_id, agent_id) AS ids FROM ${db}.agent_activity`),
    rollup: await one(`SELECT sum(messages) AS n FROM ${db}.message_volume_15m`),
    rollupResponses: await one(`SELECT countMerge(responses) AS n FROM ${db}.response_times_hourly`),
    teamRollup: await one(`SELECT sum(messages) AS n FROM ${db}.message_volume_team_15m`),
    agentRollupResponses: await one(`SELECT countMerge(responses) AS n FROM ${db}.response_times_agent_hourly`),
    conversations: await one(`SELECT count() AS n FROM ${db}.conversation_facts FINAL`),
  };
  return out;
}

describe('exactly-once effect across a crash between insert and checkpoint', () => {
  it('a killed and restarted projector ends where a full replay ends', async () => {
    const script = fileURLToPath(new URL('../support/crashing-clickhouse-projector.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, 'analytics', harness.db.connectionString, harness.dataDir, '3', String(BATCH)], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });

    const recovered = await harness.analytics('parley', { batchSize: 500 });
    // The kill left rows of batch 3 in ClickHouse without their checkpoint.
    const checkpoint = await queryRows(recovered.client, `SELECT argMax(seq, seq) AS seq FROM parley.projector_checkpoints`);
    const mark = await queryRows(recovered.client, `SELECT max(position) AS seq FROM parley.message_facts`);
    expect(Number(checkpoint[0]?.seq)).toBe(2 * BATCH);
    expect(Number(mark[0]?.seq)).toBeGreaterThan(2 * BATCH);

    await recovered.start();
    await recovered.projector.waitFor();
    const afterCrash = await figures(recovered);

    const replay = await harness.analytics('replayed', { batchSize: 333 });
    await replay.start();
    await replay.projector.waitFor();
    const fullReplay = await figures(replay);

    const messageEvents = gen.events.filter((e) => e.event.type.startsWith('Message')).length;
    expect(afterCrash.raw).toMatchObject({
      messages: { n: messageEvents, ids: messageEvents },
      rollup: { n: messageEvents },
      teamRollup: { n: messageEvents },
    });
    const raw = afterCrash.raw as Record<string, { n: unknown }>;
    expect(Number(raw.agentRollupResponses!.n)).toBe(Number(raw.rollupResponses!.n));
    expect(afterCrash).toEqual(fullReplay);
    await replay.close();
    await recovered.close();
  }, 180_000);
});
