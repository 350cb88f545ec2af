import { z } from 'zod';

/** Every error answer of every API: a stable code and a reason a person can act on. */
export const ErrorBody = z.object({ error: z.string(), message: z.string() });
export type ErrorBody = z.infer<typeof ErrorBody>;

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 422 | 429 | 503;

/** Response schemas for the error statuses a route can answer, for its OpenAPI entry. */
export const errorResponses = <S extends ErrorStatus>(...statuses: S[]) =>
  Object.fromEntries(statuses.map((s) => [s, ErrorBody])) as Record<S, typeof ErrorBody>;

/**
 * A log position as the command API returns it and the query API takes it back for
 * read-your-writes (PostgreSQL: digits; EventStoreDB: commit/prepare).
 */
export const LogPosition = z
  .string()
  .regex(/^[0-9/]{1,64}$/, 'a position returned by the command API')
  .describe('Position of the last event written: pass it to the query API to read your writes');
