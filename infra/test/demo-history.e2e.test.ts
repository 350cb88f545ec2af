import type { Position } from '@parley/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoTenant, seedDemo } from '../src/demo/seed-demo.ts';
import { ADMIN_KEY, type Answer, RunningPlatform } from './support/running-platform.ts';

/**
 * The demo's 30 days of history, as the supervisor dashboard will read it: through the
 * query API (inbox and analytics) of a platform on a database of its own, seeded as
 * `npm start` seeds it. Without the history (PARLEY_DEMO_HISTORY=off) every check of
 * history here fails: the live demo alone is a handful of conversations of today.
 */

let platform: RunningPlatform;
let demo: DemoTenant[];
let head: Position;

beforeAll(async () => {
  platform = await RunningPlatform.start('demo_history', { analytics: true });
  demo = await seedDemo(platform.commandUrl, ADMIN_KEY, () => undefined, {
    history: { platform: { databaseUrl: platform.db.connectionString, eventStoreUrl: null, platformAdminKey: ADMIN_KEY, secretKey: platform.secretKey } },
  });
  head = await platform.command.store.headPosition();
  await platform.analytics!.projector.waitFor(head, 120_000);
}, 300_000);

afterAll(async () => {
  await platform?.stop();
});

interface Summary {
  id: string;
  status: string;
  teamId: string | null;
  assigneeId: string | null;
  openedAt: string;
  closedAt: string | null;
  reopenedCount: number;
  csatScore: number | null;
  messageCount: number;
}

const tienda = () => demo.find((t) => t.name === 'Tienda Demo')!;
const clinic = () => demo.find((t) => t.name === 'Clinic Demo')!;
const supervisorOf = (t: DemoTenant) => t.keys['supervisor:Sofia']!;

