/**
 * k6 load test: an agent reply storm against the command API.
 *
 * Set-up (`setup()`): CONVERSATIONS customers write in (signed webhooks), so each has an
 * open conversation inside the 24 h window. Then every iteration sends one agent reply
 * (`POST /v1/conversations/:id/messages`) to one of them, round robin. The workers pick
 * the replies up and send them to the Cloud API (with `npm start`, to its local fake).
 * `command_reply_ms` is the command's own latency; watch the workers' `/health` for the
 * queues' depth and age while it runs.
 *
 *   PHONE_NUMBER_ID=... APP_SECRET=... API_KEY=prl_... k6 run load-tests/k6/reply-storm.ts
 *
 * Environment:
 *   PHONE_NUMBER_ID, APP_SECRET   a number connected with POST /v1/whatsapp-numbers (with an accessToken)
 *   API_KEY                       a key of that tenant that works conversations (supervisor or admin)
 *   COMMAND_URL     http://127.0.0.1:3001
 *   QUERY_URL       http://127.0.0.1:3002
 *   RATE            100      replies per second (steady)
 *   DURATION        30s
 *   CONVERSATIONS   50
 */
import { check, fail, sleep } from 'k6';
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import exec from 'k6/execution';
import http from 'k6/http';
import { Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { env, positiveInt, required } from './lib/env.ts';
import { textWebhook } from './lib/whatsapp.ts';

const PHONE_NUMBER_ID = required('PHONE_NUMBER_ID', 'the phone_number_id connected with POST /v1/whatsapp-numbers');
const APP_SECRET = required('APP_SECRET', 'the appSecret given to POST /v1/whatsapp-numbers for that number');
const API_KEY = required('API_KEY', "an API key of the number's tenant that may work conversations");
const COMMAND_URL = (env('COMMAND_URL') ?? 'http://127.0.0.1:3001').replace(/\/+$/, '');
const QUERY_URL = (env('QUERY_URL') ?? 'http://127.0.0.1:3002').replace(/\/+$/, '');
const RATE = positiveInt('RATE', 100);
const DURATION = env('DURATION') ?? '30s';
const CONVERSATIONS = positiveInt('CONVERSATIONS', 50);

const replyMs = new Trend('command_reply_ms', true);

export const options: Options = {
  setupTimeout: '120s',
  scenarios: {
    storm: { executor: 'constant-arrival-rate', rate: RATE, timeUnit: '1s', duration: DURATION, preAllocatedVUs: Math.max(20, RATE / 4), maxVUs: RATE * 2 },
  },
  thresholds: {
    http_req_failed: ['rate<0.001'],
    command_reply_ms: ['p(99)<250'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max'],
};

/** Opens the conversations the storm replies to: one customer message each. */
export function setup(): { conversations: string[] } {
  const runId = String(Date.now());
  const senders: string[] = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const sender = String(5_215_700_000_000 + i);
    senders.push(sender);
    const body = textWebhook({
      phoneNumberId: PHONE_NUMBER_ID,
      displayPhoneNumber: '15550783881',
      wabaId: '102290129340398',
      wamid: `wamid.${encoding.b64encode(`k6storm:${runId}:${i}`, 'rawstd')}`,
      sender,
      senderName: `Storm Customer ${i}`,
      text: 'I need help with my order',
      unixSeconds: String(Math.floor(Date.now() / 1000)),
    });
    const res = http.post(`${COMMAND_URL}/webhooks/whatsapp`, body, {
      headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': `sha256=${crypto.hmac('sha256', APP_SECRET, body, 'hex')}` },
    });
    if (res.status !== 200) fail(`webhook answered ${res.status}: ${res.body}`);
  }
  // The conversations as the query API has them, once the inbox shows every sender.
  for (let attempt = 0; attempt < 60; attempt++) {
    const res = http.get(`${QUERY_URL}/v1/conversations?limit=100&sort=last_activity`, { headers: { Authorization: `Bearer ${API_KEY}` } });
    const items = (res.json('items') as { id: string; contactWaId: string | null; status: string }[] | null) ?? [];
    const open = items.filter((c) => c.status !== 'closed' && c.contactWaId !== null && senders.includes(c.contactWaId));
    if (open.length >= Math.min(CONVERSATIONS, 100)) return { conversations: open.map((c) => c.id) };
    sleep(0.5);
  }
  return fail('the inbox never showed the storm conversations');
}

export default function replyStorm(data: { conversations: string[] }): void {
  const iteration = exec.scenario.iterationInTest;
  const conversationId = data.conversations[iteration % data.conversations.length]!;
  const started = Date.now();
  const res = http.post(`${COMMAND_URL}/v1/conversations/${conversationId}/messages`, JSON.stringify({ type: 'text', body: `storm reply ${iteration}` }), {
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${API_KEY}` },
    tags: { name: 'POST /v1/conversations/:id/messages' },
  });
  replyMs.add(Date.now() - started);
  check(res, { 'reply answered 200': (r) => r.status === 200 });
}
