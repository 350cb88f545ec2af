import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analytics } from '../../src/analytics/index.ts';
import {
  agentLeaderboard,
  breaches,
  handleTimes,
  queueWaitTimes,
  type ReportFilter,
  responseTimePercentiles,
  responseTimesByPeriod,
  SLA_TARGETS,
  type SlaDrillItem,
  type SlaDrillQuery,
  slaCompliance,
  slaConversations,
  volumes,
} from '../../src/analytics/reports.ts';
import { appendGenerated, type Generated, generateConversations } from '../../testing/conversation-generator.ts';
import { AnalyticsHarness } from './support/analytics-harness.ts';
import { exactQuantile, localDate, localHour, type RefConversation, type RefEpisode, referenceFold } from './support/reference-metrics.ts';

/**
 * Every report figure from ClickHouse against the same events folded in plain
 * TypeScript (support/reference-metrics.ts): exact figures exactly, the t-digest rollup
 * within its documented rank error.
 */
let harness: AnalyticsHarness;
let analytics: Analytics;
let gen: Generated;
let ref: ReturnType<typeof referenceFold>;

beforeAll(async () => {
  harness = await AnalyticsHarness.start('sla_reports');
  gen = generateConversations({ seed: 20261122, conversationsPerTenant: 70 });
  ref = referenceFold(gen);
  await appendGenerated(harness.store, gen.events);
  analytics = await harness.analytics('parley', { batchSize: 400 });
  await analytics.start();
  await analytics.projector.waitFor();
}, 120_000);

afterAll(async () => {
  await analytics?.close();
  await harness?.stop();
});

const zones = ['America/Mexico_City', 'Europe/Madrid', 'Asia/Kolkata'];

/** metrics.md in calendar hours: the wall-clock duration against the target; due at start + target. */
const calendarVerdict = (ended: boolean, wall: number | null, target: number, start: number, end: number) => ({
  met: ended && wall !== null && wall <= target,
  breached: ended ? wall !== null && wall > target : end > start + target * 1000,
});

type RefVolume = ReturnType<typeof referenceFold>['volumes'][number];
function filters(): {
  name: string;
  f: ReportFilter;
  ep: (e: RefEpisode) => boolean;
  cv: (c: RefConversation) => boolean;
  vol: (v: RefVolume) => boolean;
}[] {
  const out: ReturnType<typeof filters> = [];
  for (const [i, tenant] of gen.tenants.entries()) {
    const base = { tenantId: tenant.tenantId, from: gen.from, to: gen.to, timeZone: zones[i]!, now: gen.now };
    const inTenant = (x: { tenantId: string }) => x.tenantId === tenant.tenantId;
    out.push({ name: `tenant ${i}`, f: base, ep: inTenant, cv: inTenant, vol: inTenant });
    const team = tenant.teams[1]!.teamId;
    out.push({
      name: `tenant ${i} night team`,
      f: { ...base, teamId: team },
      ep: (e) => inTenant(e) && e.teamId === team,
      cv: (c) => inTenant(c) && c.teamId === team,
      vol: (v) => inTenant(v) && v.team === team,
    });
    const agent = tenant.agents[1]!;
    out.push({
      name: `tenant ${i} agent`,
      f: { ...base, agentId: agent },
      ep: (e) => inTenant(e) && e.agentId === agent,
      cv: (c) => inTenant(c) && c.handledBy === agent,
      vol: (v) => inTenant(v) && v.agent === agent,
    });
    const both = tenant.teams[0]!.teamId;
    out.push({
      name: `tenant ${i} office team and agent`,
      f: { ...base, teamId: both, agentId: agent },
      ep: (e) => inTenant(e) && e.teamId === both && e.agentId === agent,
      cv: (c) => inTenant(c) && c.teamId === both && c.handledBy === agent,
      vol: (v) => inTenant(v) && v.team === both && v.agent === agent,
    });
    // A window in the middle: only what started in it counts.
    const from = new Date(gen.from.getTime() + 4 * 86_400_000);
    const to = new Date(gen.from.getTime() + 8 * 86_400_000);
    out.push({
      name: `tenant ${i} window`,
      f: { ...base, from, to, timeZone: 'Asia/Kolkata' },
      ep: (e) => inTenant(e) && e.startedAt >= from.getTime() && e.startedAt < to.getTime(),
      cv: (c) => inTenant(c) && c.openedAt >= from.getTime() && c.openedAt < to.getTime(),
      vol: inTenant,
    });
  }
  return out;
}

