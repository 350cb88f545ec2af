import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newWamid, signBody, statusUpdate, unixNow, webhookEnvelope } from '@parley/command/testing';

/**
 * A local stand-in for Meta's WhatsApp Cloud API `messages` endpoint, answering in the formats
 * Meta documents (Graph API error envelope, send response, signed status webhooks), so that the
 * workers' sending, retry and status handling can be exercised without Meta.
 */

export interface FakeNumber {
  accessToken: string;
  appSecret: string;
  displayPhoneNumber?: string;
  /** messages/s this number accepts before 130429 (default 80) */
  throughputPerSecond?: number;
}

export interface FakeSend {
  wamid: string;
  phoneNumberId: string;
  to: string;
  type: string;
  /** the request JSON */
  body: unknown;
  callbackData: string | null;
  at: number;
}

export type FakeError =
  | {
      code: 131047 | 130429 | 131056 | 131026 | 190 | 500 | 503;
      /** default 1 */
      times?: number;
      /** only for this recipient */
      to?: string;
    }
  | { timeoutMs: number; times?: number };

export interface FakeCloudApiOptions {
  /** Parley's webhook URL: status webhooks are POSTed there, signed; null: none posted. */
  webhookUrl: string | null;
  /** Delay before each status webhook (default 10 ms between sent, delivered, read). */
  statusDelayMs?: number;
  /** Post `read` before `delivered` (WhatsApp does not promise order). */
  outOfOrder?: boolean;
  host?: string;
  port?: number;
}

interface NumberState {
  number: FakeNumber;
  /** Tokens this number had before: they get the "session expired" 190 rather than "cannot parse". */
  oldTokens: Set<string>;
  /** Acceptance times (ms) within the last second, oldest first. */
  window: number[];
  failures: { error: FakeError; left: number }[];
}

