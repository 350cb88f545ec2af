import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DRILL_FIGURES } from '@parley/projections/analytics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsApi } from '../support/analytics-api.ts';

/**
 * The supervisor dashboard's figures over real HTTP, and the drill-down behind each: for
 * every figure, bar and cell the list's total equals the figure, in UTC and in
 * America/Mexico_City (whose days, weeks and months start six hours later than UTC's),
 * in business and calendar hours; CSV exports equal the JSON rows.
 */
let api: AnalyticsApi;
let key: string;
let range: string;

type Row = Record<string, unknown>;
const ZONES = ['UTC', 'America/Mexico_City'] as const;

async function get(path: string, k = key) {
  const res = await api.call('GET', `${api.baseUrl}${path}${path.includes('?') ? '&' : '?'}${range}`, k);
  expect(res.status, `${path}: ${res.text.slice(0, 300)}`).toBe(200);
  return res.body;
}
const items = async (path: string) => (await get(path)).items as Row[];

/** The drill-down of a figure: its total and message count (one row asked for). */
async function drill(query: string) {
  const body = await get(`/v1/analytics/drilldown?${query}&limit=1`);
  return { total: body.total as number, messages: body.messages as number | null };
}

/** Every page of a drill-down. */
async function drillAll(query: string, limit = 40) {
  const rows: Row[] = [];
  const totals = new Set<number>();
  let cursor: string | null = null;
  do {
    const body = await get(`/v1/analytics/drilldown?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    rows.push(...(body.items as Row[]));
    totals.add(body.total as number);
    cursor = body.nextCursor as string | null;
  } while (cursor);
  expect([...totals]).toEqual([rows.length]);
  return rows;
}

async function csvText(path: string) {
  const res = await fetch(`${api.baseUrl}${path}${path.includes('?') ? '&' : '?'}${range}&format=csv`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status, path).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  return { body: await res.text(), disposition: res.headers.get('content-disposition') ?? '' };
}

/** RFC 4180, as csv.ts writes it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

/** JSON rows as the CSV writes them: null empty, formula-like text prefixed with '. */
const asCells = (rows: Row[]) =>
  rows.map((r) => Object.values(r).map((v) => (v === null ? '' : typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : String(v))));

async function expectCsvEqualsJson(path: string, json: Row[]) {
  const { body } = await csvText(path);
  const [header, ...lines] = parseCsv(body);
  expect(header).toEqual(Object.keys(json[0] ?? {}).length ? Object.keys(json[0]!) : header);
  expect(lines).toEqual(asCells(json));
}

beforeAll(async () => {
  api = await AnalyticsApi.start('report_drilldown', { conversationsPerTenant: 40 });
  key = api.keys.supervisor!;
  range = api.range;
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

describe('every figure opens the list behind it, and the list counts the figure', () => {
  it('message volumes per period and type: the messages of the conversations listed add up to the figure', async () => {
    const periods: Record<string, string> = {};
    for (const timeZone of ZONES) {
      for (const granularity of ['day', 'week', 'month', 'hour'] as const) {
        const rows = await items(`/v1/analytics/volumes?timeZone=${timeZone}&granularity=${granularity}`);
        expect(rows.length).toBeGreaterThan(0);
        if (granularity === 'day') periods[timeZone] = JSON.stringify(rows);
        for (const r of granularity === 'hour' ? rows.slice(0, 15) : rows) {
          const q = `figure=messages&timeZone=${timeZone}&granularity=${granularity}&bucket=${encodeURIComponent(String(r.period))}&direction=${r.direction}&messageType=${r.messageType}`;
          const d = await drill(q);
          expect({ timeZone, granularity, r, messages: d.messages }).toEqual({ timeZone, granularity, r, messages: r.messages });
          expect(d.total).toBeGreaterThan(0);
          expect(d.total).toBeLessThanOrEqual(r.messages as number);
        }
      }
    }
    // Mexico City's local days are not UTC's: the buckets really differ.
    expect(periods.UTC).not.toBe(periods['America/Mexico_City']);
    // The conversations listed carry the figure's messages.
    const [row] = await items('/v1/analytics/volumes?timeZone=America/Mexico_City&granularity=week');
    const listed = await drillAll(
      `figure=messages&timeZone=America/Mexico_City&granularity=week&bucket=${row!.period}&direction=${row!.direction}&messageType=${row!.messageType}`,
      5,
    );
    expect(listed.reduce((n, i) => n + (i.messages as number), 0)).toBe(row!.messages);
  });

  it('conversations opened and closed per period', async () => {
    for (const timeZone of ZONES) {
      for (const granularity of ['day', 'week', 'month'] as const) {
        const rows = await items(`/v1/analytics/conversations/volumes?timeZone=${timeZone}&granularity=${granularity}`);
        expect(rows.reduce((n, r) => n + (r.closed as number), 0)).toBeGreaterThan(0);
        for (const r of rows) {
          const at = `timeZone=${timeZone}&granularity=${granularity}&bucket=${r.period}`;
          expect({ r, opened: (await drill(`figure=conversations_opened&${at}`)).total }).toEqual({ r, opened: r.opened });
          expect({ r, closed: (await drill(`figure=conversations_closed&${at}`)).total }).toEqual({ r, closed: r.closed });
        }
      }
    }
  });

  it('heatmap cells: inbound messages with their conversations, and conversations opened; totals agree with the volumes', async () => {
    const timeZone = 'America/Mexico_City';
    const cells = await items(`/v1/analytics/heatmap?timeZone=${timeZone}&measure=inbound_messages`);
    expect(cells).toHaveLength(168);
    const inbound = (await items(`/v1/analytics/volumes?timeZone=${timeZone}`)).filter((r) => r.direction === 'inbound');
    const sum = (rows: Row[], field: string) => rows.reduce((n, r) => n + (r[field] as number), 0);
    expect(sum(cells, 'count')).toBe(sum(inbound, 'messages'));
    const busy = cells.filter((c) => (c.count as number) > 0);
    expect(busy.length).toBeGreaterThan(5);
    for (const c of busy) {
      const d = await drill(`figure=messages&direction=inbound&timeZone=${timeZone}&dayOfWeek=${c.dayOfWeek}&hour=${c.hour}`);
      expect({ c, messages: d.messages, conversations: d.total }).toEqual({ c, messages: c.count, conversations: c.conversations });
    }
    const opened = await items(`/v1/analytics/heatmap?timeZone=${timeZone}&measure=conversations_opened`);
    const conversations = await items(`/v1/analytics/conversations/volumes?timeZone=${timeZone}`);
    expect(sum(opened, 'count')).toBe(sum(conversations, 'opened'));
    for (const c of opened.filter((x) => (x.count as number) > 0)) {
      expect({ c, total: (await drill(`figure=conversations_opened&timeZone=${timeZone}&dayOfWeek=${c.dayOfWeek}&hour=${c.hour}`)).total }).toEqual({
        c,
        total: c.count,
      });
    }
  });

  it('CSAT: distribution bars, responses and the rate’s denominator; comments page by cursor', async () => {
    const csat = await get('/v1/analytics/csat');
    const distribution = csat.distribution as Row[];
    expect(csat.responses).toBeGreaterThan(0);
    expect(distribution.map((r) => r.score)).toEqual([1, 2, 3, 4, 5]);
    expect(distribution.reduce((n, r) => n + (r.responses as number), 0)).toBe(csat.responses);
    expect(csat.responseRatePct).toBeCloseTo((100 * (csat.responses as number)) / (csat.closed as number), 9);
    expect((await drill('figure=csat_responses')).total).toBe(csat.responses);
    expect((await drill('figure=csat_closed')).total).toBe(csat.closed);
    for (const r of distribution) expect({ r, total: (await drill(`figure=csat_responses&score=${r.score}`)).total }).toEqual({ r, total: r.responses });

    // The generator comments scores 1, 2 and 5.
    const withComment = [1, 2, 5].reduce((n, s) => n + (distribution[s - 1]!.responses as number), 0);
    const seen: Row[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`/v1/analytics/csat/comments?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.total).toBe(withComment);
      seen.push(...(page.items as Row[]));
      cursor = page.nextCursor as string | null;
    } while (cursor);
    expect(seen).toHaveLength(withComment);
    expect(new Set(seen.map((c) => c.conversationId)).size).toBe(withComment);
    expect(seen.map((c) => c.recordedAt)).toEqual([...seen.map((c) => c.recordedAt as string)].sort().reverse());
    expect((await get('/v1/analytics/csat/comments?score=1&limit=1000')).total).toBe(distribution[0]!.responses);
    await expectCsvEqualsJson('/v1/analytics/csat/comments', seen);
    expect((await csvText('/v1/analytics/csat/comments')).body).toContain(`,'=1+1 waited too long,`);
    await expectCsvEqualsJson('/v1/analytics/csat', distribution);
  });

  it('leaderboard cells, on both clocks; sorted by any column; CSV equals the JSON', async () => {
    for (const hours of ['business', 'calendar'] as const) {
      const board = await items(`/v1/analytics/agents/leaderboard?hours=${hours}`);
      expect(board.length).toBeGreaterThan(1);
      for (const r of board) {
        const agent = `agentId=${r.agentId}&hours=${hours}`;
        expect({ r, handled: (await drill(`figure=handled&${agent}`)).total }).toEqual({ r, handled: r.conversationsHandled });
        expect({ r, first: (await drill(`figure=first_responses&${agent}`)).total }).toEqual({ r, first: r.firstResponses });
        expect({ r, csat: (await drill(`figure=csat_responses&${agent}`)).total }).toEqual({ r, csat: r.csatResponses });
      }
      const sorted = await items(`/v1/analytics/agents/leaderboard?hours=${hours}&sort=medianFirstResponseSeconds&order=asc`);
      const medians = sorted.map((r) => r.medianFirstResponseSeconds as number | null);
      const known = medians.filter((m): m is number => m !== null);
      expect(medians).toEqual([...[...known].sort((a, b) => a - b), ...medians.filter((m) => m === null)]);
      await expectCsvEqualsJson(
        `/v1/analytics/agents/leaderboard?hours=${hours}&sort=agentId&order=asc`,
        await items(`/v1/analytics/agents/leaderboard?hours=${hours}&sort=agentId&order=asc`),
      );
    }
    const business = await items('/v1/analytics/agents/leaderboard');
    const calendar = await items('/v1/analytics/agents/leaderboard?hours=calendar');
    expect(JSON.stringify(business)).not.toBe(JSON.stringify(calendar));
  });

  it('SLA met and breached, in total and per period, on both clocks and in both zones', async () => {
    const differ: string[] = [];
    for (const timeZone of ZONES) {
      const compliance: Record<string, Row[]> = {};
      for (const hours of ['business', 'calendar'] as const) {
        const zone = `timeZone=${timeZone}&hours=${hours}`;
        const rows = await items(`/v1/analytics/sla/compliance?${zone}`);
        compliance[hours] = rows;
        for (const r of rows) {
          for (const outcome of ['met', 'breached'] as const) {
            const q = `target=${r.target}&outcome=${outcome}&${zone}`;
            expect({ r, outcome, total: (await drill(`figure=sla&${q}`)).total }).toEqual({ r, outcome, total: r[outcome] });
            expect({ r, outcome, total: (await get(`/v1/analytics/sla/conversations?${q}&limit=1`)).total }).toEqual({ r, outcome, total: r[outcome] });
          }
        }
        for (const granularity of ['day', 'week'] as const) {
          const periods = await items(`/v1/analytics/sla/compliance/by-period?${zone}&granularity=${granularity}`);
          // The periods add up to the totals.
          for (const r of rows) {
            const mine = periods.filter((p) => p.target === r.target);
            expect({ target: r.target, met: mine.reduce((n, p) => n + (p.met as number), 0) }).toEqual({ target: r.target, met: r.met });
            expect({ target: r.target, breached: mine.reduce((n, p) => n + (p.breached as number), 0) }).toEqual({ target: r.target, breached: r.breached });
          }
          const sample = periods.filter((p) => (p.met as number) + (p.breached as number) > 0).slice(0, granularity === 'day' ? 12 : 40);
          expect(sample.length).toBeGreaterThan(3);
          for (const p of sample) {
            for (const outcome of ['met', 'breached'] as const) {
              const q = `figure=sla&target=${p.target}&outcome=${outcome}&${zone}&granularity=${granularity}&bucket=${p.period}`;
              expect({ p, outcome, total: (await drill(q)).total }).toEqual({ p, outcome, total: p[outcome] });
            }
          }
        }
      }
      if (JSON.stringify(compliance.business) !== JSON.stringify(compliance.calendar)) differ.push(timeZone);
    }
    // Business hours and calendar time disagree on this data, or the switch would prove nothing.
    expect(differ).toEqual([...ZONES]);
  });
});

