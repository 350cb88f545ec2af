import { randomUUID } from 'node:crypto';
import { type EventMetadata, type ParleyEvent, type Position, type RecordedEvent, START } from '@parley/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analytics } from '../../src/analytics/index.ts';
import { migrate } from '../../src/analytics/schema.ts';
import { MeterDefinition } from '../../src/usage/meters.ts';
import { UsageProjector } from '../../src/usage/usage-projector.ts';
import { dailyUsage, type UsageReport, usageForPeriod } from '../../src/usage/usage-queries.ts';
import { appendGenerated } from '../../testing/conversation-generator.ts';
import { generateUsage, type UsageGenerated } from '../../testing/usage-generator.ts';
import { AnalyticsHarness } from '../analytics/support/analytics-harness.ts';
import { type Figures, localDate, referenceDaily, referenceUsage } from './support/usage-reference.ts';

/**
 * The usage projection in chDB, fed by the projector from a PostgreSQL event store:
 * equal to an independent fold of the generated events, counted once however often an
 * event arrives, per tenant, in the period of its occurredAt, by local day across DST.
 */
let harness: AnalyticsHarness;
let analytics: Analytics;
let gen: UsageGenerated;
const BERLIN = 'Europe/Berlin';
/** A PostgreSQL store position (the ordinal as text). */
const at = (n: number) => String(n) as Position;

/** A report as the reference's shape: meter → group JSON → quantity (meters without usage left out). */
const figuresOf = (report: UsageReport): Figures =>
  Object.fromEntries(
    report.meters.filter((m) => m.items.length > 0).map((m) => [m.meter, Object.fromEntries(m.items.map((i) => [JSON.stringify(i.group), i.quantity]))]),
  );

/** The instants a local day of `timeZone` starts and ends at, found on the quarter-hour grid. */
function localDay(day: string, timeZone: string): { day: string; start: number; end: number } {
  const first = (d: string) => {
    let t = Date.parse(`${d}T00:00:00Z`) - 15 * 3_600_000;
    while (localDate(t, timeZone) !== d) t += 15 * 60_000;
    return t;
  };
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { day, start: first(day), end: first(next) };
}

beforeAll(async () => {
  harness = await AnalyticsHarness.start('usage_projection');
  // Two months around Berlin's change from summer time (Sunday 2026-10-25).
  gen = generateUsage({ seed: 13, tenants: 3, eventsPerTenant: 1_500, from: new Date('2026-09-01T00:00:00Z'), days: 61 });
  await appendGenerated(harness.store, gen.events);
  analytics = await harness.analytics('parley', { batchSize: 400 });
  await analytics.start();
  await analytics.usage.waitFor();
}, 180_000);

afterAll(async () => {
  await analytics?.close();
  await harness?.stop();
});