interface GraphError {
  status: number;
  /** The key counted in `refused`. */
  code: number;
  body: { error: Record<string, unknown> };
  headers?: Record<string, string>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const POST_ATTEMPTS = 4;
const POST_TIMEOUT_MS = 5_000;
const MESSAGES_PATH = /^\/v\d+\.\d+\/([^/]+)\/messages\/?$/;

const fbtraceId = (): string => `A${randomBytes(16).toString('base64url').slice(0, 22)}`;

function graphError(status: number, code: number, fields: Record<string, unknown>, countAs = code): GraphError {
  return { status, code: countAs, body: { error: { ...fields, code, fbtrace_id: fbtraceId() } } };
}

function invalidParameter(details: string): GraphError {
  return graphError(400, 100, {
    message: '(#100) Invalid parameter',
    type: 'OAuthException',
    error_data: { messaging_product: 'whatsapp', details },
  });
}

function messagingError(code: number, title: string, details: string): GraphError {
  return graphError(400, code, {
    message: `(#${code}) ${title}`,
    type: 'OAuthException',
    error_data: { messaging_product: 'whatsapp', details },
  });
}

function expiredToken(): GraphError {
  const now = new Date();
  const message = `Error validating access token: Session has expired on ${new Date(now.getTime() - 60_000).toUTCString()}. The current time is ${now.toUTCString()}.`;
  return {
    ...graphError(401, 190, { message, type: 'OAuthException', error_subcode: 463 }),
    headers: { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${message}"` },
  };
}

function unparsableToken(): GraphError {
  const message = 'Invalid OAuth access token - Cannot parse access token';
  return {
    ...graphError(401, 190, { message, type: 'OAuthException' }),
    headers: { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${message}"` },
  };
}

/** The synchronous answers Meta gives for each injectable code. */
function injectedError(code: Extract<FakeError, { code: number }>['code']): GraphError {
  switch (code) {
    case 131047:
      return messagingError(
        131047,
        'Re-engagement message',
        'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      );
    case 131026:
      return messagingError(
        131026,
        'Message undeliverable',
        'Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number; the recipient has not accepted the new Terms of Service; the recipient is using an old WhatsApp version.',
      );
    case 130429:
      return throughputError();
    case 131056:
      return messagingError(
        131056,
        '(Business Account, Consumer Account) pair rate limit hit',
        'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
      );
    case 190:
      return expiredToken();
    // Graph has no error code equal to the HTTP status: these are its generic 500 and 503
    // answers, counted in `refused` under the HTTP status the test asked for.
    case 500:
      return graphError(
        500,
        131000,
        {
          message: '(#131000) Something went wrong',
          type: 'OAuthException',
          is_transient: true,
          error_data: { messaging_product: 'whatsapp', details: 'Something went wrong' },
        },
        500,
      );
    case 503:
      return graphError(503, 2, { message: 'Service temporarily unavailable', type: 'OAuthException', is_transient: true }, 503);
  }
}

const throughputError = (): GraphError => messagingError(130429, 'Rate limit hit', 'Cloud API message throughput has been reached.');

/** Just the fields the Cloud API insists on; anything else passes through, as with Meta. */
function validate(body: unknown): { to: string; type: string; callbackData: string | null } | GraphError {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return invalidParameter('Request body must be a JSON object.');
  const b = body as Record<string, unknown>;
  if (b.messaging_product !== 'whatsapp') {
    return graphError(400, 100, { message: '(#100) The parameter messaging_product is required.', type: 'OAuthException' });
  }
  if (b.recipient_type !== undefined && b.recipient_type !== 'individual') return invalidParameter('Param recipient_type must be one of {INDIVIDUAL}.');
  if (typeof b.to !== 'string' || b.to.replace(/\D/g, '') === '') {
    return graphError(400, 100, { message: '(#100) The parameter to is required.', type: 'OAuthException' });
  }
  const type = b.type === undefined ? 'text' : b.type;
  if (typeof type !== 'string' || type === '') return invalidParameter('Param type must be a string.');
  const content = b[type];
  if (typeof content !== 'object' || content === null) return invalidParameter(`Param ${type} is required for type ${type}.`);
  if (type === 'text' && typeof (content as { body?: unknown }).body !== 'string') return invalidParameter("Param text['body'] is required.");
  if (type === 'template') {
    const t = content as { name?: unknown; language?: { code?: unknown } };
    if (typeof t.name !== 'string' || t.name === '') return invalidParameter("Param template['name'] is required.");
    if (typeof t.language?.code !== 'string') return invalidParameter("Param template['language']['code'] is required.");
  }
  const cb = b.biz_opaque_callback_data;
  if (cb !== undefined && typeof cb !== 'string') return invalidParameter('Param biz_opaque_callback_data must be a string.');
  if (typeof cb === 'string' && cb.length > 512) return invalidParameter('Param biz_opaque_callback_data must be at most 512 characters long.');
  return { to: b.to, type, callbackData: cb ?? null };
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export class FakeCloudApi {
  readonly url: string;
  outOfOrder: boolean;
  /** false: accepted sends get no status webhooks (Meta's are late), so nothing reconciles them. */
  postStatuses = true;
  /** Runs after a send is accepted and before its answer goes back: a test's chance to break something in between. */
  beforeAnswer: ((send: FakeSend) => Promise<void>) | undefined;
  readonly sends: FakeSend[] = [];
  readonly refused = new Map<number, number>();
  /** Status webhooks Parley's endpoint answered with 2xx, and those given up after retries. */
  webhooksPosted = 0;
  webhooksFailed = 0;

  private readonly numbers = new Map<string, NumberState>();
  private readonly callbackCounts = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly abort = new AbortController();
  private closed = false;

  private constructor(
    private readonly server: Server,
    url: string,
    private readonly options: FakeCloudApiOptions,
  ) {
    this.url = url;
    this.outOfOrder = options.outOfOrder ?? false;
  }

  static async start(options: FakeCloudApiOptions): Promise<FakeCloudApi> {
    const host = options.host ?? '127.0.0.1';
    let api: FakeCloudApi | undefined;
    const server = createServer((req, res) => {
      api!
        .handle(req, res)
        .catch(() => answer(res, 500, { error: { message: 'fake: internal error', type: 'OAuthException', code: 1, fbtrace_id: fbtraceId() } }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    api = new FakeCloudApi(server, `http://${host.includes(':') ? `[${host}]` : host}:${port}`, options);
    return api;
  }

  addNumber(phoneNumberId: string, number: FakeNumber): void {
    this.numbers.set(phoneNumberId, { number: { ...number }, oldTokens: new Set(), window: [], failures: [] });
  }

  setAccessToken(phoneNumberId: string, token: string): void {
    const state = this.state(phoneNumberId);
    if (state.number.accessToken !== token) state.oldTokens.add(state.number.accessToken);
    state.oldTokens.delete(token);
    state.number.accessToken = token;
  }

  failNext(phoneNumberId: string, error: FakeError): void {
    this.state(phoneNumberId).failures.push({ error, left: Math.max(1, error.times ?? 1) });
  }

  duplicates(): number {
    let count = 0;
    for (const n of this.callbackCounts.values()) count += n - 1;
    return count;
  }

  async settled(): Promise<void> {
    // A webhook chain may still be scheduling when this is called: wait until none is left.
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Clients keep connections alive (undici does by default): without this, close() waits for them.
    this.server.closeAllConnections();
    await stopped;
    await this.settled();
  }

  private state(phoneNumberId: string): NumberState {
    const state = this.numbers.get(phoneNumberId);
    if (state === undefined) throw new Error(`FakeCloudApi: no number ${phoneNumberId}; call addNumber first`);
    return state;
  }

  private refuse(res: ServerResponse, error: GraphError): void {
    this.refused.set(error.code, (this.refused.get(error.code) ?? 0) + 1);
    answer(res, error.status, error.body, error.headers);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const match = MESSAGES_PATH.exec(path);
    const raw = await readBody(req);
    if (match === null || req.method !== 'POST') {
      return this.refuse(res, graphError(400, 2500, { message: `Unknown path components: ${path}`, type: 'OAuthException' }));
    }
    const phoneNumberId = decodeURIComponent(match[1]!);
    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    const state = this.numbers.get(phoneNumberId);

    // Graph authenticates before it looks the object up.
    const knownToken = token !== undefined && [...this.numbers.values()].some((s) => s.number.accessToken === token);
    if (state === undefined) {
      if (!knownToken) return this.refuse(res, token !== undefined && this.isOldToken(token) ? expiredToken() : unparsableToken());
      return this.refuse(
        res,
        graphError(400, 100, {
          message: `Unsupported post request. Object with ID '${phoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
          type: 'GraphMethodException',
          error_subcode: 33,
        }),
      );
    }
    if (token !== state.number.accessToken) {
      return this.refuse(res, token !== undefined && state.oldTokens.has(token) ? expiredToken() : unparsableToken());
    }

    if (raw === null) return this.refuse(res, invalidParameter('Request body too large.'));
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return this.refuse(res, invalidParameter('Request body is not valid JSON.'));
    }
    const valid = validate(body);
    if ('status' in valid) return this.refuse(res, valid);

    const injected = this.takeFailure(state, valid.to);
    if (injected !== undefined && 'code' in injected) return this.refuse(res, injectedError(injected.code));

    const now = Date.now();
    while (state.window.length > 0 && state.window[0]! <= now - 1000) state.window.shift();
    if (state.window.length >= (state.number.throughputPerSecond ?? 80)) return this.refuse(res, throughputError());
    state.window.push(now);

    const wamid = newWamid();
    // A timed-out request is still recorded and its statuses still posted: Meta may well have
    // processed a request whose answer the client never saw, and the client's retry of it is
    // exactly how duplicate sends happen. Recording it here lets tests count them.
    this.sends.push({ wamid, phoneNumberId, to: valid.to, type: valid.type, body, callbackData: valid.callbackData, at: now });
    if (valid.callbackData !== null) this.callbackCounts.set(valid.callbackData, (this.callbackCounts.get(valid.callbackData) ?? 0) + 1);
    if (this.postStatuses) this.scheduleStatuses(phoneNumberId, state.number, wamid, valid);

    await this.beforeAnswer?.(this.sends.at(-1)!);
    if (injected !== undefined) await this.sleep(injected.timeoutMs);
    answer(res, 200, {
      messaging_product: 'whatsapp',
      contacts: [{ input: valid.to, wa_id: valid.to.replace(/\D/g, '') }],
      messages: [{ id: wamid, ...(valid.type === 'template' && { message_status: 'accepted' }) }],
    });
  }

  private isOldToken(token: string): boolean {
    return [...this.numbers.values()].some((s) => s.oldTokens.has(token));
  }

  private takeFailure(state: NumberState, to: string): FakeError | undefined {
    const index = state.failures.findIndex((f) => !('to' in f.error) || f.error.to === undefined || f.error.to === to);
    if (index < 0) return undefined;
    const entry = state.failures[index]!;
    if (--entry.left <= 0) state.failures.splice(index, 1);
    return entry.error;
  }

  /** Resolves after `ms`, or at once when the fake closes. */
  private sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }

  private scheduleStatuses(phoneNumberId: string, number: FakeNumber, wamid: string, send: { to: string; type: string; callbackData: string | null }): void {
    const url = this.options.webhookUrl;
    if (url === null) return;
    const order = this.outOfOrder ? (['sent', 'read', 'delivered'] as const) : (['sent', 'delivered', 'read'] as const);
    const delay = this.options.statusDelayMs ?? 10;
    const category = send.type === 'template' ? 'utility' : 'service';
    const conversationId = randomBytes(16).toString('hex');
    // WhatsApp stamps each status when it happened, whatever order it posts them in:
    // delivered within the second of sending, read a second later.
    const sentAt = Number(unixNow());
    const happenedAt = { sent: sentAt, delivered: sentAt, read: sentAt + 1 } as const;

    // One chain per message, so the order chosen above is the order Parley receives them in.
    const chain = (async () => {
      for (const status of order) {
        await this.sleep(delay);
        if (this.closed) return;
        const built: Record<string, unknown> = {
          ...statusUpdate({
            id: wamid,
            status,
            recipientId: send.to.replace(/\D/g, ''),
            timestamp: String(happenedAt[status]),
            pricing: { billable: true, category },
            conversationId,
          }),
        };
        // Meta prices a message on sent and delivered; read carries no conversation or pricing.
        if (status === 'read') {
          delete built.conversation;
          delete built.pricing;
        }
        if (send.callbackData !== null) built.biz_opaque_callback_data = send.callbackData;
        const envelope = webhookEnvelope({
          phoneNumberId,
          ...(number.displayPhoneNumber !== undefined && { displayPhoneNumber: number.displayPhoneNumber }),
          statuses: [built as ReturnType<typeof statusUpdate>],
        });
        await this.post(url, JSON.stringify(envelope), number.appSecret);
      }
    })();
    this.pending.add(chain);
    void chain.finally(() => this.pending.delete(chain));
  }

  private async post(url: string, body: string, appSecret: string): Promise<void> {
    const signature = signBody(body, appSecret);
    for (let attempt = 1; attempt <= POST_ATTEMPTS && !this.closed; attempt++) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
          body,
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(POST_TIMEOUT_MS)]),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) {
          this.webhooksPosted++;
          return;
        }
      } catch {
        // Refused, reset or timed out: retried below like any other failed delivery.
      }
      if (attempt < POST_ATTEMPTS) await this.sleep(50 * 2 ** (attempt - 1));
    }
    if (!this.closed) this.webhooksFailed++;
  }
}