describe('SLA reports match an independent TypeScript fold', () => {
  it('generates what the checks need: reopenings, transfers, breaches, weekends', () => {
    expect(ref.episodes.filter((e) => e.kind === 'reopen').length).toBeGreaterThan(3);
    expect(ref.episodes.filter((e) => e.breached).length).toBeGreaterThan(10);
    expect(ref.episodes.filter((e) => e.met).length).toBeGreaterThan(10);
    expect(ref.episodes.filter((e) => e.kind === 'next').length).toBeGreaterThan(20);
    expect(ref.conversations.filter((c) => !c.closed && c.breached).length).toBeGreaterThan(0);
  });

  it('compliance per target', async () => {
    for (const { name, f, ep, cv } of filters()) {
      const got = await slaCompliance(analytics.client, analytics.database, f);
      const eps = ref.episodes.filter((e) => ep(e) && e.startedAt >= f.from.getTime() && e.startedAt < f.to.getTime() && e.target !== null);
      const count = (xs: RefEpisode[]) => ({ met: xs.filter((e) => e.met).length, breached: xs.filter((e) => e.breached).length });
      const convs = ref.conversations.filter((c) => cv(c) && c.target !== null);
      const expected = {
        first_response: count(eps.filter((e) => e.kind === 'first')),
        first_response_all: count(eps.filter((e) => e.kind !== 'next')),
        next_response: count(eps.filter((e) => e.kind === 'next')),
        resolution: { met: convs.filter((c) => c.met).length, breached: convs.filter((c) => c.breached).length },
      };
      for (const row of got) {
        const e = expected[row.target];
        expect({ name, target: row.target, met: row.met, breached: row.breached }).toEqual({ name, target: row.target, ...e });
        expect(row.compliancePct).toBe(e.met + e.breached === 0 ? null : (100 * e.met) / (e.met + e.breached));
      }
    }
  });

  it('p50/p90/p95 of first response and resolution, wall-clock and business hours (exact)', async () => {
    for (const { name, f, ep, cv } of filters()) {
      const got = await responseTimePercentiles(analytics.client, analytics.database, f);
      const answered = ref.episodes.filter((e) => ep(e) && e.responded && e.startedAt >= f.from.getTime() && e.startedAt < f.to.getTime());
      const closed = ref.conversations.filter((c) => cv(c) && c.closed);
      const pct = (values: number[]) => ({
        count: values.length,
        p50: exactQuantile(values, 0.5),
        p90: exactQuantile(values, 0.9),
        p95: exactQuantile(values, 0.95),
      });
      const of = (xs: RefEpisode[]) => ({ wall: pct(xs.map((e) => e.wall!)), business: pct(xs.map((e) => e.business!)) });
      expect({ name, ...got }).toEqual({
        name,
        firstResponse: of(answered.filter((e) => e.kind === 'first')),
        firstResponseAll: of(answered.filter((e) => e.kind !== 'next')),
        nextResponse: of(answered.filter((e) => e.kind === 'next')),
        resolution: { wall: pct(closed.map((c) => c.fullWall!)), business: pct(closed.map((c) => c.fullBusiness!)) },
        firstResolution: { wall: pct(closed.map((c) => c.firstWall!)), business: pct(closed.map((c) => c.firstBusiness!)) },
      });
    }
  });

  it('breaches by team, agent, priority and day', async () => {
    for (const { name, f, ep, cv } of filters()) {
      const eps = ref.episodes.filter((e) => ep(e) && e.breached && e.startedAt >= f.from.getTime() && e.startedAt < f.to.getTime());
      const convs = ref.conversations.filter((c) => cv(c) && c.breached);
      for (const by of ['team', 'agent', 'priority', 'day'] as const) {
        const keyOfEpisode = (e: RefEpisode) =>
          ({ team: e.teamId ?? '', agent: e.agentId ?? '', priority: e.priority, day: localDate(e.due!, f.timeZone) })[by];
        const keyOfConv = (c: RefConversation) =>
          ({ team: c.teamId ?? '', agent: c.handledBy ?? '', priority: c.priority, day: localDate(c.due!, f.timeZone) })[by];
        const expected = new Map<string, number>();
        const add = (k: string) => expected.set(k, (expected.get(k) ?? 0) + 1);
        for (const e of eps) {
          if (e.kind === 'first') add(`${keyOfEpisode(e)}|first_response`);
          if (e.kind !== 'next') add(`${keyOfEpisode(e)}|first_response_all`);
          else add(`${keyOfEpisode(e)}|next_response`);
        }
        for (const c of convs) add(`${keyOfConv(c)}|resolution`);
        const got = await breaches(analytics.client, analytics.database, f, by);
        expect({ name, by, rows: Object.fromEntries(got.map((r) => [`${r.key}|${r.target}`, r.breaches])) }).toEqual({
          name,
          by,
          rows: Object.fromEntries(expected),
        });
      }
    }
  });

  it('volumes by hour and day, inbound/outbound by message type', async () => {
    for (const { name, f, vol } of filters()) {
      for (const granularity of ['hour', 'day'] as const) {
        const expected = new Map<string, number>();
        const from = Math.floor(f.from.getTime() / 900_000) * 900_000;
        const to = Math.floor(f.to.getTime() / 900_000) * 900_000;
        for (const v of ref.volumes) {
          if (!vol(v) || v.at < from || v.at >= to) continue;
          const bucket = Math.floor(v.at / 900_000) * 900_000;
          const period = granularity === 'day' ? localDate(bucket, f.timeZone) : localHour(bucket, f.timeZone);
          const k = `${period}|${v.direction}|${v.type}`;
          expected.set(k, (expected.get(k) ?? 0) + 1);
        }
        // A filter that matched nothing would pass vacuously.
        if (f.teamId || f.agentId) expect(expected.size, name).toBeGreaterThan(0);
        const got = await volumes(analytics.client, analytics.database, f, granularity);
        expect({ name, granularity, rows: Object.fromEntries(got.map((r) => [`${r.period}|${r.direction}|${r.messageType}`, r.messages])) }).toEqual({
          name,
          granularity,
          rows: Object.fromEntries(expected),
        });
      }
    }
  });

  it('compliance in calendar hours: the same waits in wall-clock time against the same targets', async () => {
    const now = gen.now.getTime();
    let differs = 0;
    for (const { name, f, ep, cv } of filters()) {
      const got = await slaCompliance(analytics.client, analytics.database, { ...f, hours: 'calendar' });
      const business = await slaCompliance(analytics.client, analytics.database, f);
      const eps = ref.episodes
        .filter((e) => ep(e) && e.startedAt >= f.from.getTime() && e.startedAt < f.to.getTime() && e.target !== null)
        .map((e) => ({ kind: e.kind, ...calendarVerdict(e.responded, e.wall, e.target!, e.startedAt, e.endedAt ?? now) }));
      const convs = ref.conversations
        .filter((c) => cv(c) && c.target !== null)
        .map((c) => calendarVerdict(c.closed, c.fullWall, c.target!, c.openedAt, c.closedAt ?? now));
      const count = (xs: { met: boolean; breached: boolean }[]) => ({ met: xs.filter((e) => e.met).length, breached: xs.filter((e) => e.breached).length });
      const kinds = (...k: string[]) => eps.filter((e) => k.includes(e.kind));
      const expected = {
        first_response: count(kinds('first')),
        first_response_all: count(kinds('first', 'reopen')),
        next_response: count(kinds('next')),
        resolution: count(convs),
      };
      for (const row of got)
        expect({ name, target: row.target, met: row.met, breached: row.breached }).toEqual({ name, target: row.target, ...expected[row.target] });
      if (JSON.stringify(got) !== JSON.stringify(business)) differs += 1;
    }
    // Business hours and calendar time must actually disagree somewhere, or the test proves nothing.
    expect(differs).toBeGreaterThan(0);
  });

  it('agent leaderboard, on both clocks, sortable', async () => {
    for (const { name, f: base, ep, cv } of filters()) {
      for (const hours of ['business', 'calendar'] as const) {
        const f = { ...base, hours };
        const got = await agentLeaderboard(analytics.client, analytics.database, f);
        const agents = new Set<string>();
        const handled = ref.conversations.filter((c) => cv(c) && c.closed && c.handledBy !== null);
        const firsts = ref.episodes.filter(
          (e) => ep(e) && e.responded && e.kind === 'first' && e.startedAt >= f.from.getTime() && e.startedAt < f.to.getTime(),
        );
        for (const c of handled) agents.add(c.handledBy!);
        for (const e of firsts) agents.add(e.agentId!);
        const expected = [...agents].map((agentId) => {
          const mine = handled.filter((c) => c.handledBy === agentId);
          const scores = mine.flatMap((c) => (c.csat === null ? [] : [c.csat]));
          const answered = firsts.filter((e) => e.agentId === agentId);
          return {
            agentId,
            conversationsHandled: mine.length,
            firstResponses: answered.length,
            medianFirstResponseSeconds: exactQuantile(
              answered.map((e) => (hours === 'calendar' ? e.wall! : e.business!)),
              0.5,
            ),
            medianResolutionSeconds: exactQuantile(
              mine.map((c) => (hours === 'calendar' ? c.fullWall! : c.fullBusiness!)),
              0.5,
            ),
            medianHandleSeconds: exactQuantile(
              mine.map((c) => Math.floor(c.handleMs / 1000)),
              0.5,
            ),
            csatAverage: scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length,
            csatResponses: scores.length,
          };
        });
        expected.sort((a, b) => b.conversationsHandled - a.conversationsHandled || a.agentId.localeCompare(b.agentId));
        expect(got.length, name).toBe(expected.length);
        for (const [i, row] of got.entries()) {
          const e = expected[i]!;
          expect({ ...row, csatAverage: null }).toEqual({ ...e, csatAverage: null });
          if (e.csatAverage === null) expect(row.csatAverage).toBeNull();
          else expect(row.csatAverage).toBeCloseTo(e.csatAverage, 9);
        }
        const byResolution = await agentLeaderboard(analytics.client, analytics.database, f, { by: 'medianResolutionSeconds', order: 'asc' });
        const values = byResolution.map((r) => r.medianResolutionSeconds);
        const known = values.filter((v) => v !== null);
        expect(values, name).toEqual([...known.sort((a, b) => a - b), ...values.filter((v) => v === null)]);
      }
    }
  });

  it('the t-digest rollup stays within its documented rank error (±5 percentile points)', async () => {
    for (const { name, f, ep } of filters()) {
      const [total] = await responseTimesByPeriod(analytics.client, analytics.database, f, 'total');
      const hourFrom = Math.floor(f.from.getTime() / 3600_000) * 3600_000;
      const hourTo = Math.floor(f.to.getTime() / 3600_000) * 3600_000;
      const values = ref.episodes
        .filter((e) => ep(e) && e.responded && e.kind === 'first' && e.startedAt >= hourFrom && e.startedAt < hourTo)
        .map((e) => e.wall!);
      expect(total?.responses ?? 0, name).toBe(values.length);
      if (!total) continue;
      for (const [p, got] of [
        [0.5, total.p50],
        [0.9, total.p90],
        [0.95, total.p95],
      ] as const) {
        const low = exactQuantile(values, Math.max(0, p - 0.05))!;
        const high = exactQuantile(values, Math.min(1, p + 0.05))!;
        expect(got, `${name} p${p * 100}`).toBeGreaterThanOrEqual(low - 1);
        expect(got, `${name} p${p * 100}`).toBeLessThanOrEqual(high + 1);
      }
    }
  });

  it('drill-down lists exactly the waits and conversations behind each figure, page by page', async () => {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    const verdict = (x: { met: boolean; breached: boolean }) => (x.met ? 'met' : x.breached ? 'breached' : 'none');
    const byKey = (a: SlaDrillItem, b: SlaDrillItem) =>
      a.startedAt !== b.startedAt
        ? a.startedAt < b.startedAt
          ? -1
          : 1
        : a.conversationId !== b.conversationId
          ? a.conversationId < b.conversationId
            ? -1
            : 1
          : (a.episode ?? 0) - (b.episode ?? 0);
    const all = async (f: ReportFilter, q: SlaDrillQuery) => {
      const items: SlaDrillItem[] = [];
      const totals = new Set<number>();
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await slaConversations(analytics.client, analytics.database, f, q, { limit: 7, cursor });
        items.push(...page.items);
        totals.add(page.total);
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      // Every page says how many rows there are in all.
      expect([...totals]).toEqual([items.length]);
      return { items, pages };
    };
    let multiPage = 0;
    for (const { name, f, ep, cv } of filters()) {
      for (const target of SLA_TARGETS) {
        for (const outcome of ['met', 'breached', 'any'] as const) {
          let expected: SlaDrillItem[];
          if (target === 'resolution') {
            expected = ref.conversations
              .filter((c) => cv(c) && (outcome === 'any' || (c.target !== null && c[outcome])))
              .map((c) => ({
                conversationId: c.conversationId,
                episode: null,
                kind: 'resolution',
                startedAt: iso(c.openedAt)!,
                endedAt: iso(c.closedAt),
                teamId: c.teamId,
                agentId: c.handledBy,
                priority: c.priority,
                wallSeconds: c.fullWall,
                businessSeconds: c.fullBusiness,
                targetSeconds: c.target,
                dueAt: iso(c.due),
                outcome: verdict(c),
              }));
          } else {
            const kinds = { first_response: ['first'], first_response_all: ['first', 'reopen'], next_response: ['next'] }[target];
            expected = ref.episodes
              .filter((e) => ep(e) && e.startedAt >= f.from.getTime() && e.startedAt < f.to.getTime() && kinds.includes(e.kind))
              .filter((e) => outcome === 'any' || (e.target !== null && e[outcome]))
              .map((e) => ({
                conversationId: e.conversationId,
                episode: e.no,
                kind: e.kind,
                startedAt: iso(e.startedAt)!,
                endedAt: iso(e.endedAt),
                teamId: e.teamId,
                agentId: e.agentId,
                priority: e.priority,
                wallSeconds: e.wall,
                businessSeconds: e.business,
                targetSeconds: e.target,
                dueAt: iso(e.due),
                outcome: verdict(e),
              }));
          }
          expected.sort(byKey);
          const got = await all(f, { target, outcome });
          if (got.pages > 1) multiPage += 1;
          expect({ name, target, outcome, items: got.items }).toEqual({ name, target, outcome, items: expected });
        }
      }
    }
    expect(multiPage).toBeGreaterThan(10);
  });

  it('drill-down by day and priority gives the rows of the breaches report', async () => {
    for (const { name, f } of filters()) {
      for (const by of ['day', 'priority'] as const) {
        for (const row of await breaches(analytics.client, analytics.database, f, by)) {
          const q: SlaDrillQuery = { target: row.target, outcome: 'breached', ...(by === 'day' ? { day: row.key } : { priority: row.key }) };
          const { items, nextCursor } = await slaConversations(analytics.client, analytics.database, f, q, { limit: 1000 });
          expect({ name, by, row, n: items.length, nextCursor }).toEqual({ name, by, row, n: row.breaches, nextCursor: null });
        }
      }
    }
  });

  it('a cursor judges every page at the first page’s now, and belongs to one target', async () => {
    const f = filters()[0]!.f;
    const first = await slaConversations(analytics.client, analytics.database, f, { target: 'first_response', outcome: 'any' }, { limit: 3 });
    expect(first.nextCursor).not.toBeNull();
    await expect(
      slaConversations(analytics.client, analytics.database, f, { target: 'resolution', outcome: 'any' }, { limit: 3, cursor: first.nextCursor! }),
    ).rejects.toThrow(/issued for target "first_response"/);
    await expect(
      slaConversations(analytics.client, analytics.database, f, { target: 'first_response', outcome: 'any' }, { limit: 3, cursor: 'bm90LWEtY3Vyc29y' }),
    ).rejects.toThrow(/not one this API issued/);
  });

  it('wait time (first queued → first assigned) and handle time (open and assigned)', async () => {
    let waited = 0;
    for (const { name, f, cv } of filters()) {
      const convs = ref.conversations.filter((c) => cv(c) && c.openedAt >= f.from.getTime() && c.openedAt < f.to.getTime());
      const pct = (values: number[]) => ({
        count: values.length,
        p50: exactQuantile(values, 0.5),
        p90: exactQuantile(values, 0.9),
        p95: exactQuantile(values, 0.95),
      });
      if (!f.agentId) {
        // Wait time has no agent (the route refuses the filter): team only.
        const waits = convs.filter((c) => c.firstQueuedAt !== null && c.firstAssignedAt !== null && c.firstAssignedAt >= c.firstQueuedAt);
        waited += waits.length;
        const unassigned = convs.filter((c) => c.firstQueuedAt !== null && c.firstAssignedAt === null);
        expect({ name, ...(await queueWaitTimes(analytics.client, analytics.database, f)) }).toEqual({
          name,
          wait: pct(waits.map((c) => Math.floor((c.firstAssignedAt! - c.firstQueuedAt!) / 1000))),
          stillQueued: unassigned.filter((c) => !c.closed).length,
          closedUnassigned: unassigned.filter((c) => c.closed).length,
        });
      }
      const closed = convs.filter((c) => c.closed);
      expect({ name, ...(await handleTimes(analytics.client, analytics.database, f)) }).toEqual({
        name,
        handle: pct(closed.map((c) => Math.floor(c.handleMs / 1000))),
        handlingNow: convs.filter((c) => !c.closed && c.holdingSince !== null).length,
        unknown: 0,
      });
    }
    expect(waited).toBeGreaterThan(50);
    expect(ref.conversations.some((c) => c.firstQueuedAt !== null && c.firstAssignedAt === null && c.closed)).toBe(true);
  });
});
