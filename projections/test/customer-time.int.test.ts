import { randomUUID } from 'node:crypto';
import { createPgPool, type EventMetadata, eventCatalog, type ParleyEvent } from '@parley/events';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analytics } from '../src/analytics/index.ts';
import { type ReportFilter, responseTimePercentiles, type SlaDrillItem, slaCompliance, slaConversations } from '../src/analytics/reports.ts';
import { type ConversationSummary, InboxQueries, inboxProjection, inboxReadPool } from '../src/inbox/index.ts';
import { PgProjector } from '../src/index.ts';
import { appendGenerated, type Generated } from '../testing/conversation-generator.ts';
import { AnalyticsHarness } from './analytics/support/analytics-harness.ts';
import { referenceFold } from './analytics/support/reference-metrics.ts';

/**
 * The inbox and the SLA reports count a customer's wait on one clock (docs/metrics.md,
 * "Time"): messages delivered late, or stamped ahead of our clock, give the inbox's
 * waits and the reports' the same start, and the reference fold agrees.
 */

const RECEIVED = Date.parse('2026-03-02T10:00:00.000Z');
const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();

let harness: AnalyticsHarness;
let pool: pg.Pool;
let readPool: pg.Pool;
let inbox: PgProjector;
let analytics: Analytics;

/** Two tenants of one team each, with the policy of the reported incident: 300 s to a first response. */
const gen: Generated = { tenants: [], events: [], now: new Date(RECEIVED + 3_600_000), from: new Date(RECEIVED - 31 * DAY), to: new Date(RECEIVED + DAY) };
const system = { type: 'system' as const, id: 'test' };
const push = (streamId: string, tenantId: string, at: number, event: ParleyEvent, actor: EventMetadata['actor'] = system) => {
  gen.events.push({
    streamId,
    event,
    metadata: {
      eventId: randomUUID(),
      tenantId,
      schemaVersion: eventCatalog[event.type][0],
      occurredAt: iso(at),
      correlationId: 'test',
      causationId: null,
      actor,
    },
  });
};
function tenant() {
  const tenantId = randomUUID();
  const teamId = randomUUID();
  const agentId = randomUUID();
  gen.tenants.push({
    tenantId,
    agents: [agentId],
    teams: [{ teamId, calendar: null, policies: { normal: { firstResponseSeconds: 300, nextResponseSeconds: 600, resolutionSeconds: DAY / 1000 } } }],
  });
  const stream = `tenant-${tenantId}`;
  push(stream, tenantId, RECEIVED - DAY, { type: 'TenantRegistered', data: { tenantId, name: 'Acme' } });
  push(stream, tenantId, RECEIVED - DAY, { type: 'TeamCreated', data: { teamId, name: 'Support' } });
  push(stream, tenantId, RECEIVED - DAY, {
    type: 'SlaPolicySet',
    data: { teamId, priority: 'normal', firstResponseSeconds: 300, nextResponseSeconds: 600, resolutionSeconds: DAY / 1000 },
  });
  return { tenantId, teamId, agentId };
}
function conversation(t: { tenantId: string; teamId: string; agentId: string }) {
  const conversationId = randomUUID();
  const contactId = randomUUID();
  const stream = `thread-${conversationId}`;
  const customer = { type: 'customer' as const, id: contactId };
  return {
    conversationId,
    /** A customer message WhatsApp stamped `sentAt`, recorded by us at `at`. */
    receive(at: number, sentAt: string) {
      push(
        stream,
        t.tenantId,
        at,
        {
          type: 'MessageReceived',
          data: {
            conversationId,
            messageId: randomUUID(),
            wamid: `wamid.${randomUUID()}`,
            contactId,
            profileName: null,
            sentAt,
            content: { type: 'text', body: 'hola' },
            replyTo: null,
            referral: null,
          },
        },
        customer,
      );
    },
    open(at: number, sentAt: string) {
      push(`contact-${contactId}`, t.tenantId, at, { type: 'ContactCreated', data: { contactId, waId: '5215500000000', userId: null, profileName: null } });
      push(
        stream,
        t.tenantId,
        at,
        { type: 'ConversationOpened', data: { conversationId, contactId, numberId: randomUUID(), phoneNumberId: '1000', origin: 'inbound' } },
        customer,
      );
      this.receive(at, sentAt);
      push(stream, t.tenantId, at, { type: 'ConversationQueued', data: { conversationId, teamId: t.teamId, priority: 'normal' } });
      push(stream, t.tenantId, at, { type: 'ConversationAssigned', data: { conversationId, agentId: t.agentId, teamId: t.teamId } });
    },
    reply(at: number) {
      push(
        stream,
        t.tenantId,
        at,
        {
          type: 'MessageQueued',
          data: { conversationId, messageId: randomUUID(), content: { type: 'text', body: 'on it', previewUrl: false }, senderType: 'agent' },
        },
        { type: 'agent', id: t.agentId },
      );
    },
  };
}