/** Every conversation of the tenant, page by page, once the inbox has projected the whole seed. */
async function inbox(t: DemoTenant): Promise<Summary[]> {
  const all: Summary[] = [];
  let cursor: string | null = null;
  do {
    const page: Answer<{ items: Summary[]; nextCursor: string | null }> = await platform.get(
      `/v1/conversations?limit=100&minPosition=${head}&waitMs=10000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      supervisorOf(t),
    );
    expect(page.status, page.text).toBe(200);
    all.push(...page.body.items);
    cursor = page.body.nextCursor ?? null;
  } while (cursor);
  return all;
}

const local = (at: string, timeZone: string) => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
};

const range = () => {
  const to = new Date(Date.now() + 3_600_000);
  const from = new Date(to.getTime() - 40 * 86_400_000);
  return `from=${from.toISOString()}&to=${to.toISOString()}`;
};

describe('the demo history, through the query API', () => {
  it('keeps the keys the demo always had, and adds a billing user and more agents', () => {
    for (const t of demo) {
      for (const who of ['admin', 'supervisor:Sofia', 'agent:Ana', 'agent:Luis', 'analyst:Rosa', 'billing:Beto', 'agent:Marta', 'agent:Jorge', 'agent:Pablo']) {
        expect(t.keys[who], `${t.name} ${who}`).toMatch(/^prl_/);
      }
      expect(Object.keys(t.teams ?? {})).toHaveLength(2);
    }
  });

  it('has 30 days of conversations, opened and closed in (nearly) every hour of the day in the tenant’s zone', async () => {
    const t = tienda();
    const conversations = await inbox(t);
    const zone = t.timeZone!;
    const days = new Set(conversations.map((c) => local(c.openedAt, zone).date));
    expect(days.size).toBeGreaterThanOrEqual(30);
    const openedHours = new Set(conversations.map((c) => local(c.openedAt, zone).hour));
    const closedHours = new Set(conversations.flatMap((c) => (c.closedAt ? [local(c.closedAt, zone).hour] : [])));
    expect(openedHours.size).toBeGreaterThanOrEqual(20);
    expect(closedHours.size).toBeGreaterThanOrEqual(20);
    // About 18 a day: enough for charts.
    expect(conversations.length).toBeGreaterThan(400);

    // Teams, reopens and CSAT as the inbox shows them.
    const teams = new Set(conversations.map((c) => c.teamId).filter((id) => id !== null));
    expect(teams).toEqual(new Set(Object.values(t.teams!)));
    const reopened = conversations.filter((c) => c.reopenedCount > 0).length;
    expect(reopened / conversations.length).toBeGreaterThan(0.02);
    expect(reopened / conversations.length).toBeLessThan(0.1);
    const scores = conversations.flatMap((c) => (c.csatScore === null ? [] : [c.csatScore]));
    const closed = conversations.filter((c) => c.status === 'closed').length;
    expect(scores.length / closed).toBeGreaterThan(0.4);
    expect(scores.filter((s) => s >= 4).length).toBeGreaterThan(scores.filter((s) => s <= 2).length);
    expect(scores.some((s) => s <= 2)).toBe(true);

    // Right now: some wait unassigned in a queue (the live demo), and history did not leave everything closed.
    expect(conversations.some((c) => c.status === 'queued' && c.assigneeId === null)).toBe(true);

    // The smaller tenant has history too.
    const clinicDays = new Set((await inbox(clinic())).map((c) => local(c.openedAt, clinic().timeZone!).date));
    expect(clinicDays.size).toBeGreaterThanOrEqual(25);
  });

  it('shows met and breached SLAs, both teams busy, and messages of several types each way', async () => {
    const t = tienda();
    const key = supervisorOf(t);
    const zone = encodeURIComponent(t.timeZone!);

    const compliance = await platform.get(`/v1/analytics/sla/compliance?${range()}&timeZone=${zone}`, key);
    expect(compliance.status, compliance.text).toBe(200);
    const first = compliance.body.items.find((r: { target: string }) => r.target === 'first_response');
    expect(first.met).toBeGreaterThan(0);
    expect(first.breached).toBeGreaterThan(0);
    expect(first.compliancePct).toBeLessThan(100);
    const all = compliance.body.items.find((r: { target: string }) => r.target === 'first_response_all');
    expect(all.met + all.breached).toBeGreaterThan(first.met + first.breached); // reopen waits

    const byTeam = await platform.get(`/v1/analytics/sla/breaches?${range()}&timeZone=${zone}&by=team`, key);
    expect(new Set(byTeam.body.items.map((r: { key: string }) => r.key))).toEqual(new Set(Object.values(t.teams!)));

    const perDay = await platform.get(`/v1/analytics/volumes?${range()}&timeZone=${zone}&granularity=day`, key);
    const rows = perDay.body.items as { period: string; direction: string; messageType: string; messages: number }[];
    expect(new Set(rows.filter((r) => r.direction === 'inbound').map((r) => r.period)).size).toBeGreaterThanOrEqual(30);
    const types = (direction: string) => new Set(rows.filter((r) => r.direction === direction).map((r) => r.messageType));
    for (const type of ['text', 'image', 'interactive']) expect(types('inbound').has(type), type).toBe(true);
    for (const type of ['text', 'template']) expect(types('outbound').has(type), type).toBe(true);

    const perHour = await platform.get(`/v1/analytics/volumes?${range()}&timeZone=${zone}&granularity=hour`, key);
    const hours = new Set(
      (perHour.body.items as { period: string; direction: string }[]).filter((r) => r.direction === 'inbound').map((r) => local(r.period, t.timeZone!).hour),
    );
    expect(hours.size).toBeGreaterThanOrEqual(20);

    for (const teamId of Object.values(t.teams!)) {
      const team = await platform.get(`/v1/analytics/volumes?${range()}&timeZone=${zone}&teamId=${teamId}`, key);
      expect(team.body.items.reduce((n: number, r: { messages: number }) => n + r.messages, 0)).toBeGreaterThan(100);
    }

    const leaderboard = await platform.get(`/v1/analytics/agents/leaderboard?${range()}&timeZone=${zone}`, key);
    const agents = leaderboard.body.items as { conversationsHandled: number; csatResponses: number }[];
    expect(agents.filter((a) => a.conversationsHandled > 10).length).toBeGreaterThanOrEqual(5);
    expect(agents.every((a) => a.conversationsHandled === 0 || a.csatResponses > 0)).toBe(true);
  });

  it('has replies WhatsApp delivered and read (with pricing), and CSAT comments in the log', async () => {
    const t = tienda();
    const conversations = await inbox(t);
    const answered = conversations.filter((c) => c.status === 'closed' && c.messageCount >= 3).slice(0, 10);
    const statuses = new Set<string>();
    for (const c of answered) {
      const messages = await platform.get(`/v1/conversations/${c.id}/messages?limit=200`, supervisorOf(t));
      for (const m of messages.body.items as { direction: string; status: string | null }[]) if (m.direction === 'outbound' && m.status) statuses.add(m.status);
    }
    expect(statuses.has('read')).toBe(true);
    expect(statuses.has('queued')).toBe(false); // every reply of the past went out

    // No read model keeps CSAT comments yet (the dashboard will need one): they are in the log.
    const comments: { score: number; comment: string | null }[] = [];
    let after: Position | undefined;
    for (;;) {
      const page = await platform.command.store.readAll({ after, maxCount: 1000, filter: { eventTypes: ['CsatRecorded'] } });
      for (const e of page.events) comments.push(e.data as { score: number; comment: string | null });
      if (page.events.length < 1000) break;
      after = page.next;
    }
    expect(comments.filter((c) => c.score <= 2).every((c) => c.comment)).toBe(true);
    expect(comments.filter((c) => c.comment).length).toBeGreaterThan(20);
  });
});
