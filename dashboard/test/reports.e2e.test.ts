import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate, startOfLocalDay } from '../src/lib/view-params.ts';
import { type Platform, screenshots, seriousViolations, signedIn, startPlatform } from './support/platform.ts';

/**
 * The report pages (SLA, Volumes, Agents, CSAT) and the drill-down in a browser against the
 * real platform and its demo. Expected figures always come from the query API's JSON for
 * the same filters, never from constants: the demo may hold a handful of conversations or
 * weeks of them.
 */

let p: Platform;
let tz: string;
/** Local dates of a custom range around now (the demo's history, whatever its length, and today). */
let from: string;
let to: string;
let range: string;
let empty: { key: string };

const addDays = (date: string, days: number) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
};

type Json = Record<string, unknown>;

/** A query API read with a key. */
async function api<T = Json>(key: string, path: string, search: Record<string, string | number | undefined> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(search)) if (v !== undefined) q.set(k, String(v));
  const res = await fetch(`${p.urls.query}${path}?${q}`, { headers: { authorization: `Bearer ${key}` } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** The report parameters the dashboard must send for the test's custom range in `zone` (built here by hand, not by the code under test). */
const filters = (zone = tz, extra: Record<string, string | number | undefined> = {}) => ({
  from: startOfLocalDay(from, zone).toISOString(),
  to: startOfLocalDay(addDays(to, 1), zone).toISOString(),
  timeZone: zone,
  ...extra,
});

/** RFC 4180 CSV (CRLF, quotes) into rows of cells. */
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
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

/** CSV text as objects keyed by its header. */
const csvObjects = (text: string) => {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
};
/** JSON rows as the CSV writes them: every value as text, null empty. */
const asCsvCells = (rows: Json[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? '' : String(v)])));

async function expectNoError(page: Page) {
  expect(await page.getByRole('heading', { level: 1 }).first().textContent()).not.toMatch(/Could not load|Not available/);
}

const number = async (page: Page, testId: string) => Number((await page.getByTestId(testId).textContent())!.replace(/[^0-9]/g, ''));

/** Until every streamed section of the page is in: no loading skeleton left in it. */
const streamed = (page: Page) => expect.poll(() => page.locator('main [aria-busy="true"]').count(), { timeout: 15_000 }).toBe(0);

/** A dashboard page by its path, once its sections have streamed in (the report pages stream each section as its read answers). */
async function open(page: Page, path: string) {
  const res = await page.goto(`${p.urls.dashboard}${path}`);
  await streamed(page);
  return res;
}

/** The drill-down page the browser is on: its total, its messages, and its rows listed (a page holds at most 50). */
async function drillFigures(page: Page) {
  await page.waitForURL('**/drilldown?**');
  await expectNoError(page);
  const total = await number(page, 'drill-total');
  const rows = total === 0 ? 0 : await page.getByTestId('drill-rows').locator('tbody tr').count();
  const messages = (await page.getByTestId('drill-messages').count()) ? await number(page, 'drill-messages') : null;
  return { total, rows, messages };
}

/** A customer writes on the demo tenant's number (a webhook signed as Meta signs it). */
async function customerWrites(waId: string, name: string, body: string) {
  const payload = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'waba-reports',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '+52 55 1000 0001', phone_number_id: p.demo.whatsapp!.phoneNumberId },
              contacts: [{ wa_id: waId, profile: { name } }],
              messages: [{ from: waId, id: `wamid.${randomUUID()}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body } }],
            },
          },
        ],
      },
    ],
  };
  const raw = JSON.stringify(payload);
  const res = await fetch(`${p.urls.command}/webhooks/whatsapp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': `sha256=${createHmac('sha256', p.demo.whatsapp!.appSecret).update(raw).digest('hex')}`,
    },
    body: raw,
  });
  expect(res.status).toBe(200);
}