// The incident: three messages stamped 1,200 s, 600 s and 120 s before we received them, answered at once.
const outage = tenant();
const late = [1200, 600, 120].map((seconds) => ({ seconds, c: conversation(outage) }));
// Clock skew within the webhook's allowance, an absurd stamp stored before the webhook bounded it, a late next turn.
const edges = tenant();
const ahead = conversation(edges);
const ancient = conversation(edges);
const nextTurn = conversation(edges);

/** Appends the events built since the last call and lets the inbox catch up. */
let appended = 0;
async function project() {
  await appendGenerated(harness.store, gen.events.slice(appended));
  appended = gen.events.length;
  const deadline = Date.now() + 20_000;
  while ((await inbox.status()).eventsBehind !== 0) {
    if (Date.now() > deadline) throw new Error('the inbox did not catch up');
    await new Promise((r) => setTimeout(r, 20));
  }
}
const queries = () => new InboxQueries(readPool);
async function inboxOf(tenantId: string): Promise<Map<string, ConversationSummary>> {
  const page = await queries().listConversations(tenantId, {}, { sort: 'longest_waiting', limit: 100 });
  return new Map(page.items.map((c) => [c.id, c]));
}

/** What the queue showed just before each reply: when the wait began, and how long it had run when answered. */
const shown = new Map<string, { waitingSince: string | null; firstInboundAt: string | null; waitedSeconds: number }>();
async function noteWaits(tenantId: string, ids: string[], answeredAt: number) {
  const rows = await inboxOf(tenantId);
  for (const id of ids) {
    const c = rows.get(id)!;
    shown.set(`${id}|${shown.has(`${id}|1`) ? 2 : 1}`, {
      waitingSince: c.waitingSince,
      firstInboundAt: c.firstInboundAt,
      waitedSeconds: c.waitingSince === null ? Number.NaN : Math.floor((answeredAt - Date.parse(c.waitingSince)) / 1000),
    });
  }
}

beforeAll(async () => {
  harness = await AnalyticsHarness.start('customer_time');
  pool = createPgPool({ connectionString: harness.db.connectionString, max: 2 });
  readPool = inboxReadPool(harness.db.connectionString, 2);
  inbox = new PgProjector({ pool, store: harness.store, projection: inboxProjection });
  await inbox.start();

  for (const { seconds, c } of late) c.open(RECEIVED, iso(RECEIVED - seconds * 1000));
  ahead.open(RECEIVED, iso(RECEIVED + 240_000));
  ancient.open(RECEIVED, '1970-01-01T00:00:00.000Z');
  nextTurn.open(RECEIVED, iso(RECEIVED - 1000));
  await project();
  await noteWaits(
    outage.tenantId,
    late.map((l) => l.c.conversationId),
    RECEIVED,
  );
  await noteWaits(edges.tenantId, [ancient.conversationId, nextTurn.conversationId], RECEIVED);
  await noteWaits(edges.tenantId, [ahead.conversationId], RECEIVED + 60_000);

  for (const { c } of late) c.reply(RECEIVED);
  ancient.reply(RECEIVED);
  nextTurn.reply(RECEIVED);
  ahead.reply(RECEIVED + 60_000);
  // The customer wrote again 100 s after the reply; it reached us 900 s later.
  nextTurn.receive(RECEIVED + 1_000_000, iso(RECEIVED + 100_000));
  await project();
  await noteWaits(edges.tenantId, [nextTurn.conversationId], RECEIVED + 1_000_000);
  nextTurn.reply(RECEIVED + 1_000_000);
  await project();

  analytics = await harness.analytics();
  await analytics.start();
  await analytics.projector.waitFor();
}, 120_000);

afterAll(async () => {
  await inbox?.stop();
  await analytics?.close();
  await readPool?.end();
  await pool?.end();
  await harness?.stop();
});

const filterOf = (tenantId: string): ReportFilter => ({ tenantId, from: gen.from, to: gen.to, timeZone: 'UTC', now: gen.now });
async function waitsOf(tenantId: string): Promise<SlaDrillItem[]> {
  const f = filterOf(tenantId);
  const first = await slaConversations(analytics.client, analytics.database, f, { target: 'first_response', outcome: 'any' }, { limit: 1000 });
  const next = await slaConversations(analytics.client, analytics.database, f, { target: 'next_response', outcome: 'any' }, { limit: 1000 });
  return [...first.items, ...next.items];
}

