import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { TIME_ZONES, TimeZone } from '@parley/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chTime, createClickHouseClient, queryRows } from '../../src/analytics/clickhouse.ts';
import { migrationStatements } from '../../src/analytics/schema.ts';
import { DATE, DATETIME, DATETIME64 } from '../../src/analytics/time-types.ts';

/**
 * What the API accepts about time must be what ClickHouse holds: every time zone the
 * TimeZone schema takes, and the ranges that bound report instants, checked against a
 * real embedded chDB.
 */
let dataDir: string;
let client: ClickHouseClient;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'parley-chdb-time-'));
  client = createClickHouseClient({ url: null, dataDir, database: 'parley', cluster: null });
});
afterAll(async () => {
  await client?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const one = async (query: string, params: Record<string, unknown> = {}) => (await queryRows(client, query, params))[0]!;

describe('time zones', () => {
  it('ClickHouse takes every zone the TimeZone schema accepts, and Intl does too', async () => {
    const zones = [...TIME_ZONES];
    expect(zones.length).toBeGreaterThan(400);
    for (const tz of zones) {
      expect(TimeZone.safeParse(tz).success).toBe(true);
      new Intl.DateTimeFormat('en-US', { timeZone: tz }); // throws on a zone Intl does not know
    }
    // One query a zone: a zone must be a constant, and one wide query is slower to plan.
    const refused: string[] = [];
    for (const tz of zones) {
      await queryRows(client, "SELECT toString(toTimeZone(toDateTime64(0, 3, 'UTC'), {tz:String})) AS t", { tz }).catch(() => refused.push(tz));
    }
    expect(refused).toEqual([]);
    // Four hundred engine queries: 13 s on an idle machine, more when the cores are shared.
  }, 120_000);

  it('accepts the names people type and refuses what only Intl takes', () => {
    for (const tz of ['UTC', 'Europe/Madrid', 'America/Mexico_City', 'Asia/Kolkata', 'Asia/Calcutta', 'Europe/Kyiv'])
      expect({ tz, ok: TimeZone.safeParse(tz).success }).toEqual({ tz, ok: true });
    for (const tz of ['utc', 'US/Pacific-New', 'europe/madrid', 'EST5EDT', 'America/Coyhaique', '', 'Nowhere/Atlantis'])
      expect({ tz, ok: TimeZone.safeParse(tz).success }).toEqual({ tz, ok: false });
  });
});

describe('time types', () => {
  it('hold their ranges; DateTime and Date turn one step past the end into another instant', async () => {
    const roundTrip = async (type: string, ms: number) => {
      const row = await one(`SELECT toString(CAST({t:String} AS ${type})) AS v`, { t: type === 'Date' ? new Date(ms).toISOString().slice(0, 10) : chTime(ms) });
      return String(row.v);
    };
    const asText = (type: string, ms: number) =>
      type === 'Date' ? new Date(ms).toISOString().slice(0, 10) : type.startsWith('DateTime64') ? chTime(ms) : chTime(ms).slice(0, 19);
    for (const t of [DATETIME, DATETIME64, DATE]) {
      expect(await roundTrip(t.type, t.min)).toBe(asText(t.type, t.min));
      expect(await roundTrip(t.type, t.max)).toBe(asText(t.type, t.max));
    }
    // DateTime64 goes on a little past its documented range; only the documented range is promised.
    for (const [t, step] of [
      [DATETIME, 1000],
      [DATE, 86_400_000],
    ] as const) {
      expect(await roundTrip(t.type, t.max + step)).not.toBe(asText(t.type, t.max + step));
    }
    // The overflow behind "2299 answers this year's data": a DateTime rollup bucket.
    const wrapped = await one(`SELECT toString(toStartOfFifteenMinutes(toDateTime64('2299-06-01 00:00:00', 3, 'UTC'))) AS v`);
    expect(String(wrapped.v).startsWith('2299')).toBe(false);
  });

  it('are the types the analytics schema declares', () => {
    const ddl = migrationStatements({ database: 'parley', cluster: null }).join('\n');
    expect(ddl).toContain(DATETIME64.type);
    expect(ddl).toContain(DATETIME.type);
  });
});