describe('exports and refusals', () => {
  it('drill-down CSV equals its JSON rows and follows the zone and the clock', async () => {
    const q = 'figure=sla&target=first_response&timeZone=America/Mexico_City&hours=calendar';
    const json = await drillAll(q, 1000);
    expect(json.length).toBeGreaterThan(10);
    const { body, disposition } = await csvText(`/v1/analytics/drilldown?${q}`);
    expect(disposition).toBe('attachment; filename="drilldown-sla-calendar.csv"');
    const [header, ...lines] = parseCsv(body);
    expect(header).toEqual(['conversationId', 'episode', 'at', 'openedAt', 'status', 'teamId', 'agentId', 'priority', 'csat', 'messages', 'outcome']);
    expect(lines).toEqual(asCells(json));
    // The verdicts are the calendar's: the same list in business hours differs.
    const business = await drillAll('figure=sla&target=first_response&timeZone=America/Mexico_City', 1000);
    expect(business.map((i) => i.outcome)).not.toEqual(json.map((i) => i.outcome));
    // SLA drill-down of waits: wall-clock due instants in calendar hours.
    const waits = (await get('/v1/analytics/sla/conversations?target=first_response&hours=calendar&limit=1000')).items as Row[];
    for (const w of waits.filter((x) => x.targetSeconds !== null)) {
      expect(Date.parse(w.dueAt as string)).toBe(Date.parse(w.startedAt as string) + (w.targetSeconds as number) * 1000);
    }
    await expectCsvEqualsJson(
      '/v1/analytics/sla/compliance/by-period?granularity=week&timeZone=America/Mexico_City&hours=calendar',
      await items('/v1/analytics/sla/compliance/by-period?granularity=week&timeZone=America/Mexico_City&hours=calendar'),
    );
    const volumes = await items('/v1/analytics/volumes?granularity=day&timeZone=America/Mexico_City');
    await expectCsvEqualsJson('/v1/analytics/volumes?granularity=day&timeZone=America/Mexico_City', volumes);
    await expectCsvEqualsJson('/v1/analytics/heatmap?timeZone=America/Mexico_City', await items('/v1/analytics/heatmap?timeZone=America/Mexico_City'));
    const messages = await drillAll(`figure=messages&granularity=day&timeZone=America/Mexico_City&bucket=${volumes[0]!.period}`, 1000);
    await expectCsvEqualsJson(`/v1/analytics/drilldown?figure=messages&granularity=day&timeZone=America/Mexico_City&bucket=${volumes[0]!.period}`, messages);
  });

  it('refuse what a figure cannot take, with the reason', async () => {
    const refused = async (query: string, reason: RegExp) => {
      const res = await api.call('GET', `${api.baseUrl}/v1/analytics/drilldown?${range}&${query}`, key);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(String(res.body.message)).toMatch(reason);
    };
    await refused('figure=messages&score=3', /score does not apply to figure messages/);
    await refused('figure=handled&dayOfWeek=1', /dayOfWeek does not apply to figure handled/);
    await refused('figure=sla', /needs a target/);
    await refused('figure=conversations_opened&granularity=week', /give bucket/);
    await refused('figure=conversations_opened&granularity=hour&bucket=2026-03-02', /not a period of granularity hour/);
    await refused('figure=weather', /figure/);
    const first = await get('/v1/analytics/drilldown?figure=conversations_opened&limit=1');
    await refused(`figure=handled&cursor=${encodeURIComponent(String(first.nextCursor))}`, /issued for figure "conversations_opened"/);
    await refused('figure=handled&format=csv&cursor=abc', /cursor/);
    const agent = await api.call('GET', `${api.baseUrl}/v1/analytics/drilldown?${range}&figure=handled`, api.keys.agent);
    expect(agent.status).toBe(403);
  });

  it('OpenAPI and docs/analytics.md list every figure of the one declaration', async () => {
    await api.app.ready();
    const doc = api.app.swagger() as { paths: Record<string, { get?: { description?: string; parameters?: { name: string }[] } }> };
    const drilldown = doc.paths['/v1/analytics/drilldown']!.get!;
    const docs = readFileSync(join(import.meta.dirname, '../../../docs/analytics.md'), 'utf8');
    for (const figure of Object.keys(DRILL_FIGURES)) {
      expect(drilldown.description).toContain(`- ${figure}:`);
      expect(docs, `docs/analytics.md has no row for figure ${figure}`).toContain(`| \`${figure}\` |`);
    }
    expect(drilldown.parameters!.map((p) => p.name)).toEqual(
      expect.arrayContaining(['figure', 'bucket', 'granularity', 'dayOfWeek', 'hour', 'score', 'target', 'outcome', 'hours', 'cursor']),
    );
  });
});