describe('usage projection', () => {
  it('equals an independent fold of the events for every tenant, over a Berlin calendar month', async () => {
    const from = new Date('2026-09-30T22:00:00Z'); // 1 October, 00:00 in Berlin (CEST)
    const to = new Date('2026-10-31T23:00:00Z'); // 1 November, 00:00 in Berlin (CET)
    for (const tenantId of gen.tenants) {
      const report = await usageForPeriod(analytics.client, analytics.database, { tenantId, from, to });
      const expected = referenceUsage(gen.events, tenantId, from.getTime(), to.getTime());
      expect(Object.keys(expected)).toEqual(expect.arrayContaining(['billable_templates_delivered', 'agent_seats', 'active_contacts', 'webhooks_delivered']));
      expect(figuresOf(report)).toEqual(expected);
    }
  });

  it('reads a period that starts and ends off the hour (a month in Asia/Kolkata, UTC+5:30) equal to the fold', async () => {
    const from = new Date('2026-09-30T18:30:00Z');
    const to = new Date('2026-10-31T18:30:00Z');
    for (const tenantId of gen.tenants) {
      const report = await usageForPeriod(analytics.client, analytics.database, { tenantId, from, to });
      expect(figuresOf(report)).toEqual(referenceUsage(gen.events, tenantId, from.getTime(), to.getTime()));
    }
    // And one shorter than an hour, inside one.
    const short = { from: new Date('2026-10-10T10:15:00Z'), to: new Date('2026-10-10T10:45:00Z') };
    const tenantId = gen.tenants[0]!;
    const report = await usageForPeriod(analytics.client, analytics.database, { tenantId, ...short });
    expect(figuresOf(report)).toEqual(referenceUsage(gen.events, tenantId, short.from.getTime(), short.to.getTime()));
  });

  it('breaks usage down by Berlin day across the change from summer time, equal to the fold', async () => {
    const tenantId = gen.tenants[0]!;
    const days = ['2026-10-23', '2026-10-24', '2026-10-25', '2026-10-26', '2026-10-27'].map((d) => localDay(d, BERLIN));
    // The day of the change has 25 hours.
    expect(days[2]!.end - days[2]!.start).toBe(25 * 3_600_000);
    const rows = await dailyUsage(analytics.client, analytics.database, { tenantId, from: '2026-10-23', to: '2026-10-28', timeZone: BERLIN });
    const actual: Record<string, Figures> = {};
    for (const r of rows) {
      actual[r.day] ??= {};
      actual[r.day]![r.meter] ??= {};
      actual[r.day]![r.meter]![JSON.stringify(r.group)] = r.quantity;
    }
    expect(actual).toEqual(referenceDaily(gen.events, tenantId, days));
  });

  it('counts a late event in the period it happened in, not the one it arrived in', async () => {
    const tenantId = gen.tenants[1]!;
    // The generator appends late events after the tenant's others: find one stamped in September.
    const mine = gen.events.filter((e) => e.metadata.tenantId === tenantId && e.event.type === 'MessageReceived');
    const lastInOrder = Math.max(...gen.events.filter((e) => e.metadata.tenantId === tenantId).map((e) => Date.parse(e.metadata.occurredAt)));
    const late = mine.filter((e, i) => i > 0 && Date.parse(e.metadata.occurredAt) < Date.parse(mine[i - 1]!.metadata.occurredAt));
    expect(late.length).toBeGreaterThan(0);
    expect(lastInOrder).toBeGreaterThan(Date.parse('2026-10-15T00:00:00Z'));
    const september = { tenantId, from: new Date('2026-09-01T00:00:00Z'), to: new Date('2026-10-01T00:00:00Z') };
    const report = await usageForPeriod(analytics.client, analytics.database, september);
    const received = report.meters.find((m) => m.meter === 'messages_received')!.items[0]!.quantity;
    const inSeptember = mine.filter((e) => e.metadata.occurredAt < '2026-10-01').length;
    expect(received).toBe(inSeptember);
    expect(late.some((e) => e.metadata.occurredAt < '2026-10-01')).toBe(true);
  });

  it('counts an event delivered again under a new position once, and never lets one tenant’s id hide another’s event', async () => {
    const tenantA = gen.tenants[0]!;
    const tenantB = gen.tenants[2]!;
    const period = (tenantId: string) => ({ tenantId, from: new Date('2026-09-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') });
    const before = figuresOf(await usageForPeriod(analytics.client, analytics.database, period(tenantA)));
    const beforeB = figuresOf(await usageForPeriod(analytics.client, analytics.database, period(tenantB)));
    await analytics.usage.stop();

    // The whole log again, past its head: every event id already counted.
    const { events: stored } = await harness.store.readAll({ after: START, maxCount: 100_000 });
    const head = Number(stored.at(-1)!.position);
    const again: RecordedEvent[] = stored.map((e, i) => ({ ...e, position: at(head + 1 + i) }));
    for (let i = 0; i < again.length; i += 700) await analytics.usage.apply(again.slice(i, i + 700));
    expect(figuresOf(await usageForPeriod(analytics.client, analytics.database, period(tenantA)))).toEqual(before);

    // Tenant B's message with the id of one of tenant A's: B's usage grows by one.
    const aEvent = gen.events.find((e) => e.metadata.tenantId === tenantA && e.event.type === 'MessageSent')!;
    const bCopy: RecordedEvent = {
      eventId: aEvent.metadata.eventId,
      streamId: `usage-${tenantB}`,
      revision: 0,
      position: at(head + again.length + 1),
      type: 'MessageSent',
      data: aEvent.event.data,
      metadata: { ...aEvent.metadata, tenantId: tenantB },
      recordedAt: new Date(),
    };
    await analytics.usage.apply([bCopy, { ...bCopy, position: at(head + again.length + 2) }]);
    const afterB = figuresOf(await usageForPeriod(analytics.client, analytics.database, period(tenantB)));
    expect(afterB.messages_sent!['{}']).toBe((beforeB.messages_sent?.['{}'] ?? 0) + 1);
    expect(figuresOf(await usageForPeriod(analytics.client, analytics.database, period(tenantA)))).toEqual(before);
  });
});