/** Waits until `check` holds (expect.poll is for tests, not hooks). */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const command = async (key: string, path: string, body: unknown, method = 'POST') => {
  const res = await fetch(`${p.urls.command}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.ok, `${path}: ${text}`).toBe(true);
  return JSON.parse(text) as Json;
};

beforeAll(async () => {
  p = await startPlatform('reports_e2e', { history: true });
  const admin = p.key('admin');
  tz = (await api<{ timeZone: string }>(admin, '/v1/me')).timeZone;
  const today = localDate(new Date(), tz);
  [from, to] = [addDays(today, -34), addDays(today, 1)];
  range = `range=custom&from=${from}&to=${to}`;

  // A breach for certain: a team whose urgent conversations must be answered within a second, and a customer nobody answers.
  const night = await command(admin, '/v1/teams', { name: 'Night' });
  await command(admin, `/v1/teams/${night.teamId}/sla-policies/urgent`, { firstResponseSeconds: 1, resolutionSeconds: 86_400 }, 'PUT');
  // A word no demo conversation has (the demo's history writes about refunds too).
  const marker = `pedido${randomBytes(4).toString('hex')}`;
  await customerWrites('5215599990077', 'Nora Noche', `Necesito ayuda urgente con mi reembolso del ${marker}`);
  let found: { items: { id: string }[] } = { items: [] };
  await until('the new conversation in search', async () => {
    found = await api<{ items: { id: string }[] }>(admin, '/v1/conversations', { q: marker });
    return found.items.length === 1;
  });
  for (const [path, body] of [
    ['queue', { teamId: night.teamId }],
    ['priority', { priority: 'urgent' }],
  ] as const) {
    await command(admin, `/v1/conversations/${found.items[0]!.id}/${path}`, body);
  }
  // The analytics have it once the compliance report counts a breach (and the demo's CSAT is in).
  await until('the breach and the CSAT in the analytics', async () => {
    const [c, csat] = await Promise.all([
      api<{ items: { target: string; breached: number }[] }>(admin, '/v1/analytics/sla/compliance', filters(tz, { hours: 'calendar' })),
      api<{ responses: number }>(admin, '/v1/analytics/csat', filters()),
    ]);
    return (c.items.find((r) => r.target === 'first_response')?.breached ?? 0) > 0 && csat.responses > 0;
  });

  // A tenant with nothing in it, registered with the platform admin key.
  const tenant = await command(p.adminKey, '/v1/tenants', {
    name: 'Empty Co',
    admin: { name: 'Eve', email: `eve-${randomBytes(3).toString('hex')}@empty.test` },
  });
  empty = { key: tenant.apiKey as string };
  await until(
    'the empty tenant on the read side',
    async () => (await fetch(`${p.urls.query}/v1/me`, { headers: { authorization: `Bearer ${empty.key}` } })).ok,
  );
}, 240_000);

afterAll(async () => {
  await p?.stop();
}, 60_000);

const PAGES = [
  ['sla', 'SLA'],
  ['volumes', 'Volumes'],
  ['agents', 'Agents'],
  ['csat', 'CSAT'],
] as const;

describe('the report pages', () => {
  it('render with the demo data for supervisors and analysts, accessibly, at 1280 and 390 px', async () => {
    const { context, page } = await signedIn(p, p.key('supervisor:Sofia'));
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Live', 'Conversations', 'SLA', 'Volumes', 'Agents', 'CSAT', 'My stats', 'Settings']);
    for (const [path, title] of PAGES) {
      const res = await open(page, `/${path}?${range}`);
      expect(res!.status(), path).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
      expect(await seriousViolations(page), path).toEqual([]);
      await screenshots(page, `report-${path}`);
    }
    // The charts, drawn in the browser (recharts), read well too.
    await open(page, `/volumes?${range}`);
    await page.locator('.recharts-surface').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();

    // Analysts read the reports (no live view: they do not watch queues).
    const analyst = await signedIn(p, p.key('analyst:Rosa'));
    expect(await analyst.page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual([
      'Conversations',
      'SLA',
      'Volumes',
      'Agents',
      'CSAT',
    ]);
    const res = await open(analyst.page, `/sla?${range}`);
    expect(res!.status()).toBe(200);
    await expectNoError(analyst.page);
    await analyst.context.close();
  }, 90_000);

  it('render an empty tenant with empty states', async () => {
    const { context, page } = await signedIn(p, empty.key);
    for (const [path] of PAGES) {
      const res = await open(page, `/${path}`);
      expect(res!.status(), path).toBe(200);
      await expectNoError(page);
      expect(await page.locator('main').textContent(), path).toMatch(/No |Nothing/);
      expect(await seriousViolations(page), path).toEqual([]);
      await screenshots(page, `report-${path}-empty`);
    }
    await open(page, `/drilldown?figure=conversations_opened`);
    expect(await number(page, 'drill-total')).toBe(0);
    await context.close();
  }, 90_000);

  it('keep filters in the URL: the figures follow them and survive a reload', async () => {
    const { context, page } = await signedIn(p, p.key('supervisor:Sofia'));
    const sofia = p.key('supervisor:Sofia');
    // SLA: the clock switch changes every figure to the calendar's, and stays on reload.
    await open(page, `/sla?${range}`);
    const breachedNow = async () => Number((await page.getByTestId('breached-first_response').textContent())!.trim());
    const compliance = async (hours: string) =>
      (await api<{ items: { target: string; breached: number }[] }>(sofia, '/v1/analytics/sla/compliance', filters(tz, { hours }))).items.find(
        (r) => r.target === 'first_response',
      )!.breached;
    expect(await breachedNow()).toBe(await compliance('business'));
    await page.getByRole('navigation', { name: 'Clock' }).getByRole('link', { name: 'Calendar hours' }).click();
    await page.waitForURL((u) => u.searchParams.get('hours') === 'calendar');
    await expect.poll(breachedNow).toBe(await compliance('calendar'));
    await page.reload();
    expect(new URL(page.url()).searchParams.get('hours')).toBe('calendar');
    expect(await page.getByRole('link', { name: 'Calendar hours' }).getAttribute('aria-current')).toBe('true');
    expect(await breachedNow()).toBe(await compliance('calendar'));

    // Volumes: another time zone moves the heatmap's cells to its hours.
    const cellsOf = async (zone: string) =>
      (await api<{ items: { dayOfWeek: number; hour: number; count: number }[] }>(sofia, '/v1/analytics/heatmap', filters(zone))).items
        .filter((c) => c.count > 0)
        .map((c) => `${c.dayOfWeek}-${c.hour}:${c.count}`)
        .sort();
    const cellsShown = async () =>
      (
        await page
          .getByTestId('heatmap-grid')
          .locator('[data-cell]')
          .evaluateAll((links) => links.map((a) => `${a.getAttribute('data-cell')}:${a.textContent}`))
      ).sort();
    await open(page, `/volumes?${range}`);
    expect(await cellsShown()).toEqual(await cellsOf(tz));
    const other = tz === 'Asia/Tokyo' ? 'Europe/Madrid' : 'Asia/Tokyo';
    await page.getByLabel('Time zone').selectOption(other);
    await page.waitForURL((u) => u.searchParams.get('tz') === other);
    const expected = await cellsOf(other);
    await expect.poll(cellsShown).toEqual(expected);
    expect(expected).not.toEqual(await cellsOf(tz));
    await page.reload();
    await streamed(page);
    expect(await cellsShown()).toEqual(expected);
    expect(await page.getByLabel('Time zone').inputValue()).toBe(other);

    // Group by week: the periods are Mondays.
    await page.getByLabel('Group by').selectOption('week');
    await page.waitForURL((u) => u.searchParams.get('group') === 'week');
    // The chart's page carries no table; the switch reloads the page with the tables instead.
    expect(await page.getByTestId('conversations-table').count()).toBe(0);
    await page.getByTestId('conversations').getByRole('link', { name: 'Table' }).click();
    await page.waitForURL((u) => u.searchParams.get('show') === 'table' && u.searchParams.get('group') === 'week');
    await page.getByTestId('conversations-table').waitFor();
    expect(await page.locator('.recharts-surface').count()).toBe(0);
    const weeks = await api<{ items: { period: string }[] }>(sofia, '/v1/analytics/conversations/volumes', filters(other, { granularity: 'week' }));
    expect(await page.getByTestId('conversations-table').locator('tbody th').allTextContents()).toEqual(weeks.items.map((r) => r.period));

    // Agents: a column header sorts (sort and order in the URL, aria-sort on the column).
    await open(page, `/agents?${range}`);
    if (await page.getByTestId('leaderboard-table').count()) {
      await page.getByRole('link', { name: /^CSAT responses/ }).click();
      await page.waitForURL((u) => u.searchParams.get('sort') === 'csatResponses');
      await page.reload();
      expect(await page.locator('th[aria-sort]').textContent()).toContain('CSAT responses');
      expect(await page.locator('th[aria-sort]').getAttribute('aria-sort')).toBe('descending');
      const board = await api<{ items: { agentId: string }[] }>(
        sofia,
        '/v1/analytics/agents/leaderboard',
        filters(tz, { sort: 'csatResponses', order: 'desc' }),
      );
      expect(await page.getByTestId('leaderboard-table').locator('tbody tr').count()).toBe(board.items.length);
    }
    await context.close();
  }, 90_000);

  it("open every figure's conversations: the drill-down's count is the figure clicked", async () => {
    const { context, page } = await signedIn(p, p.key('supervisor:Sofia'));
    const sofia = p.key('supervisor:Sofia');

    // SLA: the breached first responses (a link in the compliance card), from the keyboard.
    await open(page, `/sla?${range}&hours=calendar`);
    const breachedLink = page.getByTestId('breached-first_response').getByRole('link');
    const breached = Number(await breachedLink.textContent());
    expect(breached).toBeGreaterThan(0);
    await breachedLink.focus();
    await page.keyboard.press('Enter');
    const sla = await drillFigures(page);
    expect(sla.total).toBe(breached);
    expect(sla.rows).toBe(Math.min(breached, 50));
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'drilldown-sla');
    // Each row opens its conversation.
    await page.getByTestId('drill-rows').locator('tbody tr a').first().click();
    await page.waitForURL(/\/conversations\/[0-9a-f-]{36}/);

    // Volumes: a bar of the messages chart (its table row's link).
    await open(page, `/volumes?${range}`);
    await page.getByTestId('messages').getByRole('link', { name: 'Table' }).click();
    await page.waitForURL((u) => u.searchParams.get('show') === 'table');
    const bar = page.getByTestId('messages-table').locator('tbody a').first();
    const barMessages = Number(await bar.textContent());
    await bar.click();
    const volume = await drillFigures(page);
    expect(volume.messages).toBe(barMessages);
    expect(volume.rows).toBe(Math.min(volume.total, 50));

    // A bar of the conversations chart, clicked in the chart itself.
    await open(page, `/volumes?${range}`);
    const opened = await api<{ items: { period: string; opened: number }[] }>(
      sofia,
      '/v1/analytics/conversations/volumes',
      filters(tz, { granularity: 'day' }),
    );
    const firstOpened = opened.items.findIndex((r) => r.opened > 0);
    await page.getByTestId('conversations').locator('.recharts-bar-rectangles').first().locator('.recharts-bar-rectangle').nth(firstOpened).click();
    const bucket = await drillFigures(page);
    expect(new URL(page.url()).searchParams.get('bucket')).toBe(opened.items[firstOpened]!.period);
    expect(bucket.total).toBe(opened.items[firstOpened]!.opened);

    // A heatmap cell: its messages, and the conversations they belong to.
    await open(page, `/volumes?${range}`);
    const cell = page.getByTestId('heatmap-grid').locator('[data-cell]').first();
    const [dow, hour] = (await cell.getAttribute('data-cell'))!.split('-').map(Number) as [number, number];
    const cellCount = Number(await cell.textContent());
    await cell.click();
    const heat = await drillFigures(page);
    const cells = await api<{ items: { dayOfWeek: number; hour: number; count: number; conversations: number }[] }>(sofia, '/v1/analytics/heatmap', filters());
    const apiCell = cells.items.find((c) => c.dayOfWeek === dow && c.hour === hour)!;
    expect(heat.messages).toBe(cellCount);
    expect(heat.total).toBe(apiCell.conversations);

    // CSAT: a score of the distribution.
    await open(page, `/csat?${range}`);
    await page.getByTestId('distribution').getByRole('link', { name: 'Table' }).click();
    await page.waitForURL((u) => u.searchParams.get('show') === 'table');
    const scoreLink = page.getByTestId('distribution-table').locator('tbody a').first();
    const scoreCount = Number(await scoreLink.textContent());
    await scoreLink.click();
    const score = await drillFigures(page);
    expect(score.total).toBe(scoreCount);
    expect(score.rows).toBe(Math.min(scoreCount, 50));
    await context.close();
  }, 90_000);

  it('export CSV with the rows of the API, in the time zone and on the clock of the page', async () => {
    const { context, page } = await signedIn(p, p.key('supervisor:Sofia'));
    const sofia = p.key('supervisor:Sofia');
    const zone = 'Asia/Kolkata';
    await open(page, `/sla?${range}&tz=${zone}&hours=calendar&group=week`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByTestId('compliance-by-period')
        .getByRole('link', { name: /Export CSV/ })
        .click(),
    ]);
    expect(download.suggestedFilename()).toBe('sla-compliance-by-week-calendar.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    const json = await api<{ items: Json[] }>(sofia, '/v1/analytics/sla/compliance/by-period', filters(zone, { hours: 'calendar', granularity: 'week' }));
    expect(csvObjects(csv)).toEqual(asCsvCells(json.items));
    expect(json.items.length).toBeGreaterThan(0);

    // The breaches by day: days of the due instants in the zone, on the calendar clock.
    const href = await page
      .getByTestId('breaches-by-day')
      .getByRole('link', { name: /Export CSV/ })
      .getAttribute('href');
    const byDay = await page.request.get(`${p.urls.dashboard}${href}`);
    expect(byDay.headers()['content-disposition']).toContain('sla-breaches-by-day-calendar.csv');
    const days = await api<{ items: Json[] }>(sofia, '/v1/analytics/sla/breaches', filters(zone, { hours: 'calendar', by: 'day' }));
    expect(csvObjects(await byDay.text())).toEqual(asCsvCells(days.items));

    // Volumes in the zone; and a drill-down's export has as many rows as its total.
    await open(page, `/volumes?${range}&tz=${zone}`);
    const volumesHref = await page
      .getByTestId('messages')
      .getByRole('link', { name: /Export CSV/ })
      .getAttribute('href');
    const volumes = await page.request.get(`${p.urls.dashboard}${volumesHref}`);
    expect(volumes.headers()['content-type']).toContain('text/csv');
    const volumesJson = await api<{ items: Json[] }>(sofia, '/v1/analytics/volumes', filters(zone, { granularity: 'day' }));
    expect(csvObjects(await volumes.text())).toEqual(asCsvCells(volumesJson.items));

    await open(page, `/sla?${range}&hours=calendar`);
    await page.getByTestId('breached-first_response').getByRole('link').click();
    const { total } = await drillFigures(page);
    const drillHref = await page.getByRole('link', { name: /Export CSV/ }).getAttribute('href');
    const drill = csvObjects(await (await page.request.get(`${p.urls.dashboard}${drillHref}`)).text());
    expect(drill).toHaveLength(total);
    expect(drill.every((r) => r.outcome === 'breached')).toBe(true);
    await context.close();
  }, 90_000);

  it('keep agents out: /sla by URL is a 403, and so is its export', async () => {
    const { context, page } = await signedIn(p, p.key('agent:Ana'));
    const res = await open(page, `/sla`);
    expect(res!.status()).toBe(403);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Not available for your role');
    expect((await page.request.get(`${p.urls.dashboard}/api/export/sla-compliance`)).status()).toBe(403);
    expect((await open(page, `/drilldown?figure=handled`))!.status()).toBe(403);
    await context.close();
  }, 90_000);

  it("never show another tenant's rows, whatever the query string says", async () => {
    const b = p.demos[1]!;
    const bKey = b.keys.admin!;
    const bMe = await api<{ teams: { teamId: string }[]; userId: string }>(bKey, '/v1/me');
    const bTeam = bMe.teams[0]!.teamId;
    const bConversation = (await api<{ items: { id: string }[] }>(bKey, '/v1/conversations')).items[0]!.id;
    const { context, page } = await signedIn(p, p.key('supervisor:Sofia'));

    await open(page, `/volumes?${range}&team=${bTeam}`);
    for (const id of ['total-inbound', 'total-outbound', 'total-opened', 'total-closed']) expect(await number(page, id), id).toBe(0);
    await open(page, `/csat?${range}&team=${bTeam}`);
    expect(await number(page, 'csat-responses')).toBe(0);

    // Not found: a 404 status (the layout checks before the page's loading state streams), without B's rows.
    const bContact = (await api<{ contactName: string | null }>(bKey, `/v1/conversations/${bConversation}`)).contactName;
    const res = await open(page, `/conversations/${bConversation}`);
    expect(res!.status()).toBe(404);
    await expect.poll(() => page.locator('main, body').first().textContent()).toContain('could not be found');
    if (bContact) expect(await page.locator('body').textContent()).not.toContain(bContact);

    for (const q of [`figure=conversations_opened&team=${bTeam}`, `figure=csat_responses&agent=${bMe.userId}`, 'figure=handled']) {
      await open(page, `/drilldown?${range}&${q}`);
      const rows = page.getByTestId('drill-rows').locator('tbody a');
      const hrefs = (await rows.count()) ? await rows.evaluateAll((links) => links.map((a) => a.getAttribute('href'))) : [];
      expect(hrefs, q).not.toContain(`/conversations/${bConversation}`);
      if (q.includes('team=') || q.includes('agent=')) expect(await number(page, 'drill-total'), q).toBe(0);
    }
    const exported = await page.request.get(`${p.urls.dashboard}/api/export/drilldown?${range}&figure=conversations_opened&team=${bTeam}`);
    expect(exported.status()).toBe(200);
    expect(parseCsv(await exported.text())).toHaveLength(1); // the header, no row
    await context.close();
  }, 90_000);
});
