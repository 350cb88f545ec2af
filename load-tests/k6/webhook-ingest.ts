/**
 * k6 load test: signed WhatsApp text-message webhooks at a constant arrival rate.
 *
 * Every iteration POSTs one webhook in WhatsApp's documented envelope to
 * /webhooks/whatsapp, with a wamid unique to this run, signed like Meta signs it
 * (X-Hub-Signature-256: sha256=<HMAC-SHA256 of the exact body, app secret as key>), and
 * checks the 200 that the command API sends only after the events are durably stored.
 *
 * Requirements: k6 >= 0.57 runs .ts files directly; k6 0.52 to 0.56 need
 * `--compatibility-mode=experimental_enhanced`. Type-check: `npx tsc -p load-tests/k6`.
 *
 * 1. Connect a number first (a webhook for an unknown phone_number_id is only
 *    dead-lettered: it would measure the wrong path). With the platform admin key
 *    (PARLEY_ADMIN_KEY of the command API):
 *
 *      curl -s -X POST http://127.0.0.1:3001/v1/tenants \
 *        -H "Authorization: Bearer $PARLEY_ADMIN_KEY" -H 'Content-Type: application/json' \
 *        -d '{"name":"Load Test","admin":{"name":"Load Admin","email":"admin@load.test"}}'
 *      # -> { "tenantId": "...", "userId": "...", "apiKey": "prl_...", "position": "..." }
 *
 *      curl -s -X POST http://127.0.0.1:3001/v1/whatsapp-numbers \
 *        -H "Authorization: Bearer <apiKey from above>" -H 'Content-Type: application/json' \
 *        -d '{"phoneNumberId":"109876543210777","displayPhoneNumber":"+1 555 0100",
 *             "appSecret":"load-test-app-secret-0123456789","verifyToken":"load-test-verify"}'
 *      # -> { "numberId": "...", "position": "..." }
 *
 *    A phone_number_id can be connected once per platform: use a fresh one per database.
 *
 * 2. Run:
 *
 *      PHONE_NUMBER_ID=109876543210777 APP_SECRET=load-test-app-secret-0123456789 \
 *        k6 run load-tests/k6/webhook-ingest.ts
 *
 * Environment (k6 reads it from the shell or from `-e NAME=value`):
 *   PHONE_NUMBER_ID      required  the connected number's Meta phone_number_id (digits)
 *   APP_SECRET           required  the app secret given when connecting it
 *   BASE_URL             http://127.0.0.1:3001
 *   RATE                 5000      webhooks per second
 *   DURATION             30s
 *   CONTACTS             2000      distinct senders (each one thread, one open conversation)
 *   PRE_ALLOCATED_VUS    max(50, RATE / 20)
 *   MAX_VUS              4 x PRE_ALLOCATED_VUS
 *   DISPLAY_PHONE_NUMBER 15550783881
 *   WABA_ID              102290129340398
 *   RUN_ID               the scenario's start time: part of every wamid, so a second run
 *                        against the same database appends instead of deduplicating
 */
import { check } from 'k6';
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import exec from 'k6/execution';
import http from 'k6/http';
import type { Options } from 'k6/options';
import { env, positiveInt, required } from './lib/env.ts';
import { textWebhook } from './lib/whatsapp.ts';

const PHONE_NUMBER_ID = required('PHONE_NUMBER_ID', 'the phone_number_id connected with POST /v1/whatsapp-numbers');
if (!/^\d{5,32}$/.test(PHONE_NUMBER_ID)) throw new Error(`PHONE_NUMBER_ID must be 5 to 32 digits, got "${PHONE_NUMBER_ID}"`);
const APP_SECRET = required('APP_SECRET', 'the appSecret given to POST /v1/whatsapp-numbers for that number');
const BASE_URL = (env('BASE_URL') ?? 'http://127.0.0.1:3001').replace(/\/+$/, '');
const RATE = positiveInt('RATE', 5000);
const DURATION = env('DURATION') ?? '30s';
if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(DURATION)) throw new Error(`DURATION must be a k6 duration such as 30s or 2m, got "${DURATION}"`);
const CONTACTS = positiveInt('CONTACTS', 2000);
const PRE_ALLOCATED_VUS = positiveInt('PRE_ALLOCATED_VUS', Math.max(50, Math.ceil(RATE / 20)));
const MAX_VUS = positiveInt('MAX_VUS', PRE_ALLOCATED_VUS * 4);
const DISPLAY_PHONE_NUMBER = env('DISPLAY_PHONE_NUMBER') ?? '15550783881';
const WABA_ID = env('WABA_ID') ?? '102290129340398';

const WEBHOOK_URL = `${BASE_URL}/webhooks/whatsapp`;
/** Senders are 13-digit (Mexican mobile style) wa_ids: 5215500000000, 5215500000001, ... */
const FIRST_SENDER = 5_215_500_000_000;

export const options: Options = {
  scenarios: {
    webhooks: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: PRE_ALLOCATED_VUS,
      maxVUs: MAX_VUS,
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.001'],
    http_req_duration: ['p(99)<50'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max'],
  discardResponseBodies: true,
};

export default function webhookIngest(): void {
  const iteration = exec.scenario.iterationInTest;
  const vu = exec.vu.idInTest;
  const runId = env('RUN_ID') ?? String(exec.scenario.startTime);
  // Real wamids are "wamid." + base64; this one is unique per run, VU and iteration.
  const wamid = `wamid.${encoding.b64encode(`k6:${runId}:${vu}:${iteration}`, 'rawstd')}`;
  const senderIndex = iteration % CONTACTS;
  const sender = String(FIRST_SENDER + senderIndex);
  const body = textWebhook({
    phoneNumberId: PHONE_NUMBER_ID,
    displayPhoneNumber: DISPLAY_PHONE_NUMBER,
    wabaId: WABA_ID,
    wamid,
    sender,
    senderName: `Load Customer ${senderIndex}`,
    text: `Hello, I need help with order ${iteration}`,
    unixSeconds: String(Math.floor(Date.now() / 1000)),
  });
  const signature = crypto.hmac('sha256', APP_SECRET, body, 'hex');

  const res = http.post(WEBHOOK_URL, body, {
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': `sha256=${signature}` },
    tags: { name: 'POST /webhooks/whatsapp' },
  });
  check(res, { 'webhook answered 200': (r) => r.status === 200 });
}
