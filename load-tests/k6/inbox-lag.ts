/**
 * k6 load test: end-to-end lag from a signed webhook's 200 to the query API serving it.
 *
 * Every iteration POSTs one inbound text message (as webhook-ingest.ts does), takes the
 * positions the command API answers with, and asks the query API for the inbox at the
 * furthest one (`minPosition`, waiting up to WAIT_MS). The `inbox_visible_ms` trend is
 * the time from the webhook's answer to the query API's fresh answer; `inbox_stale`
 * counts answers that came back stale (the projection had not caught up in WAIT_MS).
 * `npm run bench` measures the same scenario with a Node load generator.
 *
 * Set-up as in webhook-ingest.ts (a tenant and a connected number), plus an API key of
 * that tenant that may read the inbox (the tenant's admin key will do):
 *
 *   PHONE_NUMBER_ID=109876543210777 APP_SECRET=load-test-app-secret-0123456789 \
 *   API_KEY=prl_... k6 run load-tests/k6/inbox-lag.ts
 *
 * Environment:
 *   PHONE_NUMBER_ID, APP_SECRET, API_KEY   required
 *   COMMAND_URL  http://127.0.0.1:3001
 *   QUERY_URL    http://127.0.0.1:3002
 *   RATE         200     webhooks per second (steady)
 *   DURATION     30s
 *   CONTACTS     500
 *   WAIT_MS      10000   longest wait the query API is asked for
 */
import { check } from 'k6';
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { env, positiveInt, required } from './lib/env.ts';
import { textWebhook } from './lib/whatsapp.ts';

const PHONE_NUMBER_ID = required('PHONE_NUMBER_ID', 'the phone_number_id connected with POST /v1/whatsapp-numbers');
const APP_SECRET = required('APP_SECRET', 'the appSecret given to POST /v1/whatsapp-numbers for that number');
const API_KEY = required('API_KEY', "an API key of the number's tenant with an inbox-reading role");
const COMMAND_URL = (env('COMMAND_URL') ?? 'http://127.0.0.1:3001').replace(/\/+$/, '');
const QUERY_URL = (env('QUERY_URL') ?? 'http://127.0.0.1:3002').replace(/\/+$/, '');
const RATE = positiveInt('RATE', 200);
const DURATION = env('DURATION') ?? '30s';
const CONTACTS = positiveInt('CONTACTS', 500);
const WAIT_MS = Math.min(10_000, positiveInt('WAIT_MS', 10_000));

const visible = new Trend('inbox_visible_ms', true);
const stale = new Counter('inbox_stale');

export const options: Options = {
  scenarios: {
    lag: { executor: 'constant-arrival-rate', rate: RATE, timeUnit: '1s', duration: DURATION, preAllocatedVUs: Math.max(50, RATE / 4), maxVUs: RATE * 4 },
  },
  thresholds: {
    http_req_failed: ['rate<0.001'],
    inbox_visible_ms: ['p(99)<250'],
    inbox_stale: ['count<1'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max'],
};

/** PostgreSQL positions are integers; EventStoreDB's fixed-width digits compare as strings. */
const furthest = (positions: string[]) => positions.reduce((a, b) => (b.length > a.length || (b.length === a.length && b > a) ? b : a));

export default function inboxLag(): void {
  const iteration = exec.scenario.iterationInTest;
  const runId = env('RUN_ID') ?? String(exec.scenario.startTime);
  const wamid = `wamid.${encoding.b64encode(`k6lag:${runId}:${exec.vu.idInTest}:${iteration}`, 'rawstd')}`;
  const senderIndex = iteration % CONTACTS;
  const sender = String(5_215_600_000_000 + senderIndex);
  const body = textWebhook({
    phoneNumberId: PHONE_NUMBER_ID,
    displayPhoneNumber: '15550783881',
    wabaId: '102290129340398',
    wamid,
    sender,
    senderName: `Lag Customer ${senderIndex}`,
    text: `lag probe ${iteration}`,
    unixSeconds: String(Math.floor(Date.now() / 1000)),
  });
  const posted = http.post(`${COMMAND_URL}/webhooks/whatsapp`, body, {
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': `sha256=${crypto.hmac('sha256', APP_SECRET, body, 'hex')}` },
    tags: { name: 'POST /webhooks/whatsapp' },
  });
  if (!check(posted, { 'webhook answered 200': (r) => r.status === 200 })) return;
  const accepted = Date.now();
  const positions = (posted.json('positions') as string[] | null) ?? [];
  if (positions.length === 0) return;
  const read = http.get(`${QUERY_URL}/v1/conversations?limit=1&minPosition=${furthest(positions)}&waitMs=${WAIT_MS}`, {
    headers: { Authorization: `Bearer ${API_KEY}` },
    tags: { name: 'GET /v1/conversations?minPosition' },
  });
  check(read, { 'inbox answered 200': (r) => r.status === 200 });
  if (read.headers['Parley-Consistency'] === 'fresh') visible.add(Date.now() - accepted);
  else stale.add(1);
}
