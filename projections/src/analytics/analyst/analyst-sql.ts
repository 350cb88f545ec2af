import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { type ClickHouseOptions, createClickHouseClient } from '../clickhouse.ts';
import { type AnalystScope, scopeDatabase, scopeStatements } from './analyst-scopes.ts';
import { AnalystSqlRefused, checkAnalystAst, type FunctionCatalog, functionCatalog, parseAstDump } from './analyst-sql-guard.ts';

export interface AnalystLimits {
  /** max_execution_time, seconds: the engine stops the query then (chDB cannot cancel it earlier). */
  maxExecutionSeconds: number;
  /** Rows returned at most. */
  maxRows: number;
  /** Bytes of the answer at most, in the engine (max_result_bytes) and as JSON text. */
  maxResultBytes: number;
  /** max_memory_usage of one query, bytes. */
  maxMemoryBytes: number;
  /** max_threads of one query: the rest of the cores stay with the projector and the reports. */
  maxThreads: number;
  /** Analyst queries running at once in this process, each on an engine session of its own. */
  concurrency: number;
  /** How long a query waits for a free session before it is answered "busy". */
  queueWaitMs: number;
}

export const DEFAULT_ANALYST_LIMITS: AnalystLimits = {
  maxExecutionSeconds: 10,
  maxRows: 10_000,
  maxResultBytes: 16 * 1024 * 1024,
  maxMemoryBytes: 512 * 1024 * 1024,
  maxThreads: 1,
  concurrency: 1,
  queueWaitMs: 2_000,
};

/** Every session is taken, or this scope already has a query running: try again later. */
export class AnalystBusy extends Error {
  override readonly name = 'AnalystBusy';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The engine refused or failed the statement (unknown column, a limit hit, …): the analyst's to fix. */
export class AnalystQueryFailed extends Error {
  override readonly name = 'AnalystQueryFailed';
}

export { AnalystSqlRefused };

interface EngineSession {
  client: ClickHouseClient;
  /** Server: the HTTP session that keeps `USE`; chDB: each connection keeps its own state. */
  sessionId: string | undefined;
}

type Params = Record<string, string | number | boolean>;

const DUMP_FORMAT = 'TabSeparatedRaw';
const engineMessage = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 2000);
const scopeKey = (scope: AnalystScope) => (scope.kind === 'platform' ? 'platform' : scope.tenantId);

/**
 * Analysts' read-only SQL, apart from everything else the process asks ClickHouse.
 *
 * - Its own engine sessions: chDB runs the queries of one connection one after another,
 *   so an analyst query on the platform's connection stalled every report and the
 *   projector. Analyst sessions run beside it, with `maxThreads` of the cores.
 * - Deny by default: the statement is parsed by the engine (`EXPLAIN AST`) and refused
 *   unless it is one SELECT over plain table names that calls only allowed functions.
 * - Tenancy by the engine: the query runs with its scope's database of views as the
 *   current database (analyst-scopes.ts).
 * - Bounded: time, memory, rows and bytes per query; `concurrency` sessions; one query
 *   at a time per scope, so one tenant's analyst cannot take every session.
 */
export class AnalystSql {
  private readonly limits: AnalystLimits;
  private readonly idle: EngineSession[] = [];
  private readonly waiting: ((session: EngineSession) => void)[] = [];
  private readonly all: EngineSession[] = [];
  private readonly running = new Set<string>();
  private readonly prepared = new Set<string>();
  private catalog: Promise<FunctionCatalog> | undefined;
  private closed = false;

