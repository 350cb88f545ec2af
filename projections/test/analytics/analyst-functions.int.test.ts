import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYST_FUNCTIONS_BY_CATEGORY } from '../../src/analytics/analyst/analyst-functions.ts';
import { type FunctionCatalog, functionAllowed, functionCatalog } from '../../src/analytics/analyst/analyst-sql-guard.ts';
import { createClickHouseClient } from '../../src/analytics/clickhouse.ts';

/** The analysts' allow-list against the engine's own catalogue (system.functions). */
let dataDir: string;
let client: ClickHouseClient;
let catalog: FunctionCatalog;
let rows: { name: string; is_aggregate: number; case_insensitive: number; alias_to: string; categories: string }[];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'parley-chdb-functions-'));
  client = createClickHouseClient({ url: null, dataDir, database: 'parley', cluster: null });
  rows = await (
    await client.query({ query: 'SELECT name, is_aggregate, case_insensitive, alias_to, categories FROM system.functions', format: 'JSONEachRow' })
  ).json();
  catalog = functionCatalog(rows);
});

afterAll(async () => {
  await client?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('analyst functions', () => {
  it('every allowed name is a function of this engine (a typo or a removed function shows here)', () => {
    const names = new Set(rows.map((r) => r.name));
    const unknown = Object.values(ANALYST_FUNCTIONS_BY_CATEGORY)
      .flat()
      .filter((n) => n !== 'lambda' && !names.has(n));
    expect(unknown).toEqual([]);
  });

  it('nothing that reaches files, servers, dictionaries, settings or the host is allowed, in any spelling', () => {
    const denied = rows.filter((r) => /^(Other|Dictionary|Embedded Dictionary|Introspection|Internal|AI|Encryption)$/.test(r.categories)).map((r) => r.name);
    const dangerous = [
      'file',
      'url',
      'dictGet',
      'dictGetString',
      'dictHas',
      'joinGet',
      'getSetting',
      'getServerSetting',
      'getMacro',
      'hostName',
      'FQDN',
      'currentDatabase',
      'currentUser',
      'sleep',
      'sleepEachRow',
      'hasColumnInTable',
      'filesystemAvailable',
      'serverUUID',
      'uptime',
      'version',
      'initialQueryID',
      'queryID',
      'getClientHTTPHeader',
      'generateSerialID',
    ];
    for (const name of [...dangerous, ...denied.filter((n) => !(ANALYST_FUNCTIONS_BY_CATEGORY.Other as readonly string[]).includes(n))]) {
      for (const spelling of [name, name.toUpperCase(), `${name}If`, `${name}OrNull`]) {
        expect({ spelling, allowed: functionAllowed(catalog, spelling) }).toEqual({ spelling, allowed: false });
      }
    }
  });

  it('aliases and aggregate combinators resolve to allowed functions', () => {
    for (const name of [
      'substr',
      'COUNT',
      'median',
      'sumIf',
      'uniqExactState',
      'quantilesTDigestMerge',
      'avgOrNullIf',
      'groupArrayDistinct',
      'lambda',
      'toStartOfInterval',
    ]) {
      expect({ name, allowed: functionAllowed(catalog, name) }).toEqual({ name, allowed: true });
    }
    // A combinator on a function that is not an aggregate is not an aggregate.
    expect(functionAllowed(catalog, 'lowerIf')).toBe(false);
  });
});
