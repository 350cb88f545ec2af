import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsApi } from '../support/analytics-api.ts';

/**
 * Analysts' SQL as an attacker would use it: every escape to the host's files, other
 * servers, the engine's settings and other databases is refused with a 4xx; a tenant's
 * analyst reads their tenant's rows and nobody else's, however the query is written; and
 * no analyst query stalls the reports or takes more than its share.
 */
let api: AnalyticsApi;
const SECRET = `secret-${Math.random().toString(36).slice(2)}`;
let secretFile: string;

beforeAll(async () => {
  api = await AnalyticsApi.start('analyst_sql', { analystLimits: { maxExecutionSeconds: 3, maxResultBytes: 1_000_000, queueWaitMs: 200 } });
  // A file the engine process can read, and a dictionary over it, as an operator might have.
  secretFile = join(api.dataDir, 'secret.tsv');
  writeFileSync(secretFile, `1\t${SECRET}\n`);
  await api.analytics.client.command({
    query: `CREATE DICTIONARY IF NOT EXISTS parley.secrets (id UInt64, value String) PRIMARY KEY id SOURCE(FILE(path '${secretFile}' format 'TabSeparated')) LAYOUT(FLAT()) LIFETIME(0)`,
  });
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

describe('escapes are refused with a 4xx, for the platform analyst and a tenant analyst alike', () => {
  const escapes: [string, RegExp][] = [
    [`SELECT file('${'/etc/hostname'}')`, /function file is not allowed/],
    [`SELECT FILE('/etc/hostname')`, /function FILE is not allowed/],
    ["SELECT `file`('/etc/hostname')", /function file is not allowed/],
    ["SELECT arrayMap(x -> file(x), ['/etc/hostname'])", /function file is not allowed/],
    ["WITH file('/etc/hostname') AS f SELECT f", /function file is not allowed/],
    ["SELECT * FROM file('/etc/hostname', 'LineAsString')", /table functions are not allowed/],
    ["SELECT * FROM url('http://127.0.0.1:9/x', 'CSV', 'a String')", /table functions are not allowed/],
    ["SELECT * FROM s3('http://127.0.0.1:9/b/x.csv', 'CSV', 'a String')", /table functions are not allowed/],
    ["SELECT * FROM executable('cat /etc/passwd', 'LineAsString', 'x String')", /table functions are not allowed/],
    ["SELECT * FROM remote('127.0.0.1', system.one)", /table functions are not allowed/],
    ["SELECT * FROM mysql('127.0.0.1:3306', 'test', 't', 'root', '')", /table functions are not allowed/],
    ["SELECT * FROM postgresql('127.0.0.1:5432', 'postgres', 'pg_authid', 'postgres', '')", /table functions are not allowed/],
    ["SELECT * FROM sqlite('/tmp/x.db', 't')", /table functions are not allowed/],
    ["SELECT * FROM input('x String')", /table functions are not allowed/],
    ["SELECT * FROM merge('parley', '.*')", /table functions are not allowed/],
    ['SELECT * FROM view(SELECT * FROM message_facts)', /table functions are not allowed/],
    ['SELECT count() FROM numbers(1000000000000)', /table functions are not allowed/],
    ["SELECT * FROM message_facts AS m JOIN url('http://127.0.0.1:9/', 'CSV', 'a String') AS u ON 1 = 1", /table functions are not allowed/],
    ["SELECT dictGet('parley.secrets', 'value', toUInt64(1))", /function dictGet is not allowed/],
    ["SELECT dictGetString('parley.secrets', 'value', toUInt64(1))", /function dictGetString is not allowed/],
    ['SELECT * FROM parley.secrets', /qualified table names are not allowed/],
    ["SELECT joinGet('parley.message_facts', 'tenant_id', 1)", /function joinGet is not allowed/],
    ['SELECT * FROM system.tables', /qualified table names are not allowed/],
    ['SELECT * FROM system.settings', /qualified table names are not allowed/],
    ['SELECT * FROM `system`.`users`', /qualified table names are not allowed/],
    ['SELECT * FROM INFORMATION_SCHEMA.TABLES', /qualified table names are not allowed/],
    ['SELECT 1 IN system.one', /qualified by a database/],
    ['SELECT system.one.dummy FROM message_facts', /qualified by a database/],
    ["SELECT getSetting('max_memory_usage')", /function getSetting is not allowed/],
    ["SELECT getServerSetting('user_files_path')", /function getServerSetting is not allowed/],
    ['SELECT hostName(), currentUser()', /function hostName is not allowed/],
    ['SELECT currentDatabase()', /function currentDatabase is not allowed/],
    ['SELECT sleep(3)', /function sleep is not allowed/],
    ['SELECT * FROM (SELECT 1 SETTINGS readonly = 0)', /SETTINGS/],
    ['SELECT * FROM (SELECT count() FROM message_facts SETTINGS max_execution_time = 1000)', /SETTINGS/],
    ['SELECT 1 SETTINGS max_result_rows = 1000000000', /SETTINGS/],
    ['SELECT 1 FORMAT CSV', /FORMAT|not a valid statement/],
    ["SELECT 1 INTO OUTFILE '/tmp/parley-outfile'", /INTO OUTFILE|not a valid statement/],
    ['SELECT * APPLY(hex) FROM message_facts', /not allowed/],
    ['SHOW TABLES', /only SELECT/],
    ['DESCRIBE TABLE message_facts', /only SELECT/],
    ['EXPLAIN SELECT 1', /only SELECT/],
    ["INSERT INTO message_facts (tenant_id) VALUES ('x')", /only SELECT/],
    ['SELECT 1; SELECT 2', /not one valid statement/],
  ];

  for (const who of ['platform', 'tenant'] as const) {
    it(`as the ${who} analyst`, async () => {
      const key = who === 'platform' ? api.analystKey : api.keys.analyst!;
      for (const [sql, reason] of escapes) {
        const res = await api.sql(sql, key);
        expect({ sql, status: res.status }).toEqual({ sql, status: 400 });
        expect({ sql, message: String(res.body.message) }).toEqual({ sql, message: expect.stringMatching(reason) });
        expect(res.text).not.toContain(SECRET);
      }
    });
  }

  it('parameters cannot smuggle a name past the check; quotes in literals and parameters are plain text', async () => {
    const smuggled = await api.sql('SELECT * FROM {t:Identifier}', api.keys.analyst!, { t: 'system.one' });
    expect(smuggled.status).toBe(400);
    expect(String(smuggled.body.message)).toMatch(/qualified table names are not allowed/);
    const db = await api.sql('SELECT count() FROM {d:Identifier}.message_facts', api.keys.analyst!, { d: 'parley' });
    expect(db.status).toBe(400);
    const quoted = await api.sql("SELECT 'it''s' AS a, {x:String} AS b, count() AS n FROM message_facts WHERE tenant_id = {x:String}", api.keys.analyst!, {
      x: "' OR 1=1 --",
    });
    expect(quoted.status).toBe(200);
    expect(quoted.body.rows).toEqual([{ a: "it's", b: "' OR 1=1 --", n: 0 }]);
  });

  it('an unqualified name never reaches a table outside the analyst’s views', async () => {
    // The dictionary and the bookkeeping tables live in `parley`; the analyst's current
    // database holds only views, so their plain names are unknown there.
    for (const sql of ['SELECT * FROM secrets', 'SELECT * FROM projector_checkpoints', 'SELECT * FROM schema_migrations', 'SELECT * FROM one']) {
      const res = await api.sql(sql, api.keys.analyst!);
      expect({ sql, status: res.status }).toEqual({ sql, status: 400 });
      expect(res.text).not.toContain(SECRET);
    }
  });
});

describe('a tenant analyst reads their tenant’s rows only', () => {
  /** Every tenant id and conversation id of another tenant that an answer holds. */
  const leaks = (text: string, own: string) => {
    const found: string[] = [];
    for (const [who, tenantId] of Object.entries(api.tenants)) if (tenantId !== own && text.includes(tenantId)) found.push(`tenant ${who}`);
    for (const [tenantId, ids] of Object.entries(api.conversationsOf)) {
      if (tenantId === own) continue;
      for (const id of ids) if (text.includes(id)) found.push(`conversation ${id}`);
    }
    return found;
  };

  const tricks = (other: string) => [
    'SELECT DISTINCT tenant_id FROM message_facts',
    'SELECT * FROM message_facts',
    'SELECT * FROM conversation_facts',
    `SELECT * FROM message_facts WHERE tenant_id = '${other}'`,
    `SELECT * FROM message_facts WHERE tenant_id = '${other}' OR 1 = 1`,
    `SELECT * FROM response_facts WHERE tenant_id != ''`,
    'SELECT DISTINCT m.tenant_id, c.conversation_id FROM message_facts AS m JOIN conversation_facts AS c ON m.conversation_id = c.conversation_id',
    'SELECT DISTINCT m.tenant_id FROM message_facts AS m CROSS JOIN conversation_facts AS c',
    'SELECT DISTINCT a.tenant_id, b.tenant_id, b.conversation_id FROM message_facts AS a FULL OUTER JOIN response_facts AS b ON a.conversation_id = b.conversation_id',
    'SELECT tenant_id, conversation_id FROM (SELECT * FROM (SELECT * FROM conversation_facts)) GROUP BY tenant_id, conversation_id',
    'SELECT conversation_id FROM message_facts WHERE tenant_id IN (SELECT tenant_id FROM conversation_facts)',
    'SELECT tenant_id FROM message_facts UNION ALL SELECT tenant_id FROM response_facts UNION DISTINCT SELECT tenant_id FROM service_levels',
    'SELECT conversation_id FROM conversation_facts INTERSECT SELECT conversation_id FROM response_facts',
    'SELECT arrayJoin(groupUniqArray(tenant_id)) FROM message_facts',
    'SELECT arrayJoin(groupArray(conversation_id)) AS c FROM conversation_facts',
    'SELECT t FROM conversation_facts ARRAY JOIN [tenant_id, conversation_id] AS t',
    'WITH (SELECT groupArray(conversation_id) FROM conversation_facts) AS ids SELECT arrayJoin(ids)',
    'WITH everything AS (SELECT * FROM message_facts) SELECT DISTINCT tenant_id FROM everything',
    'SELECT * FROM `message_facts`',
    'SELECT * FROM "conversation_facts"',
    'SELECT tenant_id, count() FROM message_volume_15m GROUP BY tenant_id',
    'SELECT tenant_id, uniqExactMerge(x) FROM (SELECT tenant_id, uniqExactState(conversation_id) AS x FROM conversation_facts GROUP BY tenant_id) GROUP BY tenant_id',
    'SELECT * FROM response_times_agent_hourly',
    'SELECT * FROM message_volume_team_15m',
    'SELECT * FROM agent_activity',
  ];

  it('joins, subqueries, UNION, arrayJoin and spellings all stay inside the tenant', async () => {
    for (const [who, key] of [
      ['acme', api.keys.analyst!],
      ['other', api.keys.otherAnalyst!],
    ] as const) {
      const own = api.tenants[who];
      const other = who === 'acme' ? api.tenants.other : api.tenants.acme;
      for (const sql of tricks(other)) {
        const res = await api.sql(sql, key);
        expect({ who, sql, status: res.status }).toEqual({ who, sql, status: 200 });
        expect({ who, sql, leaks: leaks(res.text, own) }).toEqual({ who, sql, leaks: [] });
      }
      // The answer is not empty: the tenant's own rows are there.
      const mine = await api.sql('SELECT DISTINCT tenant_id FROM message_facts', key);
      expect(mine.body.rows).toEqual([{ tenant_id: own }]);
    }
  });

  it('other spellings of another database are refused', async () => {
    const otherHex = api.tenants.other.replace(/-/g, '');
    for (const sql of [
      'SELECT * FROM parley.message_facts',
      'SELECT * FROM `parley`.`message_facts`',
      'SELECT * FROM "parley"."message_facts"',
      'SELECT * FROM parley . message_facts',
      `SELECT * FROM parley_analyst_${otherHex}.message_facts`,
      'SELECT * FROM parley_analyst_platform.message_facts',
      `SELECT conversation_id FROM message_facts WHERE conversation_id IN parley.conversation_facts`,
      `SELECT parley.message_facts.tenant_id FROM message_facts`,
    ]) {
      const res = await api.sql(sql, api.keys.analyst!);
      expect({ sql, status: res.status }).toEqual({ sql, status: 400 });
      expect({ sql, leaks: leaks(res.text, api.tenants.acme) }).toEqual({ sql, leaks: [] });
    }
  });

  it('counts equal the platform analyst’s for the tenant; a tenant with no traffic sees zeros', async () => {
    for (const table of ['message_facts', 'conversation_facts', 'response_facts', 'service_levels', 'agent_activity']) {
      const platform = await api.sql(`SELECT count() AS n FROM ${table} WHERE tenant_id = {t:String}`, api.analystKey, { t: api.tenants.acme });
      const tenant = await api.sql(`SELECT count() AS n FROM ${table}`, api.keys.analyst!);
      expect({ table, n: Number(tenant.body.rows![0]!.n) }).toEqual({ table, n: Number(platform.body.rows![0]!.n) });
      const empty = await api.sql(`SELECT count() AS n, uniqExact(tenant_id) AS tenants FROM ${table}`, api.keys.emptyAnalyst!);
      expect({ table, row: empty.body.rows![0] }).toEqual({ table, row: { n: expect.anything(), tenants: expect.anything() } });
      expect({ table, n: Number(empty.body.rows![0]!.n), tenants: Number(empty.body.rows![0]!.tenants) }).toEqual({ table, n: 0, tenants: 0 });
    }
    const all = await api.sql('SELECT uniqExact(tenant_id) AS n FROM message_facts', api.analystKey);
    expect(Number(all.body.rows![0]!.n)).toBe(2);
  });

  it('is for analysts: other roles get 403, no key 401', async () => {
    for (const role of ['admin', 'supervisor', 'agent']) expect((await api.sql('SELECT 1', api.keys[role]!)).status).toBe(403);
    expect((await api.call('POST', `${api.baseUrl}/v1/analytics/sql`, undefined, { sql: 'SELECT 1' })).status).toBe(401);
  });
});

describe('limits keep a share of the engine for everyone else', () => {
  /** Runs ~1e12 rows through a cross join of two in-memory ranges: only the time limit stops it. */
  const HEAVY = 'SELECT sum(cityHash64(a, b)) AS s FROM (SELECT arrayJoin(range(1000000)) AS a) AS x CROSS JOIN (SELECT arrayJoin(range(1000000)) AS b) AS y';

  it('a report answers while an analyst query runs, and the analyst query times out', async () => {
    const started = Date.now();
    let analystDone = 0;
    const analyst = api.sql(HEAVY, api.keys.analyst!).then((r) => {
      analystDone = Date.now();
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    const report = await api.call('GET', `${api.baseUrl}/v1/analytics/volumes?${api.range}`, api.keys.supervisor);
    const reportDone = Date.now();
    expect(report.status).toBe(200);
    // On one shared engine session the report would wait for the analyst query.
    expect(analystDone).toBe(0);
    const res = await analyst;
    expect(res.status).toBe(400);
    expect(String(res.body.message)).toMatch(/Timeout exceeded/);
    expect(reportDone).toBeLessThan(analystDone);
    expect(analystDone - started).toBeLessThan(10_000);
  });

  it('the projector keeps projecting while an analyst query runs', async () => {
    const before = (await api.analytics.projector.status()).position;
    const analyst = api.sql(HEAVY, api.analystKey);
    await new Promise((r) => setTimeout(r, 200));
    const tenant = await api.call('POST', `${api.commandUrl}/v1/tenants`, api.adminKey, { name: 'Late', admin: { name: 'L', email: 'l@late.test' } });
    expect(tenant.status).toBe(201);
    await api.analytics.projector.waitFor();
    let pending = true;
    void analyst.finally(() => {
      pending = false;
    });
    await new Promise((r) => setImmediate(r));
    expect(pending).toBe(true);
    expect((await api.analytics.projector.status()).position).not.toBe(before);
    expect((await analyst).status).toBe(400);
  });

  it('one query at a time per scope, and all sessions busy answer 429 with Retry-After', async () => {
    const first = api.sql(HEAVY, api.keys.analyst!);
    await new Promise((r) => setTimeout(r, 200));
    const same = await api.sql('SELECT 1', api.keys.analyst!);
    expect(same.status).toBe(429);
    expect(same.headers.get('retry-after')).toMatch(/^\d+$/);
    // Another tenant's analyst waits for the one session (concurrency 1), then is told to come back.
    const other = await api.sql('SELECT 1', api.keys.otherAnalyst!);
    expect(other.status).toBe(429);
    expect((await first).status).toBe(400);
    expect((await api.sql('SELECT 1 AS one', api.keys.otherAnalyst!)).body.rows).toEqual([{ one: 1 }]);
  });

  it('answers are capped in bytes, not only rows: one huge groupArray row is refused', async () => {
    const res = await api.sql("SELECT groupArray(repeat('x', 1000)) AS big FROM (SELECT arrayJoin(range(100000)))", api.keys.analyst!);
    expect(res.status).toBe(400);
    expect(String(res.body.message)).toMatch(/Limit for result exceeded|larger than/);
    expect(res.text.length).toBeLessThan(10_000);
  });
});
