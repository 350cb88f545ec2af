import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { badRequest } from '../errors.ts';
import { registerErrorHandler } from './error-handler.ts';
import type { ErrorBody } from './wire.ts';

/**
 * The HTTP edge both APIs share, beyond authentication: request ids, the error log,
 * Node's and Fastify's own error answers in our error shape, and the input guard.
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route takes text as sent, U+0000 and lone surrogates included: the WhatsApp
     * webhook, whose raw body is signed, and whose customers' words are repaired into
     * the store rather than refused (a refused delivery is lost for good).
     */
    rawText?: boolean;
  }
}

export interface EdgeOptions {
  /** Request logs (PARLEY_LOG=true). Off, 5xx answers are still logged. */
  requestLog: boolean;
  /** Where log lines go (one JSON object a line); default standard output. */
  logStream?: { write(line: string): unknown };
}

/** Printable ASCII without spaces: safe in a log line and in a response header. */
const SANE_ID = /^[\x21-\x7e]{1,200}$/;

function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  for (const name of ['x-correlation-id', 'x-request-id']) {
    const given = req.headers[name];
    if (typeof given === 'string' && SANE_ID.test(given)) return given;
  }
  return randomUUID();
}

/** API keys (and anything sent as a bearer token) never reach a log line, whatever carried them. */
const scrubSecrets = (line: string) =>
  line.replace(/prl_[0-9a-f]{32}_[0-9a-f]{32}_[A-Za-z0-9_-]+/g, 'prl_[redacted]').replace(/(bearer\s+)[^\s"\\]+/gi, '$1[redacted]');

const logger = (options: EdgeOptions) => ({
  level: options.requestLog ? 'info' : 'error',
  stream: options.logStream ?? process.stdout,
  serializers: {
    // The path only: query strings carry tokens (the webhook handshake's hub.verify_token).
    req: (req: { method?: string; url?: string }) => ({ method: req.method, path: req.url?.split('?')[0] }),
    res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
    // Message, stack and code: driver errors carry more (a failing row, parameters) that may hold secrets.
    err: (err: Error & { code?: unknown }) => ({ type: err.name, message: err.message, code: err.code, stack: err.stack ?? '' }),
  },
  redact: { paths: ['req.headers.authorization', 'req.headers["x-hub-signature-256"]', '*.apiKey', '*.appSecret', '*.verifyToken'], censor: '[redacted]' },
  hooks: { streamWrite: scrubSecrets },
});

const send = (reply: FastifyReply, status: number, body: ErrorBody) => reply.header('x-request-id', reply.request.id).status(status).send(body);

/** Errors Fastify answers before any route runs (a malformed URL, an over-long parameter). */
function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode ?? 500;
  if (status < 500) return send(reply, status, { error: 'bad_request', message: error.message });
  request.log.error({ err: error, req: request.raw, status }, 'request failed');
  return send(reply, status, { error: 'internal', message: `internal error (request ${request.id})` });
}

/** Node's answers to what is not HTTP it can parse, in our error shape, status kept. */
function clientErrorHandler(error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request took too long to arrive']
        : [400, 'malformed HTTP request'];
  const body = JSON.stringify({ error: 'bad_request', message } satisfies ErrorBody);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** Fastify options of every API: spread into `Fastify({...})`. */
export function edgeServerOptions(options: EdgeOptions) {
  return {
    logger: logger(options),
    genReqId: requestId,
    frameworkErrors,
    clientErrorHandler,
  } satisfies FastifyServerOptions;
}

/** Nesting deeper than any of our bodies: refused before anything walks it. */
export const MAX_NESTING = 32;
/** U+0000 (PostgreSQL text and jsonb cannot hold it) or a UTF-16 surrogate without its pair (in a u regex, pairs are one code point). */
const UNSTORABLE = /[\u0000\p{Cs}]/u;

const whyUnstorable = (s: string) => (s.includes('\u0000') ? 'must not contain U+0000 (NUL)' : 'must not contain a lone UTF-16 surrogate');

/**
 * The first string (value or key) anywhere in `value` that no store can hold, or a
 * nesting deeper than MAX_NESTING, as `<path>: <reason>`. Iterative: a hostile depth
 * cannot overflow the stack.
 */
export function unstorableInput(part: string, value: unknown): string | null {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: part, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value: v, path, depth } = next;
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return `${path}: ${whyUnstorable(v)}`;
      continue;
    }
    if (typeof v !== 'object' || v === null || Buffer.isBuffer(v)) continue;
    if (depth >= MAX_NESTING) return `${path}: nested deeper than ${MAX_NESTING} levels`;
    const entries = Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      // The key itself is not echoed: it is what cannot be shown.
      if (UNSTORABLE.test(key)) return `${path}: a key ${whyUnstorable(key)}`;
      pending.push({ value: child, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return null;
}

/**
 * Error answers, the request id on every answer, and the input guard: a string that
 * holds U+0000 or a lone surrogate is a 400 at the edge, for every route but those
 * marked `rawText`, instead of a 500 from whichever store meets it first.
 */
export function registerEdge(app: FastifyInstance) {
  registerErrorHandler(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('preValidation', async (request) => {
    if (!request.routeOptions.url || request.routeOptions.config.rawText) return;
    const problem = unstorableInput('params', request.params) ?? unstorableInput('querystring', request.query) ?? unstorableInput('body', request.body);
    if (problem) throw badRequest(problem);
  });
}
