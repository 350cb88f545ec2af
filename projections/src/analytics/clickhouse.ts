import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { z } from 'zod';

export interface ClickHouseOptions {
  /** null: embedded chDB in this process. */
  url: string | null;
  /** chDB data directory, used when url is null. One process per directory. */
  dataDir: string;
  database: string;
  /** Cluster name for ON CLUSTER DDL, Replicated engines and Distributed tables; null: one node. */
  cluster: string | null;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Database and cluster names are the only text put into SQL: they come from
 * configuration, never from a request, and must be plain identifiers.
 */
export function identifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`${what} must be a plain identifier (letters, digits, _): ${JSON.stringify(name)}`);
  return name;
}

/**
 * The one ClickHouse client of a process. chDB applies `clickhouse_settings` as session
 * `SET`s that outlive the query, so the code passes per-query limits in SETTINGS clauses
 * instead and never sets client-level settings.
 */
export function createClickHouseClient(options: ClickHouseOptions): ClickHouseClient {
  identifier(options.database, 'ClickHouse database');
  if (options.cluster !== null) identifier(options.cluster, 'ClickHouse cluster');
  if (options.url !== null) return createClient({ url: options.url, request_timeout: 300_000 });
  // chdb types its Connection against its own copy of @clickhouse/client-common: the
  // same interface under another path, which TypeScript treats as different.
  type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;
  const connection = createChdbConnection({ path: options.dataDir }) as unknown as ClientConnection;
  return createClient({ connection });
}

/** ClickHouse's DateTime64 text form (UTC): what JSONEachRow input parses without best-effort mode. */
export function chTime(ms: number): string;
export function chTime(ms: number | null): string | null;
export function chTime(ms: number | null): string | null {
  if (ms === null) return null;
  // Slices instead of two replace() calls: this runs several times per fact row.
  const iso = new Date(ms).toISOString();
  return iso.length === 24 ? `${iso.slice(0, 10)} ${iso.slice(11, 23)}` : iso.replace('T', ' ').replace('Z', '');
}

/** Parses a DateTime64 read back as text (UTC). */
export const fromChTime = (text: string): number => Date.parse(`${text.replace(' ', 'T')}Z`);

/**
 * Rows of a query as JSON objects; numbers may come back as strings (UInt64 on a server).
 * With `row`, each is decoded by it (see `ch` for the columns' decoders).
 */
export async function queryRows<S extends z.ZodType>(client: ClickHouseClient, query: string, params: Record<string, unknown>, row: S): Promise<z.output<S>[]>;
export async function queryRows(client: ClickHouseClient, query: string, params?: Record<string, unknown>): Promise<Record<string, unknown>[]>;
export async function queryRows(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}, row?: z.ZodType): Promise<unknown[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  const rows = await result.json<Record<string, unknown>>();
  return row ? rows.map((r) => row.parse(r)) : rows;
}

/**
 * The one row of an aggregate without GROUP BY (ClickHouse answers one even over no
 * rows), decoded by `row`.
 */
export async function queryRow<S extends z.ZodType>(client: ClickHouseClient, query: string, params: Record<string, unknown>, row: S): Promise<z.output<S>> {
  const [first] = await queryRows(client, query, params, row);
  if (first === undefined) throw new Error('an aggregate query answered no row');
  return first;
}

/** DateTime64 text (UTC) as an ISO instant. */
export const isoFromChTime = (text: string): string => new Date(fromChTime(text)).toISOString();

/**
 * Decoders of JSONEachRow values by ClickHouse type. Integers are coerced: a server
 * quotes 64-bit ones (output_format_json_quote_64bit_integers), chDB does not.
 */
export const ch = {
  number: z.coerce.number(),
  numberOrNull: z.coerce.number().nullable(),
  numbers: z.array(z.coerce.number()),
  string: z.string(),
  stringOrNull: z.string().nullable(),
  /** DateTime64 as its text, e.g. for a cursor passed back as a parameter. */
  time: z.string(),
  /** Nullable DateTime64 as an ISO instant. */
  instantOrNull: z.string().transform(isoFromChTime).nullable(),
};