  constructor(private readonly options: { clickhouse: ClickHouseOptions; limits?: Partial<AnalystLimits> }) {
    this.limits = { ...DEFAULT_ANALYST_LIMITS, ...options.limits };
    for (const [name, value] of Object.entries(this.limits)) {
      if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`analyst limit ${name} must be a positive integer`);
    }
  }

  get limitsInForce(): Readonly<AnalystLimits> {
    return this.limits;
  }

  async run(scope: AnalystScope, sql: string, params: Params = {}): Promise<{ rows: Record<string, unknown>[]; rowCount: number }> {
    const key = scopeKey(scope);
    if (this.running.has(key)) {
      throw new AnalystBusy('one analyst query at a time: the previous one is still running', this.limits.maxExecutionSeconds);
    }
    this.running.add(key);
    try {
      const session = await this.acquire();
      try {
        return await this.runOn(session, scope, sql, params);
      } finally {
        this.release(session);
      }
    } finally {
      this.running.delete(key);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all.map((s) => s.client.close()));
  }

  private async runOn(session: EngineSession, scope: AnalystScope, sql: string, params: Params) {
    const { client, sessionId } = session;
    const ask = async <T>(query: string, query_params: Record<string, unknown> = {}) =>
      (await client.query({ query, query_params, format: 'JSONEachRow', session_id: sessionId })).json<T>();

    // The statement travels as a bound value here: nothing of it is parsed as SQL yet.
    let formatted: string;
    try {
      const [row] = await ask<{ q: string }>('SELECT formatQuerySingleLine({sql:String}) AS q', { sql });
      formatted = row?.q ?? '';
    } catch (error) {
      throw new AnalystSqlRefused(`not one valid statement: ${engineMessage(error)}`);
    }
    // EXPLAIN AST parses, never runs; formatQuerySingleLine has already proved the text is one statement.
    let dump: string[];
    try {
      const text = await (await client.query({ query: `EXPLAIN AST ${formatted}`, query_params: params, format: DUMP_FORMAT, session_id: sessionId })).text();
      // chDB wraps each line in double quotes whatever the format; a server does not.
      dump = text
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => (line.length >= 2 && line.startsWith('"') && line.endsWith('"') ? line.slice(1, -1) : line));
    } catch (error) {
      throw new AnalystSqlRefused(`not a valid statement: ${engineMessage(error)}`);
    }
    const databases = (await ask<{ name: string }>('SELECT name FROM system.databases')).map((r) => r.name);
    checkAnalystAst(parseAstDump(dump), { catalog: await this.functionCatalog(client, sessionId), databases, dumpFormat: DUMP_FORMAT });

    const database = scopeDatabase(this.options.clickhouse.database, scope);
    if (!this.prepared.has(database)) {
      for (const statement of scopeStatements(this.options.clickhouse.database, this.options.clickhouse.cluster, scope)) {
        await client.command({ query: statement, session_id: sessionId });
      }
      this.prepared.add(database);
    }
    await client.command({ query: `USE ${database}`, session_id: sessionId });

    const l = this.limits;
    // The statement is a subquery, so nothing but a SELECT parses; readonly = 1 comes
    // last, after the limits, so nothing in the statement can lift them.
    const bounded =
      `SELECT * FROM (${formatted}) SETTINGS max_execution_time = ${l.maxExecutionSeconds}, max_threads = ${l.maxThreads}, priority = 10, ` +
      `max_result_rows = ${l.maxRows}, max_result_bytes = ${l.maxResultBytes}, result_overflow_mode = 'throw', ` +
      `max_memory_usage = ${l.maxMemoryBytes}, readonly = 1`;
    let text: string;
    try {
      text = await (await client.query({ query: bounded, query_params: params, format: 'JSONEachRow', session_id: sessionId })).text();
    } catch (error) {
      throw new AnalystQueryFailed(`query refused or failed: ${engineMessage(error)}`);
    }
    // The engine counts its own block bytes; the JSON text can be larger.
    if (Buffer.byteLength(text) > l.maxResultBytes) {
      throw new AnalystQueryFailed(`the answer is larger than ${l.maxResultBytes} bytes: aggregate further or select fewer columns`);
    }
    const rows =
      text.length === 0
        ? []
        : text
            .trimEnd()
            .split('\n')
            .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { rows, rowCount: rows.length };
  }

  private functionCatalog(client: ClickHouseClient, sessionId: string | undefined): Promise<FunctionCatalog> {
    this.catalog ??= (async () => {
      const rows = await (
        await client.query({
          query: 'SELECT name, is_aggregate, case_insensitive, alias_to FROM system.functions',
          format: 'JSONEachRow',
          session_id: sessionId,
        })
      ).json<{ name: string; is_aggregate: number; case_insensitive: number; alias_to: string }>();
      return functionCatalog(rows);
    })();
    this.catalog.catch(() => {
      this.catalog = undefined;
    });
    return this.catalog;
  }

  private acquire(): Promise<EngineSession> {
    if (this.closed) return Promise.reject(new Error('analyst SQL is closed'));
    const free = this.idle.pop();
    if (free) return Promise.resolve(free);
    if (this.all.length < this.limits.concurrency) {
      const { clickhouse } = this.options;
      // chDB: another connection to the same data directory, with state of its own.
      const session: EngineSession = { client: createClickHouseClient(clickhouse), sessionId: clickhouse.url ? randomUUID() : undefined };
      this.all.push(session);
      return Promise.resolve(session);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(take), 1);
        reject(new AnalystBusy(`every analyst session is busy (${this.limits.concurrency}): try again shortly`, this.limits.maxExecutionSeconds));
      }, this.limits.queueWaitMs);
      const take = (session: EngineSession) => {
        clearTimeout(timer);
        resolve(session);
      };
      this.waiting.push(take);
    });
  }

  private release(session: EngineSession) {
    const next = this.waiting.shift();
    if (next) next(session);
    else this.idle.push(session);
  }
}
