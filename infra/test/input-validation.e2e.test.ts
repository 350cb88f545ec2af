import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunningPlatform, type TestTenant } from './support/running-platform.ts';

/**
 * Input the query API once answered with a 500 (a store, ClickHouse or a comparison
 * threw on it): each is a 400 with the reason, and ClickHouse is never asked about an
 * instant or a zone it cannot hold.
 */
let platform: RunningPlatform;
let tenant: TestTenant;

beforeAll(async () => {
  platform = await RunningPlatform.start('input_validation', { analytics: true });
  tenant = await platform.tenant('odd');
  await platform.customerWrites(tenant, '5215500000101', 'first');
  await platform.customerWrites(tenant, '5215500000102', 'second');
});
afterAll(async () => {
  await platform?.stop();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const unb64 = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;

async function refused(path: string, message: string | RegExp, headers?: Record<string, string>) {
  const res = await platform.get(path, tenant.adminKey, headers);
  expect({ path, status: res.status }).toEqual({ path, status: 400 });
  expect(res.body.error).toBe('bad_request');
  if (typeof message === 'string') expect(res.body.message).toBe(message);
  else expect(res.body.message).toMatch(message);
}

describe('inbox reads', () => {
  it('refuse a minPosition that is no position of this log', async () => {
    for (const p of ['1/2/3', '////', '00000000000000000001/00000000000000000001', '99999999999999999999999']) {
      await refused(`/v1/conversations?minPosition=${encodeURIComponent(p)}`, 'querystring.minPosition: not a position returned by the command API');
    }
    await refused('/v1/conversations', 'parley-min-position: not a position returned by the command API', { 'parley-min-position': '1/2/3' });
  });

  it('refuse forged cursors that PostgreSQL would choke on', async () => {
    const cursorOf = async (sort: string) => {
      const page = await platform.get(`/v1/conversations?sort=${sort}&limit=1`, tenant.adminKey);
      expect(page.body.nextCursor, page.text).toEqual(expect.any(String));
      return unb64(page.body.nextCursor);
    };
    const lastActivity = await cursorOf('last_activity');
    for (const at of ['2026-01-01T00:00:00.000+23:59', '0000-01-01T00:00:00.000Z', '2026-01-01T00:00:00+15:00']) {
      await refused(`/v1/conversations?sort=last_activity&limit=1&cursor=${b64({ ...lastActivity, at })}`, 'cursor is not one this API issued');
    }
    const priority = await cursorOf('priority');
    await refused(`/v1/conversations?sort=priority&limit=1&cursor=${b64({ ...priority, r: 99_999_999_999 })}`, 'cursor is not one this API issued');
    const conversation = (await platform.get('/v1/conversations?limit=1', tenant.adminKey)).body.items[0].id as string;
    const messages = { s: 'messages', k: '0000001\u0000', id: '4fc088bd-e703-835e-9d04-5fa47c000001', o: 'asc' };
    await refused(`/v1/conversations/${conversation}/messages?cursor=${b64(messages)}`, 'cursor is not one this API issued');
  });

  it('refuse text PostgreSQL cannot hold in the search and the tag filter', async () => {
    await refused('/v1/conversations?q=%00x', 'querystring.q: must not contain U+0000 (NUL)');
    await refused('/v1/conversations?tag=a%00b', 'querystring.tag: must not contain U+0000 (NUL)');
  });
});

describe('time zones', () => {
  const range = 'from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z';

  it('are one rule for analytics and business hours: what both Intl and ClickHouse take', async () => {
    for (const tz of ['utc', 'US/Pacific-New']) {
      await refused(`/v1/analytics/volumes?${range}&timeZone=${encodeURIComponent(tz)}`, /^querystring\.timeZone: /);
      const res = await fetch(`${platform.commandUrl}/v1/teams/${tenant.teamId}/business-hours`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${tenant.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ timeZone: tz, periods: [{ day: 0, open: '09:00', close: '17:00' }] }),
      });
      expect({ tz, status: res.status, body: await res.json() }).toMatchObject({
        tz,
        status: 400,
        body: { message: expect.stringMatching(/^body\.timeZone: /) },
      });
    }
    expect((await platform.get(`/v1/analytics/volumes?${range}&timeZone=Asia/Kolkata`, tenant.adminKey)).status).toBe(200);
    await platform.put(
      `/v1/teams/${tenant.teamId}/business-hours`,
      { timeZone: 'Asia/Kolkata', periods: [{ day: 0, open: '09:00', close: '17:00' }] },
      tenant.adminKey,
    );
  });
});

describe('analytics instants', () => {
  it('are bounded to what the ClickHouse columns hold, with the reason', async () => {
    const bounds = 'must be between 1970-01-01T00:00:00Z and 2106-02-07T06:28:15Z (what the analytics store holds)';
    await refused('/v1/analytics/volumes?from=2299-01-01T00:00:00Z&to=2299-12-01T00:00:00Z', `querystring.from: ${bounds}; querystring.to: ${bounds}`);
    await refused('/v1/analytics/volumes?from=2106-01-01T00:00:00Z&to=2106-02-08T00:00:00Z', `querystring.to: ${bounds}`);
    await refused('/v1/analytics/sla/compliance?from=1969-12-31T00:00:00Z&to=1970-01-02T00:00:00Z', `querystring.from: ${bounds}`);
    // Up to the last second DateTime holds: an answer about then, not about today.
    const edge = await platform.get('/v1/analytics/volumes?from=2106-01-01T00:00:00Z&to=2106-02-07T06:28:15Z', tenant.adminKey);
    expect({ status: edge.status, items: edge.body.items }).toEqual({ status: 200, items: [] });
    await refused(
      '/v1/analytics/sla/conversations?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&target=first_response&day=2200-01-01',
      'querystring.day: must be between 1970-01-01 and 2149-06-06 (what the analytics store holds)',
    );
  });

  it('in a drill-down cursor are bounded too: a forged now is refused, not sent to ClickHouse', async () => {
    const drill = '/v1/analytics/sla/conversations?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&target=first_response';
    const cursor = { target: 'first_response', now: Date.now(), at: '2026-01-01 00:00:00.000', conversationId: 'c', episode: 0 };
    expect((await platform.get(`${drill}&cursor=${b64(cursor)}`, tenant.adminKey)).status).toBe(200);
    for (const now of [-8.64e15, -1e15, 8.64e15, 1e20]) await refused(`${drill}&cursor=${b64({ ...cursor, now })}`, 'cursor is not one this API issued');
    for (const at of ['-27182-04-20 00:00:00.000', '9999-99-99 99:99:99.999', '1899-12-31 23:59:59.999'])
      await refused(`${drill}&cursor=${b64({ ...cursor, at })}`, 'cursor is not one this API issued');
  });
});

describe('the query API edge', () => {
  it('answers framework errors in the error shape and echoes the request id', async () => {
    const res = await fetch(`${platform.queryUrl}/v1/conversations/%E0%A4%A`, {
      headers: { authorization: `Bearer ${tenant.adminKey}`, 'x-request-id': 'q-trace-1' },
    });
    expect({ status: res.status, id: res.headers.get('x-request-id'), body: await res.json() }).toEqual({
      status: 400,
      id: 'q-trace-1',
      body: { error: 'bad_request', message: expect.any(String) },
    });
  });
});