describe('aggregations', () => {
  it('counts, sums, counts unique, takes the max and the latest of a meter’s value, exactly', async () => {
    const db = 'usage_aggregations';
    await migrate(analytics.client, { database: db, cluster: null });
    const base = { eventTypes: ['WebhookDeliveryAttempted'], description: 'test', unit: 'x' };
    const meters = [
      { ...base, key: 'attempts', aggregation: 'count', valuePath: null, groupBy: [{ name: 'outcome', path: 'data.outcome' }] },
      { ...base, key: 'latency_total', aggregation: 'sum', valuePath: 'data.latencyMs', filters: [{ path: 'data.outcome', in: ['delivered', 'failed'] }] },
      { ...base, key: 'subscriptions', aggregation: 'unique_count', valuePath: 'data.subscriptionId' },
      { ...base, key: 'latency_max', aggregation: 'max', valuePath: 'data.latencyMs' },
      { ...base, key: 'latency_latest', aggregation: 'latest', valuePath: 'data.latencyMs' },
    ].map((m) => MeterDefinition.parse(m));
    const tenantId = randomUUID();
    const subs = [randomUUID(), randomUUID(), randomUUID()];
    // [minutes after the period start, subscription, outcome, latency]; the last one after the period.
    const attempts: [number, number, 'delivered' | 'failed' | 'retrying', number][] = [
      [5, 0, 'delivered', 120],
      [20, 1, 'failed', 900],
      [35, 0, 'retrying', 40],
      [50, 2, 'delivered', 75],
      [61, 1, 'delivered', 33],
      [24 * 60 + 5, 2, 'delivered', 5000],
    ];
    const from = Date.parse('2026-11-02T10:00:00Z');
    const recorded: RecordedEvent[] = attempts.map(([minutes, sub, outcome, latencyMs], i) => {
      const occurredAt = new Date(from + minutes * 60_000).toISOString();
      const event: ParleyEvent = {
        type: 'WebhookDeliveryAttempted',
        data: {
          subscriptionId: subs[sub]!,
          deliveryId: randomUUID(),
          attempt: 1,
          outcome,
          httpStatus: 200,
          error: null,
          latencyMs,
          responseExcerpt: null,
          nextAttemptAt: null,
          at: occurredAt,
        },
      };
      const metadata: EventMetadata = {
        eventId: randomUUID(),
        tenantId,
        schemaVersion: 1,
        occurredAt,
        correlationId: 't',
        causationId: null,
        actor: { type: 'system', id: 't' },
      };
      return {
        eventId: metadata.eventId,
        streamId: 's',
        revision: i,
        position: at(i + 1),
        type: event.type,
        data: event.data,
        metadata,
        recordedAt: new Date(),
      };
    });
    const projector = new UsageProjector({ store: harness.store, client: analytics.client, database: db, meters });
    // Latest is by occurredAt, not by arrival: the 61-minute attempt arrives first.
    await projector.apply([recorded[4]!, ...recorded.slice(0, 4), recorded[5]!]);
    const report = await usageForPeriod(analytics.client, db, { tenantId, from: new Date(from), to: new Date(from + 24 * 3_600_000) }, meters);
    expect(figuresOf(report)).toEqual({
      attempts: { '{"outcome":"delivered"}': 3, '{"outcome":"failed"}': 1, '{"outcome":"retrying"}': 1 },
      latency_total: { '{}': 120 + 900 + 75 + 33 },
      subscriptions: { '{}': 3 },
      latency_max: { '{}': 900 },
      latency_latest: { '{}': 33 },
    });
  });

  it('refuses a meter definition that cannot be computed', () => {
    const base = { key: 'bad', description: 'x', unit: 'x', eventTypes: ['MessageSent'] };
    expect(MeterDefinition.safeParse({ ...base, aggregation: 'sum', valuePath: null }).success).toBe(false);
    expect(MeterDefinition.safeParse({ ...base, aggregation: 'count', valuePath: null, carriesOver: true }).success).toBe(false);
    expect(MeterDefinition.safeParse({ ...base, eventTypes: ['NoSuchEvent'], aggregation: 'count', valuePath: null }).success).toBe(false);
    expect(MeterDefinition.safeParse({ ...base, aggregation: 'max', valuePath: 'process.env.SECRET' }).success).toBe(false);
  });
});
