import {
  chargeObject,
  disputeObject,
  invoiceObject,
  paymentIntentObject,
  signBody,
  stripeEvent,
  stripeSignature,
  subscriptionObject,
  textMessage,
  webhookEnvelope,
} from '@parley/command/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, ANALYST_KEY, RunningPlatform, STRIPE_SECRET, type TestTenant } from './support/running-platform.ts';

/**
 * No input is a 5xx: every route of both APIs, enumerated from their OpenAPI, gets
 * generated query strings, paths, headers and bodies, valid and hostile (U+0000, lone
 * surrogates, huge numbers, odd instants and zones, forged cursors and positions, deep
 * nesting), with a key the route takes so requests reach validation and handlers. Every
 * answer is below 500, and every error has the documented `{ error, message }` shape.
 */
/** CI's budget; PARLEY_FUZZ_RUNS=500 for a longer hunt. */
const RUNS_PER_ROUTE = Number(process.env.PARLEY_FUZZ_RUNS ?? 20);

let platform: RunningPlatform;
let tenant: TestTenant;
type Schema = Record<string, any>;
interface Operation {
  base: string;
  method: string;
  path: string;
  params: { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema: Schema }[];
  body?: Schema;
}
const operations: Operation[] = [];
/** Ids that exist, so path and filter ids reach real rows as often as missing ones. */
const ids: string[] = [];
const conversationIds: string[] = [];
/** Not the tenant admin's own: the test would revoke the key it runs with. */
const userIds: string[] = [];
/** Positions the command API answered. */
const positions: string[] = [];
/** Cursors the APIs issued, by the field they page, for forging variants of them. */
const cursors: { path: RegExp; payload: Record<string, unknown> }[] = [];

beforeAll(async () => {
  platform = await RunningPlatform.start('adversarial_input', { analytics: true });
  tenant = await platform.tenant('fuzz');
  const written = [];
  for (const [i, waId] of ['5215500000201', '5215500000202', '5215500000203'].entries())
    written.push(await platform.customerWrites(tenant, waId, `hello ${i}`));
  const again = await platform.customerWrites(tenant, '5215500000201', 'second message');
  const conversation = (await platform.get(`/v1/conversations/${again.conversationId}?minPosition=${again.position}`, tenant.adminKey)).body;
  positions.push('1', ...written.map((w) => w.position));
  conversationIds.push(...written.map((w) => w.conversationId));
  userIds.push(tenant.supervisor.userId, ...tenant.agents.map((a) => a.userId));
  ids.push(tenant.teamId, tenant.supervisor.userId, ...tenant.agents.map((a) => a.userId), ...written.map((w) => w.conversationId), conversation.contactId);

  const unb64 = (c: string) => JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Record<string, unknown>;
  for (const sort of ['last_activity', 'longest_waiting', 'priority']) {
    const page = await platform.get(`/v1/conversations?sort=${sort}&limit=1`, tenant.adminKey);
    cursors.push({ path: /^\/v1\/conversations$/, payload: unb64(page.body.nextCursor) });
  }
  const messages = await platform.get(`/v1/conversations/${again.conversationId}/messages?limit=1`, tenant.adminKey);
  cursors.push({ path: /\/messages$/, payload: unb64(messages.body.nextCursor) });
  const drill = `/v1/analytics/sla/conversations?from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}&target=first_response&limit=1`;
  for (let i = 0; i < 100; i++) {
    const page = await platform.get(drill, tenant.adminKey);
    if (page.body?.nextCursor) {
      cursors.push({ path: /^\/v1\/analytics\/sla\/conversations$/, payload: unb64(page.body.nextCursor) });
      break;
    }
    await new Promise((r) => setTimeout(r, 100)); // the ClickHouse projector catches up
  }

  for (const base of [platform.commandUrl, platform.queryUrl]) {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, Schema>> };
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        operations.push({ base, method: method.toUpperCase(), path, params: op.parameters ?? [], body: op.requestBody?.content?.['application/json']?.schema });
      }
    }
  }
}, 120_000);
afterAll(async () => {
  await platform?.stop();
});

// ------------------------------------------------------------------ hostile values

