import { slaCompliance, volumes } from '@parley/projections/analytics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsApi } from '../support/analytics-api.ts';

/**
 * The analytics endpoints over real HTTP: tenants and keys made through the command API,
 * conversations generated into the same log, the projector into an embedded chDB.
 * Analysts' SQL, its escapes and its limits: analyst-sql.e2e.test.ts.
 */
let api: AnalyticsApi;
let baseUrl: string;
let keys: Record<string, string>;
let tenantId: string;
let otherTenantId: string;
let now: Date;
let range: string;
let conversationsOf: Record<string, Set<string>>;
let acmeTeam: string;
let acmeAgent: string;
let analytics: AnalyticsApi['analytics'];
let app: AnalyticsApi['app'];

const call = (method: string, url: string, key?: string, body?: unknown) => api.call(method, url, key, body);

/** A GET whose answer is read as text (CSV), with its content type. */
async function text(url: string, key: string, accept?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (accept) headers.accept = accept;
  const res = await fetch(url, { headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '', body: await res.text() };
}

beforeAll(async () => {
  api = await AnalyticsApi.start('analytics_api', { analystLimits: { maxRows: 500 } });
  ({ baseUrl, keys, now, range, conversationsOf, acmeTeam, acmeAgent, analytics, app } = api);
  tenantId = api.tenants.acme;
  otherTenantId = api.tenants.other;
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

describe('supervisor reports', () => {
  it('answer the key tenant’s figures, the same the report functions compute', async () => {
    const res = await call('GET', `${baseUrl}/v1/analytics/sla/compliance?${range}&timeZone=America/Mexico_City`, keys.supervisor);
    expect(res.status).toBe(200);
    const direct = await slaCompliance(analytics.client, analytics.database, {
      tenantId,
      from: new Date(decodeURIComponent(range.split('&')[0]!.slice(5))),
      to: new Date(decodeURIComponent(range.split('&')[1]!.slice(3))),
      timeZone: 'America/Mexico_City',
      now,
    });
    expect(res.body.items).toEqual(direct);
    expect(direct.find((r) => r.target === 'first_response')!.met).toBeGreaterThan(0);
  });

  it('every report answers for admins, supervisors and analysts of the tenant', async () => {
    for (const path of ['sla/percentiles', 'sla/breaches?by=day', 'volumes?granularity=hour', 'response-times?granularity=day', 'agents/leaderboard']) {
      for (const role of ['admin', 'supervisor', 'analyst']) {
        const res = await call('GET', `${baseUrl}/v1/analytics/${path}${path.includes('?') ? '&' : '?'}${range}`, keys[role]);
        expect({ path, role, status: res.status }).toEqual({ path, role, status: 200 });
      }
    }
    const volumes = await call('GET', `${baseUrl}/v1/analytics/volumes?${range}`, keys.supervisor);
    expect((volumes.body.items ?? []).length).toBeGreaterThan(0);
  });

  it('are scoped to the key’s tenant', async () => {
    // Other has conversations of its own, but none of Acme's team.
    const res = await call('GET', `${baseUrl}/v1/analytics/volumes?${range}&teamId=${acmeTeam}`, keys.otherAdmin);
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { items: [] } });
    const own = await call('GET', `${baseUrl}/v1/analytics/volumes?${range}`, keys.otherAdmin);
    expect((own.body.items ?? []).length).toBeGreaterThan(0);
  });

  it('every report takes team and agent filters; volumes filtered equal the report function', async () => {
    const filters = `teamId=${acmeTeam}&agentId=${acmeAgent}`;
    for (const path of [
      'sla/compliance',
      'sla/percentiles',
      'sla/breaches?by=team',
      'volumes?granularity=day',
      'response-times?granularity=total',
      'agents/leaderboard',
      'handle-time',
      'sla/conversations?target=resolution',
    ]) {
      const res = await call('GET', `${baseUrl}/v1/analytics/${path}${path.includes('?') ? '&' : '?'}${range}&${filters}`, keys.supervisor);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
    const res = await call('GET', `${baseUrl}/v1/analytics/volumes?${range}&agentId=${acmeAgent}&granularity=day`, keys.supervisor);
    const [from, to] = range.split('&').map((p) => new Date(decodeURIComponent(p.split('=')[1]!)));
    const direct = await volumes(analytics.client, analytics.database, { tenantId, from: from!, to: to!, timeZone: 'UTC', agentId: acmeAgent, now }, 'day');
    expect(direct.length).toBeGreaterThan(0);
    expect(res.body.items).toEqual(direct);
    const all = await call('GET', `${baseUrl}/v1/analytics/volumes?${range}&granularity=day`, keys.supervisor);
    const total = (items: Record<string, unknown>[] | undefined) => (items ?? []).reduce((n, r) => n + Number(r.messages), 0);
    expect(total(res.body.items)).toBeLessThan(total(all.body.items));
  });

  it('refuse a filter that cannot apply, with the reason, instead of ignoring it', async () => {
    const res = await call('GET', `${baseUrl}/v1/analytics/queue-wait?${range}&agentId=${acmeAgent}`, keys.supervisor);
    expect(res.status).toBe(400);
    expect(String(res.body.message)).toMatch(/agentId does not apply to wait time/);
    // A misspelt filter is refused by name, not ignored into an unfiltered answer.
    const misspelt = await call('GET', `${baseUrl}/v1/analytics/volumes?${range}&team=${acmeTeam}`, keys.supervisor);
    expect(misspelt.status).toBe(400);
    expect(String(misspelt.body.message)).toMatch(/team/);
    expect(String(misspelt.body.message)).toMatch(/[Uu]nrecognized/);
    const team = await call('GET', `${baseUrl}/v1/analytics/queue-wait?${range}&teamId=${acmeTeam}`, keys.supervisor);
    expect(team.status).toBe(200);
    expect((team.body.wait as { count: number }).count).toBeGreaterThan(0);
  });

  it('refuse agents, missing keys and bad input with the reason', async () => {
    expect((await call('GET', `${baseUrl}/v1/analytics/volumes?${range}`, keys.agent)).status).toBe(403);
    expect((await call('GET', `${baseUrl}/v1/analytics/volumes?${range}`)).status).toBe(401);
    const tz = await call('GET', `${baseUrl}/v1/analytics/volumes?${range}&timeZone=Mars/Olympus`, keys.supervisor);
    expect(tz.status).toBe(400);
    expect(String(tz.body.message)).toMatch(/time zone/);
    const backwards = await call('GET', `${baseUrl}/v1/analytics/volumes?from=2026-03-05T00:00:00Z&to=2026-03-01T00:00:00Z`, keys.supervisor);
    expect(backwards.status).toBe(400);
    expect(String(backwards.body.message)).toMatch(/after from/);
    expect((await call('GET', `${baseUrl}/v1/analytics/sla/breaches?${range}&by=weather`, keys.supervisor)).status).toBe(400);
  });
});

describe('drill-down and CSV', () => {
  const drill = (key: string, query: string) => call('GET', `${baseUrl}/v1/analytics/sla/conversations?${range}&${query}`, key);

  it('lists only the key tenant’s conversations, for two tenants with data, page by page', async () => {
    const seen: Record<string, Set<string>> = {};
    for (const [who, key, tenant] of [
      ['acme', keys.supervisor!, tenantId],
      ['other', keys.otherAdmin!, otherTenantId],
    ] as const) {
      const ids = new Set<string>();
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await drill(key, `target=first_response_all&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect({ who, status: res.status }).toEqual({ who, status: 200 });
        for (const item of res.body.items ?? []) ids.add(String(item.conversationId));
        cursor = (res.body.nextCursor as string | null) ?? null;
        pages += 1;
      } while (cursor);
      expect(pages).toBeGreaterThan(2);
      expect(
        [...ids].every((id) => conversationsOf[tenant]!.has(id)),
        who,
      ).toBe(true);
      seen[who] = ids;
    }
    expect([...seen.acme!].some((id) => seen.other!.has(id))).toBe(false);
  });

  it('breached items of a team match the compliance figure; bad input answers 400 with the reason', async () => {
    const compliance = await call('GET', `${baseUrl}/v1/analytics/sla/compliance?${range}&teamId=${acmeTeam}`, keys.supervisor);
    const breached = (compliance.body.items ?? []).find((r) => r.target === 'first_response')!.breached;
    const res = await drill(keys.supervisor!, `target=first_response&outcome=breached&teamId=${acmeTeam}&limit=1000`);
    expect(res.body.items?.length).toBe(breached);
    expect(res.body.items?.every((i) => i.outcome === 'breached' && i.teamId === acmeTeam)).toBe(true);

    const wrongTarget = await drill(keys.supervisor!, `target=first_response&limit=2`);
    const reuse = await drill(keys.supervisor!, `target=resolution&cursor=${encodeURIComponent(String(wrongTarget.body.nextCursor))}`);
    expect(reuse.status).toBe(400);
    expect(String(reuse.body.message)).toMatch(/issued for target "first_response"/);
    expect((await drill(keys.supervisor!, 'target=weather')).status).toBe(400);
    expect((await drill(keys.supervisor!, 'target=resolution&day=2026-13-40')).status).toBe(400);
    expect((await drill(keys.agent!, 'target=resolution')).status).toBe(403);
  });

  it('exports the drill-down as CSV with every row, and refuses a cursor with CSV', async () => {
    const json = await drill(keys.supervisor!, 'target=next_response&limit=1000');
    const csv = await text(`${baseUrl}/v1/analytics/sla/conversations?${range}&target=next_response&format=csv`, keys.supervisor!);
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    expect(csv.disposition).toBe('attachment; filename="sla-next_response-any-business.csv"');
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('conversationId,episode,kind,startedAt,endedAt,teamId,agentId,priority,wallSeconds,businessSeconds,targetSeconds,dueAt,outcome');
    expect(lines.length - 1).toBe(json.body.items!.length);
    const first = json.body.items![0]!;
    expect(lines[1]).toBe(
      [
        first.conversationId,
        first.episode,
        first.kind,
        first.startedAt,
        first.endedAt,
        first.teamId,
        first.agentId,
        first.priority,
        first.wallSeconds,
        first.businessSeconds,
        first.targetSeconds,
        first.dueAt,
        first.outcome,
      ]
        .map((v) => (v === null ? '' : String(v)))
        .join(','),
    );
    const withCursor = await call('GET', `${baseUrl}/v1/analytics/sla/conversations?${range}&target=next_response&format=csv&cursor=abc`, keys.supervisor);
    expect(withCursor.status).toBe(400);
  });

  it('exports every report as CSV through Accept: text/csv or format=csv, same figures as the JSON', async () => {
    const compliance = await call('GET', `${baseUrl}/v1/analytics/sla/compliance?${range}`, keys.supervisor);
    const csv = await text(`${baseUrl}/v1/analytics/sla/compliance?${range}`, keys.supervisor!, 'text/csv');
    expect(csv.type).toMatch(/^text\/csv/);
    expect(csv.body).toBe(
      ['target,met,breached,compliancePct', ...(compliance.body.items ?? []).map((r) => [r.target, r.met, r.breached, r.compliancePct ?? ''].join(','))].join(
        '\r\n',
      ) + '\r\n',
    );
    const percentiles = await text(`${baseUrl}/v1/analytics/sla/percentiles?${range}&format=csv`, keys.supervisor!);
    expect(percentiles.body.split('\r\n')[0]).toBe('measure,clock,count,p50,p90,p95');
    // One line per measure, on the clock hours chooses (business by default; calendar: wall).
    expect(percentiles.body.trimEnd().split('\r\n')).toHaveLength(1 + 5);
    expect(percentiles.body.split('\r\n')[1]).toMatch(/^firstResponse,business,/);
    const calendar = await text(`${baseUrl}/v1/analytics/sla/percentiles?${range}&format=csv&hours=calendar`, keys.supervisor!);
    expect(calendar.body.split('\r\n')[1]).toMatch(/^firstResponse,wall,/);
    for (const path of [
      'sla/breaches?by=day',
      'volumes?granularity=hour',
      'response-times?granularity=day',
      'agents/leaderboard',
      'queue-wait',
      'handle-time',
    ]) {
      const res = await text(`${baseUrl}/v1/analytics/${path}${path.includes('?') ? '&' : '?'}${range}&format=csv`, keys.analyst!);
      expect({ path, status: res.status, csv: /^text\/csv/.test(res.type), lines: res.body.trimEnd().split('\r\n').length > 1 }).toEqual({
        path,
        status: 200,
        csv: true,
        lines: true,
      });
    }
    // format=json wins over the Accept header.
    const explicit = await text(`${baseUrl}/v1/analytics/volumes?${range}&format=json`, keys.supervisor!, 'text/csv');
    expect(explicit.type).toMatch(/^application\/json/);
    expect(Array.isArray((JSON.parse(explicit.body) as { items: unknown }).items)).toBe(true);
  });
});

describe('OpenAPI', () => {
  it('describes the new routes from their zod schemas: filters, drill-down parameters, JSON or CSV answers', async () => {
    await app.ready();
    const doc = app.swagger() as { paths: Record<string, { get?: { parameters?: { name: string }[]; responses: Record<string, unknown> } }> };
    for (const path of ['/v1/analytics/sla/conversations', '/v1/analytics/queue-wait', '/v1/analytics/handle-time', '/v1/analytics/volumes']) {
      const names = (doc.paths[path]?.get?.parameters ?? []).map((p) => p.name);
      expect({ path, names }).toEqual({ path, names: expect.arrayContaining(['from', 'to', 'timeZone', 'teamId', 'agentId', 'format']) });
    }
    const drill = doc.paths['/v1/analytics/sla/conversations']!.get!;
    expect(drill.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['target', 'outcome', 'priority', 'day', 'limit', 'cursor']));
    expect(JSON.stringify(drill.responses['200'])).toContain('nextCursor');
  });
});

describe('analyst SQL', () => {
  const sql = (body: unknown, key = api.analystKey) => call('POST', `${baseUrl}/v1/analytics/sql`, key, body);

  it('runs a parameterized SELECT across tenants with the platform analyst key', async () => {
    const res = await sql({ sql: 'SELECT count() AS n FROM message_facts WHERE tenant_id = {tenant:String}', params: { tenant: tenantId } });
    expect(res.status).toBe(200);
    expect(Number((res.body.rows as { n: unknown }[])[0]!.n)).toBeGreaterThan(0);
  });

  it('is for the platform analyst key and tenant analysts only', async () => {
    expect((await sql({ sql: 'SELECT 1' }, keys.admin)).status).toBe(403);
    expect((await sql({ sql: 'SELECT 1' }, keys.supervisor)).status).toBe(403);
    expect((await sql({ sql: 'SELECT 1' }, api.adminKey)).status).toBe(401);
    expect((await sql({ sql: 'SELECT 1' }, keys.analyst)).status).toBe(200);
  });

  it('refuses writes, DDL, several statements, files and oversized answers', async () => {
    const refused = async (statement: string, reason: RegExp) => {
      const res = await sql({ sql: statement });
      expect({ statement, status: res.status }).toEqual({ statement, status: 400 });
      expect(String(res.body.message)).toMatch(reason);
    };
    await refused("INSERT INTO service_levels (tenant_id) VALUES ('x')", /only SELECT/);
    await refused('DROP TABLE message_facts', /only SELECT/);
    await refused('SELECT 1; DROP TABLE message_facts', /not one valid statement/);
    await refused("SELECT * FROM file('/etc/hostname', 'LineAsString')", /table functions are not allowed/);
    await refused('SELECT arrayJoin(range(100000)) AS n', /Limit for result exceeded/);
    await refused('SELECT 1 SETTINGS readonly = 0', /SETTINGS/);
    const still = await sql({ sql: 'SELECT count() AS n FROM message_facts' });
    expect(Number((still.body.rows as { n: unknown }[])[0]!.n)).toBeGreaterThan(0);
  });
});