describe('one clock for customer waits: the inbox, the SLA reports and the reference fold', () => {
  it('the incident: waits of 20, 10 and 2 minutes in the queue are 2 breaches and 1 met at 300 s in the reports', async () => {
    expect(late.map(({ c }) => shown.get(`${c.conversationId}|1`)!.waitedSeconds)).toEqual([1200, 600, 120]);

    const f = filterOf(outage.tenantId);
    const compliance = await slaCompliance(analytics.client, analytics.database, f);
    expect(compliance.find((r) => r.target === 'first_response')).toMatchObject({ met: 1, breached: 2 });
    const { firstResponse } = await responseTimePercentiles(analytics.client, analytics.database, f);
    expect(firstResponse.wall).toEqual({ count: 3, p50: 600, p90: 1200, p95: 1200 });

    const waits = await waitsOf(outage.tenantId);
    for (const { seconds, c } of late) {
      const w = waits.find((x) => x.conversationId === c.conversationId)!;
      const queue = shown.get(`${c.conversationId}|1`)!;
      expect({ startedAt: w.startedAt, wallSeconds: w.wallSeconds, outcome: w.outcome }).toEqual({
        startedAt: queue.waitingSince,
        wallSeconds: queue.waitedSeconds,
        outcome: seconds > 300 ? 'breached' : 'met',
      });
      expect(queue.firstInboundAt).toBe(iso(RECEIVED - seconds * 1000));
    }
  });

  it('clock skew, an absurd old stamp and a late next turn start the same wait in the inbox and the reports', async () => {
    const waits = await waitsOf(edges.tenantId);
    const waitOf = (id: string, episode: number) => waits.find((x) => x.conversationId === id && x.episode === episode)!;
    const expected = [
      // Stamped 4 minutes ahead of our clock: the wait starts when we recorded the message, not in the future.
      { id: ahead.conversationId, episode: 1, startedAt: iso(RECEIVED), wall: 60 },
      // Stamped 1970 by a delivery stored before the webhook bounded timestamps: 30 days before receipt.
      { id: ancient.conversationId, episode: 1, startedAt: iso(RECEIVED - 30 * DAY), wall: 30 * 86_400 },
      { id: nextTurn.conversationId, episode: 1, startedAt: iso(RECEIVED - 1000), wall: 1 },
      { id: nextTurn.conversationId, episode: 2, startedAt: iso(RECEIVED + 100_000), wall: 900 },
    ];
    for (const e of expected) {
      const queue = shown.get(`${e.id}|${e.episode}`)!;
      const w = waitOf(e.id, e.episode);
      expect({ queue: queue.waitingSince, queueSeconds: queue.waitedSeconds, report: w.startedAt, reportSeconds: w.wallSeconds }).toEqual({
        queue: e.startedAt,
        queueSeconds: e.wall,
        report: e.startedAt,
        reportSeconds: e.wall,
      });
      if (e.episode === 1) expect(queue.firstInboundAt).toBe(e.startedAt);
    }
    expect(waitOf(nextTurn.conversationId, 2).outcome).toBe('breached');
  });

  it('the reference fold starts every wait when the inbox did, and agrees with the projector on every wait', async () => {
    const ref = referenceFold(gen).episodes;
    const got = [...(await waitsOf(outage.tenantId)), ...(await waitsOf(edges.tenantId))];
    const verdict = (e: { met: boolean; breached: boolean }) => (e.met ? 'met' : e.breached ? 'breached' : 'none');
    const key = (x: { conversationId: string; episode: number | null }) => `${x.conversationId}|${x.episode}`;
    const fromRef = Object.fromEntries(
      ref.map((e) => [key({ conversationId: e.conversationId, episode: e.no }), { startedAt: iso(e.startedAt), wall: e.wall, outcome: verdict(e) }]),
    );
    expect(Object.fromEntries(got.map((w) => [key(w), { startedAt: w.startedAt, wall: w.wallSeconds, outcome: w.outcome }]))).toEqual(fromRef);
    expect(Object.fromEntries([...shown].map(([k, v]) => [k, v.waitingSince]))).toEqual(
      Object.fromEntries(Object.entries(fromRef).map(([k, v]) => [k, v.startedAt])),
    );
    expect(got).toHaveLength(7);
  });
});