const NUL = fc.constantFrom('\u0000', 'a\u0000b', 'x\u0000');
const SURROGATE = fc.constantFrom('\ud800', 'x\udc00y', '\udbff');
const NUMBERISH = fc.constantFrom('99999999999999999999999', '1e400', '-1e400', 'NaN', 'Infinity', '-0', '9007199254740993', '0x10', '1.5', '-1', '');
const INSTANTS = fc.constantFrom(
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '1899-12-31T23:59:59Z',
  '1969-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00Z',
  '2038-01-19T03:14:08Z',
  '2106-02-07T06:28:15Z',
  '2106-02-07T06:28:16Z',
  '2149-06-07T00:00:00Z',
  '2299-12-31T23:59:59.999Z',
  '2300-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999+23:59',
  '2024-02-29T12:00:00-15:59',
  '2026-02-29T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '2026-13-01T00:00:00Z',
);
const DAYS = fc.constantFrom('0000-01-01', '1969-12-31', '1970-01-01', '2149-06-06', '2149-06-07', '9999-12-31', '2026-02-29', '2024-02-29');
const ZONES = fc.constantFrom(
  'utc',
  'UTC',
  'US/Pacific-New',
  'Asia/Kolkata',
  'Asia/Calcutta',
  'America/Coyhaique',
  'Etc/GMT+14',
  'EST5EDT',
  'Europe/Madrid',
  '../../etc/passwd',
  '',
);
const POSITIONS = fc.constantFrom('1/2/3', '////', '0', '1', '00000000000000000001/00000000000000000001', '18446744073709551616', '9223372036854775808', '-1');
const DEEP = fc.integer({ min: 30, max: 3000 }).map((n) => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`) as unknown);
const STRINGS = fc.oneof(
  NUL,
  SURROGATE,
  NUMBERISH,
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('x'.repeat(5_000), ' ', '%', '../', "'; DROP TABLE x; --", '{tz:String}'),
);
const ANY_HOSTILE: fc.Arbitrary<unknown> = fc.oneof(
  STRINGS,
  fc.constantFrom(null, true, -1, 0, 2 ** 31, 2 ** 53 + 2, 1e21, -1e21, 0.5, Number.MAX_VALUE),
  fc.constantFrom([], {}, [null], { a: { b: '\u0000' } }, { '\u0000': 1 }),
  DEEP,
);

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A cursor an API issued with one field replaced, or no cursor of ours at all. */
const forgedCursor = (path: string) => {
  const own = cursors.filter((c) => c.path.test(path));
  const forged =
    own.length === 0
      ? []
      : [
          fc
            .constantFrom(...own)
            .chain((c) =>
              fc
                .tuple(fc.constantFrom(...Object.keys(c.payload)), fc.oneof(ANY_HOSTILE, INSTANTS, fc.integer()))
                .map(([k, v]) => b64({ ...c.payload, [k]: v })),
            ),
        ];
  return fc.oneof(...forged, fc.jsonValue().map(b64), STRINGS, fc.constantFrom(...own.map((c) => b64(c.payload)), 'garbage'));
};

/** Hostile values fitting a parameter's name, then anything. */
function hostile(name: string, path: string): fc.Arbitrary<unknown> {
  const byName: Record<string, fc.Arbitrary<unknown>> = {
    timeZone: ZONES,
    minPosition: POSITIONS,
    cursor: forgedCursor(path),
    from: INSTANTS,
    to: INSTANTS,
    day: DAYS,
    holidays: fc.array(DAYS, { maxLength: 3 }),
  };
  return byName[name] ? fc.oneof(byName[name]!, ANY_HOSTILE) : ANY_HOSTILE;
}

// ------------------------------------------------------------------ values from schemas

/** Mostly valid, so requests get past validation to the handlers; now and then hostile. */
function fromSchema(schema: Schema, name: string, path: string, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 12, arbitrary: validFor(schema, name, path, depth) }, { weight: 1, arbitrary: hostile(name, path) });
}

/** Valid values for parameters whose schema alone says too little. */
function validByName(name: string, path: string): fc.Arbitrary<unknown> | undefined {
  const own = cursors.filter((c) => c.path.test(path)).map((c) => b64(c.payload));
  const byName: Record<string, fc.Arbitrary<unknown> | undefined> = {
    timeZone: fc.constantFrom('UTC', 'Europe/Madrid', 'Asia/Kolkata', 'America/Mexico_City'),
    cursor: own.length > 0 ? fc.constantFrom(...own) : undefined,
    minPosition: fc.constantFrom(...positions),
    // Short: a position past the head waits this long.
    waitMs: fc.integer({ min: 0, max: 20 }),
    q: fc.constantFrom('hello', '"second message"', 'hello -second', 'or'),
    name: path.includes('/projections/') ? fc.constantFrom('inbox-x', 'nope') : undefined,
    id: path.startsWith('/v1/conversations/')
      ? fc.oneof(fc.constantFrom(...conversationIds), fc.uuid())
      : path.startsWith('/v1/users/')
        ? fc.oneof(fc.constantFrom(...userIds), fc.uuid())
        : undefined,
    status: path.startsWith('/v1/conversations')
      ? fc.subarray(['new', 'queued', 'assigned', 'pending_customer', 'pending_agent', 'closed'], { minLength: 1 }).map((s) => s.join(','))
      : undefined,
    priority: path === '/v1/conversations' ? fc.subarray(['low', 'normal', 'high', 'urgent'], { minLength: 1 }).map((s) => s.join(',')) : undefined,
    sql: fc.constantFrom('SELECT 1 AS one', 'SELECT count() AS n FROM parley.message_facts', 'SELECT {x:String} AS x', 'WITH 1 AS a SELECT a'),
    params: path === '/v1/analytics/sql' ? fc.record({ x: fc.oneof(fc.string(), NUL, SURROGATE) }) : undefined,
  };
  return byName[name];
}

function validFor(schema: Schema, name: string, path: string, depth: number): fc.Arbitrary<unknown> {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s: Schema) => validFor(s, name, path, depth)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const named = validByName(name, path);
  if (named) return named;
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...ids), fc.uuid());
      // Around now, so report ranges are often in order and short enough.
      const recent = fc.date({ min: new Date(Date.now() - 30 * 86_400_000), max: new Date(Date.now() + 86_400_000), noInvalidDate: true });
      if (schema.format === 'date-time') return recent.map((d) => d.toISOString());
      if (schema.format === 'date') return recent.map((d) => d.toISOString().slice(0, 10));
      if (schema.pattern) {
        try {
          return fc.stringMatching(new RegExp(schema.pattern, 'u'));
        } catch {
          // a pattern fast-check cannot generate from: plain strings below
        }
      }
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) });
    }
    case 'integer':
      return fc.integer({ min: Math.max(schema.minimum ?? -1000, -1e9), max: Math.min(schema.maximum ?? 1000, 1e9) });
    case 'number':
      return fc.double({ noNaN: true, min: -1e6, max: 1e6 });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(depth > 4 ? fc.constant(null) : fromSchema(schema.items ?? {}, name, path, depth + 1), { maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'object': {
      const properties: Record<string, Schema> = schema.properties ?? {};
      if (depth > 4 || Object.keys(properties).length === 0) return fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 });
      const required: string[] = schema.required ?? [];
      return fc
        .tuple(
          fc.record(Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, fromSchema(s, k, path, depth + 1)])), { requiredKeys: required }),
          fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.oneof(fc.string({ maxLength: 5 }), NUL), ANY_HOSTILE) }),
        )
        .map(([record, extra]) => (extra ? { ...record, [extra[0]]: extra[1] } : record));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

// ------------------------------------------------------------------ requests

/** URL-encodes what encodeURIComponent refuses too: a lone surrogate goes as its 3 bytes (WTF-8). */
const encode = (s: string) =>
  [...s]
    .map((ch) => {
      const cp = ch.codePointAt(0)!;
      if (cp < 0xd800 || cp > 0xdfff) return encodeURIComponent(ch);
      return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    })
    .join('');
const asText = (v: unknown): string =>
  typeof v === 'string' ? v : Array.isArray(v) ? v.map(asText).join(',') : v === undefined ? '' : (JSON.stringify(v) ?? String(v));
const PRINTABLE = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });

interface Request {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

function keyFor(op: Operation): string | undefined {
  if (op.path.startsWith('/webhooks/')) return undefined;
  if (op.path === '/v1/tenants' || op.path.startsWith('/v1/admin/')) return ADMIN_KEY;
  if (op.path === '/v1/analytics/sql') return ANALYST_KEY;
  return tenant.adminKey;
}

/** Bodies JSON.stringify cannot make: deep nesting, numbers past double, broken JSON. */
const RAW_BODIES = fc.constantFrom(
  `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  '{"score": 1e400, "name": 123456789012345678901234567890}',
  '{"name":',
  '[]',
  'null',
  '"\\u0000"',
  '{"__proto__": {"x": 1}}',
);

function requestFor(op: Operation): fc.Arbitrary<Request> {
  const param = (where: string) => op.params.filter((p) => p.in === where);
  const pathParams = fc.tuple(...param('path').map((p) => fromSchema(p.schema, p.name, op.path)));
  const queryRecord = fc.record(Object.fromEntries(param('query').map((p) => [p.name, fromSchema(p.schema, p.name, op.path)])), {
    requiredKeys: param('query')
      .filter((p) => p.required || p.name === 'waitMs')
      .map((p) => p.name),
  });
  // Half the time, one parameter is surely hostile while the others stay as generated.
  const names = param('query').map((p) => p.name);
  const query =
    names.length === 0
      ? queryRecord
      : fc
          .tuple(
            queryRecord,
            fc.option(
              fc.constantFrom(...names).chain((n) => hostile(n, op.path).map((v) => [n, v] as const)),
              { freq: 2 },
            ),
          )
          .map(([q, forced]) => (forced ? { ...q, [forced[0]]: forced[1] } : q));
  const headers = fc.record(
    {
      'idempotency-key': fc.oneof({ weight: 6, arbitrary: PRINTABLE.filter((s) => s.length >= 8) }, PRINTABLE),
      'x-request-id': PRINTABLE,
      'parley-min-position': fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...positions) }, POSITIONS, PRINTABLE),
    },
    { requiredKeys: [] },
  );
  const body: fc.Arbitrary<string | undefined> = op.body
    ? fc.oneof({ weight: 6, arbitrary: fromSchema(op.body, 'body', op.path).map((b) => JSON.stringify(b)) }, { weight: 1, arbitrary: RAW_BODIES })
    : op.method === 'POST' && op.path === '/webhooks/whatsapp'
      ? webhookBodies()
      : op.method === 'POST' && op.path === '/webhooks/stripe'
        ? stripeBodies()
        : fc.constant(undefined);
  // Webhooks: mostly signed with the tenant's app secret, so they get past the signature.
  const signed = fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false));
  return fc.tuple(pathParams, query, headers, body, signed).map(([values, q, h, b, sign]) => {
    let i = 0;
    const path = op.path.replace(/\{[^}]+\}/g, () => encode(asText(values[i++])));
    const search = Object.entries(q)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${encode(k)}=${encode(asText(v))}`)
      .join('&');
    const key = keyFor(op);
    const all: Record<string, string> = { ...(h as Record<string, string>) };
    if (key) all.authorization = `Bearer ${key}`;
    if (b !== undefined) all['content-type'] = 'application/json';
    if (op.method === 'POST' && op.path === '/webhooks/whatsapp' && b !== undefined && sign) all['x-hub-signature-256'] = signBody(b, tenant.appSecret);
    if (op.method === 'POST' && op.path === '/webhooks/stripe' && b !== undefined && sign) {
      all['stripe-signature'] = stripeSignature(b, STRIPE_SECRET, Math.floor(Date.now() / 1000));
    }
    return { method: op.method, url: `${op.base}${path}${search ? `?${search}` : ''}`, headers: all, body: b };
  });
}

/** WhatsApp deliveries for the tenant's number, with hostile text and timestamps, or anything at all. */
function webhookBodies(): fc.Arbitrary<string> {
  // Lengths around what the catalog holds (names 200, ids 32, texts 65,536).
  const long = fc.constantFrom(33, 201, 4097, 65_537).map((n) => 'x'.repeat(n));
  const field = fc.oneof(fc.string(), STRINGS, long);
  const delivery = fc
    .record({
      text: field,
      name: field,
      from: fc.oneof(fc.constant('5215500000299'), field),
      timestamp: fc.oneof(NUMBERISH, fc.constantFrom('0', '99999999999', '4102444800')),
    })
    .map(({ text, name, from, timestamp }) => {
      const envelope = webhookEnvelope({
        phoneNumberId: tenant.phoneNumberId,
        contacts: [{ waId: from, name }],
        messages: [textMessage({ from, body: text })],
      });
      const json = JSON.stringify(envelope);
      return json.replace(/"timestamp":"\d+"/, `"timestamp":${JSON.stringify(timestamp)}`);
    });
  return fc.oneof(
    { weight: 4, arbitrary: delivery },
    fc.jsonValue().map((v) => JSON.stringify(v)),
    RAW_BODIES,
  );
}

/** Stripe events of the types Parley acts on, for the tenant, with hostile fields; or anything at all. */
function stripeBodies(): fc.Arbitrary<string> {
  const value = fc.oneof(fc.string(), STRINGS, NUMBERISH, fc.integer(), fc.double(), fc.constant(null), fc.constant(1e300), fc.constant(-1));
  const customer = 'cus_fuzz';
  const objects: Record<string, () => Record<string, unknown>> = {
    'customer.subscription.updated': () => subscriptionObject({ id: 'sub_fuzz', customer, status: 'active', tenantId: tenant.tenantId }),
    'invoice.payment_failed': () => invoiceObject({ customer, subscription: 'sub_fuzz', tenantId: tenant.tenantId, amount: 4900, paid: false }),
    'payment_intent.payment_failed': () =>
      paymentIntentObject({ customer, amount: 4900, succeeded: false, failure: { message: 'declined', code: 'card_declined' } }),
    'charge.refunded': () => chargeObject({ customer, paymentIntent: 'pi_fuzz', amount: 4900, amountRefunded: 100 }),
    'charge.dispute.created': () => disputeObject({ charge: 'ch_fuzz', paymentIntent: 'pi_fuzz', amount: 4900 }),
  };
  const fields = [
    'status',
    'amount',
    'amount_due',
    'amount_refunded',
    'currency',
    'customer',
    'metadata',
    'reason',
    'last_payment_error',
    'current_period_end',
    'items',
  ];
  const event = fc
    .record({
      type: fc.constantFrom(...Object.keys(objects)),
      field: fc.constantFrom(...fields),
      value,
      created: fc.oneof({ weight: 4, arbitrary: fc.constant(Math.floor(Date.now() / 1000)) }, fc.integer(), fc.constant(1e15), NUMBERISH),
    })
    .map(({ type, field, value, created }) => {
      const e = stripeEvent(type, { ...objects[type]!(), [field]: value });
      return JSON.stringify({ ...e, created });
    });
  return fc.oneof(
    { weight: 4, arbitrary: event },
    fc.jsonValue().map((v) => JSON.stringify(v)),
    RAW_BODIES,
  );
}

async function send(r: Request): Promise<{ status: number; text: string }> {
  const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body });
  return { status: res.status, text: await res.text() };
}

describe('every route of both APIs', () => {
  it('answers generated and hostile input without a 5xx, errors in the documented shape', async () => {
    expect(operations.length).toBeGreaterThan(40);
    const failures: string[] = [];
    const seen: Record<string, Set<number | string>> = {};
    for (const op of operations) {
      await fc
        .assert(
          fc.asyncProperty(requestFor(op), async (r) => {
            const res = await send(r).catch((err: unknown) => ({ status: 599, text: `no answer: ${String(err)}` }));
            (seen[`${op.method} ${op.path}`] ??= new Set()).add(res.status === 400 ? `400 ${res.text.slice(30, 110)}` : res.status);
            let shapeOk = true;
            if (res.status >= 400) {
              try {
                const body = JSON.parse(res.text) as Record<string, unknown>;
                shapeOk = Object.keys(body).sort().join() === 'error,message' && typeof body.error === 'string' && typeof body.message === 'string';
              } catch {
                shapeOk = false;
              }
            }
            if (res.status >= 500 || !shapeOk) {
              failures.push(`${r.method} ${r.url} ${JSON.stringify(r.body)?.slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)}`);
              return false;
            }
            return true;
          }),
          { numRuns: RUNS_PER_ROUTE, endOnFailure: true },
        )
        .catch(() => undefined); // collected above: one report over all routes
    }
    if (process.env.PARLEY_FUZZ_REPORT)
      console.log(
        Object.entries(seen)
          .map(([k, v]) => `${k}: ${[...v].sort().join(' ')}`)
          .join('\n'),
      );
    expect(failures).toEqual([]);
  }, 300_000);
});
