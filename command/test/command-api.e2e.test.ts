import {
  imageMessage,
  interactiveButtonReply,
  locationMessage,
  newWamid,
  reactionMessage,
  statusUpdate,
  textMessage,
  webhookEnvelope,
} from '@parley/command/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConversationId } from '../src/domain/ids.ts';
import { ADMIN_KEY, RunningCommandApi } from './support/running-command-api.ts';

const PHONE_NUMBER_ID = '109876543210001';
const APP_SECRET = 'app-secret-of-tenant-a-0123456789';
const CUSTOMER = '5215512345678';
const unix = (d: Date) => String(Math.floor(d.getTime() / 1000));

let api: RunningCommandApi;
const keys = { admin: '', supervisor: '', agent1: '', agent2: '', analyst: '', otherTenant: '' };
const ids = { tenant: '', agent1: '', agent2: '', team: '', conversation: '' };

beforeAll(async () => {
  api = await RunningCommandApi.start('command_api');
});
afterAll(async () => {
  await api?.stop();
});

async function eventTypes() {
  return (await api.allEvents()).map((e) => e.type);
}

describe('tenancy', () => {
  it('registers a tenant only with the platform admin key', async () => {
    const body = { name: 'Acme', admin: { name: 'Ada Admin', email: 'ada@acme.test' } };
    expect((await api.post('/v1/tenants', body)).status).toBe(401);
    // Authentication comes first: no schema details for callers without a key.
    expect((await api.post('/v1/tenants', { nonsense: true })).status).toBe(401);
    expect((await api.post('/v1/tenants', body, 'wrong-key-wrong-key-wrong')).status).toBe(401);
    const bad = await api.post('/v1/tenants', { name: '', admin: { email: 'nope' } }, ADMIN_KEY);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/name|email/);

    const res = await api.post<{ tenantId: string; apiKey: string; position: string }>('/v1/tenants', body, ADMIN_KEY);
    expect(res.status).toBe(201);
    expect(res.body.apiKey).toMatch(/^prl_/);
    expect(res.body.position).toMatch(/^\d+$/);
    keys.admin = res.body.apiKey;
    ids.tenant = res.body.tenantId;

    const other = await api.post<{ apiKey: string }>('/v1/tenants', { name: 'Globex', admin: { name: 'G', email: 'g@globex.test' } }, ADMIN_KEY);
    keys.otherTenant = other.body.apiKey;
  });

  it('adds users with their own keys, teams and team members; only admins may', async () => {
    const add = async (name: string, role: string) => {
      const res = await api.post<{ userId: string; apiKey: string }>('/v1/users', { name, email: `${name}@acme.test`, role }, keys.admin);
      expect(res.status).toBe(201);
      return res.body;
    };
    const sup = await add('sam', 'supervisor');
    const a1 = await add('alice', 'agent');
    const a2 = await add('bob', 'agent');
    const an = await add('ana', 'analyst');
    Object.assign(keys, { supervisor: sup.apiKey, agent1: a1.apiKey, agent2: a2.apiKey, analyst: an.apiKey });
    Object.assign(ids, { agent1: a1.userId, agent2: a2.userId });

    expect((await api.post('/v1/users', { name: 'x', email: 'alice@acme.test', role: 'agent' }, keys.admin)).status).toBe(409);
    expect((await api.post('/v1/users', { name: 'x', email: 'x@acme.test', role: 'owner' }, keys.admin)).status).toBe(400);
    expect((await api.post('/v1/users', { name: 'x', email: 'x@acme.test', role: 'agent' }, keys.agent1)).status).toBe(403);
    expect((await api.post('/v1/users', { name: 'x', email: 'x@acme.test', role: 'agent' }, `${keys.agent1.slice(0, -4)}AAAA`)).status).toBe(401);

    const team = await api.post<{ teamId: string }>('/v1/teams', { name: 'Support' }, keys.admin);
    expect(team.status).toBe(201);
    ids.team = team.body.teamId;
    expect((await api.post('/v1/teams', { name: 'support' }, keys.admin)).status).toBe(409);
    expect((await api.post(`/v1/teams/${ids.team}/agents`, { userId: ids.agent1 }, keys.admin)).status).toBe(200);
    expect((await api.post(`/v1/teams/${ids.team}/agents`, { userId: ids.agent2 }, keys.admin)).status).toBe(200);
    const analyst = await api.post(`/v1/teams/${ids.team}/agents`, { userId: an.userId }, keys.admin);
    expect(analyst.status).toBe(422);
    expect((await api.post(`/v1/teams/${crypto.randomUUID()}/agents`, { userId: ids.agent1 }, keys.admin)).status).toBe(404);
  });

  it('connects a WhatsApp number once, platform-wide', async () => {
    const body = { phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '+1 555 0100', appSecret: APP_SECRET, verifyToken: 'verify-me-please' };
    expect((await api.post('/v1/whatsapp-numbers', body, keys.supervisor)).status).toBe(403);
    expect((await api.post('/v1/whatsapp-numbers', body, keys.admin)).status).toBe(201);
    expect((await api.post('/v1/whatsapp-numbers', { ...body, appSecret: 'another-secret-0123456789' }, keys.otherTenant)).status).toBe(409);
    const stored = (await api.allEvents()).find((e) => e.type === 'WhatsAppNumberConnected');
    expect(JSON.stringify(stored?.data)).not.toContain(APP_SECRET);
    expect(JSON.stringify(stored?.data)).not.toContain('verify-me-please');
  });

  it("answers Meta's subscription handshake only for a known verify token", async () => {
    const ok = await api.request('GET', '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me-please&hub.challenge=1158201444');
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('1158201444');
    const bad = await api.request('GET', '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1');
    expect(bad.status).toBe(403);
  });
});

describe('WhatsApp webhook', () => {
  const first = newWamid();

  it('turns a signed text message into contact, conversation and message events', async () => {
    const payload = webhookEnvelope({
      phoneNumberId: PHONE_NUMBER_ID,
      contacts: [{ waId: CUSTOMER, name: 'Carla Cliente' }],
      messages: [textMessage({ from: CUSTOMER, id: first, body: 'Hola, mi pedido no llegó', timestamp: unix(api.now) })],
    });
    const res = await api.webhook(payload, APP_SECRET);
    expect(res.status).toBe(200);
    const events = await api.allEvents();
    const types = events.map((e) => e.type);
    expect(types.slice(-3)).toEqual(['ContactCreated', 'ConversationOpened', 'MessageReceived']);
    const received = events.at(-1)!;
    expect(received.data).toMatchObject({
      wamid: first,
      profileName: 'Carla Cliente',
      content: { type: 'text', body: 'Hola, mi pedido no llegó' },
      sentAt: new Date(Number(unix(api.now)) * 1000).toISOString(),
    });
    expect(received.metadata).toMatchObject({ tenantId: ids.tenant, actor: { type: 'customer' }, schemaVersion: 1 });
    ids.conversation = (received.data as { conversationId: string }).conversationId;
    expect(parseConversationId(ids.conversation)).not.toBeNull();
  });

  it('adds nothing when WhatsApp redelivers the same webhook, even concurrently', async () => {
    const payload = webhookEnvelope({
      phoneNumberId: PHONE_NUMBER_ID,
      contacts: [{ waId: CUSTOMER, name: 'Carla Cliente' }],
      messages: [textMessage({ from: CUSTOMER, id: first, body: 'Hola, mi pedido no llegó', timestamp: unix(api.now) })],
    });
    const before = (await api.allEvents()).length;
    const answers = await Promise.all([api.webhook(payload, APP_SECRET), api.webhook(payload, APP_SECRET), api.webhook(payload, APP_SECRET)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect((await api.allEvents()).length).toBe(before);
  });

  it('maps image, interactive reply, reaction and location messages into the same conversation', async () => {
    const target = first;
    const payload = webhookEnvelope({
      phoneNumberId: PHONE_NUMBER_ID,
      contacts: [{ waId: CUSTOMER, name: 'Carla Cliente' }],
      messages: [
        imageMessage({ from: CUSTOMER, caption: 'the box', mimeType: 'image/jpeg' }),
        interactiveButtonReply({ from: CUSTOMER, replyId: 'opt-refund', title: 'Refund' }),
        reactionMessage({ from: CUSTOMER, targetWamid: target, emoji: '👍' }),
        locationMessage({ from: CUSTOMER, latitude: 19.4326, longitude: -99.1332, name: 'Zócalo' }),
      ],
    });
    expect((await api.webhook(payload, APP_SECRET)).status).toBe(200);
    const received = (await api.allEvents()).slice(-4);
    expect(received.map((e) => e.type)).toEqual(['MessageReceived', 'MessageReceived', 'MessageReceived', 'MessageReceived']);
    const contents = received.map((e) => (e.data as { content: { type: string } }).content);
    expect(contents[0]).toMatchObject({ type: 'image', caption: 'the box', mimeType: 'image/jpeg' });
    expect(contents[1]).toMatchObject({ type: 'interactive', replyType: 'button_reply', replyId: 'opt-refund', title: 'Refund' });
    expect(contents[2]).toEqual({ type: 'reaction', targetWamid: target, emoji: '👍' });
    expect(contents[3]).toMatchObject({ type: 'location', latitude: 19.4326, longitude: -99.1332, name: 'Zócalo' });
    for (const e of received) expect((e.data as { conversationId: string }).conversationId).toBe(ids.conversation);
  });

  it('records statuses with their pricing facts, once per wamid and status', async () => {
    const out = newWamid();
    const failed = newWamid();
    const statuses = [
      statusUpdate({ id: out, status: 'sent', recipientId: CUSTOMER, pricing: { billable: true, category: 'utility' } }),
      statusUpdate({ id: out, status: 'delivered', recipientId: CUSTOMER, pricing: { billable: true, category: 'utility' } }),
      statusUpdate({ id: out, status: 'read', recipientId: CUSTOMER, pricing: { billable: true, category: 'utility' } }),
      statusUpdate({
        id: failed,
        status: 'failed',
        recipientId: CUSTOMER,
        error: { code: 131047, title: 'Re-engagement message', details: 'more than 24 hours' },
      }),
    ];
    const payload = webhookEnvelope({ phoneNumberId: PHONE_NUMBER_ID, statuses });
    expect((await api.webhook(payload, APP_SECRET)).status).toBe(200);
    expect((await api.webhook(payload, APP_SECRET)).status).toBe(200);
    const events = (await api.allEvents()).filter((e) => e.type.startsWith('Message') && (e.data as { wamid?: string }).wamid !== undefined);
    const statusEvents = events.filter((e) => ['MessageSent', 'MessageDelivered', 'MessageRead', 'MessageFailed'].includes(e.type));
    expect(statusEvents.map((e) => e.type)).toEqual(['MessageSent', 'MessageDelivered', 'MessageRead', 'MessageFailed']);
    expect(statusEvents[0]!.data).toMatchObject({
      wamid: out,
      recipientId: CUSTOMER,
      pricing: { billable: true, category: 'utility', pricingModel: 'PMP', type: 'regular' },
    });
    expect(statusEvents[3]!.data).toMatchObject({ wamid: failed, errorCode: 131047, errorTitle: 'Re-engagement message', errorDetails: 'more than 24 hours' });
    expect(statusEvents[0]!.metadata).toMatchObject({ actor: { type: 'system', id: 'whatsapp' } });
  });

  it('rejects a wrongly signed webhook with 401 and appends nothing', async () => {
    const before = (await api.allEvents()).length;
    const payload = webhookEnvelope({ phoneNumberId: PHONE_NUMBER_ID, messages: [textMessage({ from: CUSTOMER, body: 'forged' })] });
    expect((await api.webhook(payload, 'not-the-app-secret')).status).toBe(401);
    const tampered = await api.webhook(payload, APP_SECRET, (raw) => raw.replace('forged', 'FORGED'));
    expect(tampered.status).toBe(401);
    const unsigned = await api.request('POST', '/webhooks/whatsapp', { body: payload });
    expect(unsigned.status).toBe(401);
    expect((await api.allEvents()).length).toBe(before);
  });

  it('rejects a malformed webhook with 400 and the reason, appending nothing', async () => {
    const before = (await api.allEvents()).length;
    const payload = webhookEnvelope({ phoneNumberId: PHONE_NUMBER_ID, messages: [textMessage({ from: CUSTOMER, body: 'x' })] });
    const broken = JSON.parse(JSON.stringify(payload)) as { entry: [{ changes: [{ value: { messages: [{ text?: unknown }] } }] }] };
    delete broken.entry[0].changes[0].value.messages[0].text;
    const res = await api.webhook(broken, APP_SECRET);
    expect(res.status).toBe(400);
    expect(String(res.body.message)).toMatch(/text/);
    const letters = await api.request<{ items: Array<{ reason: string; detail: string }> }>('GET', '/v1/admin/webhook-dead-letters', { key: ADMIN_KEY });
    expect(letters.body.items[0]).toMatchObject({ reason: 'invalid_payload', detail: expect.stringMatching(/text/) });
    const notJson = await api.request('POST', '/webhooks/whatsapp', { raw: '{"entry": [', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect((await api.allEvents()).length).toBe(before);
  });

  it('keeps a payload for an unknown phone_number_id as a dead letter and answers 200', async () => {
    const before = (await api.allEvents()).length;
    const payload = webhookEnvelope({ phoneNumberId: '999000111222', messages: [textMessage({ from: CUSTOMER, body: 'who am I talking to?' })] });
    expect((await api.webhook(payload, 'whatever-secret')).status).toBe(200);
    expect((await api.allEvents()).length).toBe(before);
    expect((await api.webhook(payload, 'whatever-secret')).status).toBe(200); // redelivered
    const letters = await api.request<{ items: Array<{ reason: string; phoneNumberId: string }> }>('GET', '/v1/admin/webhook-dead-letters', { key: ADMIN_KEY });
    expect(letters.body.items.filter((l) => l.phoneNumberId === '999000111222')).toEqual([
      expect.objectContaining({ reason: 'unknown_phone_number_id', phoneNumberId: '999000111222' }),
    ]);
    expect((await api.request('GET', '/v1/admin/webhook-dead-letters', { key: keys.admin })).status).toBe(401);
  });
});

describe('conversation commands', () => {
  const on = (path: string) => `/v1/conversations/${ids.conversation}/${path}`;

  it('lets an agent take, work and reply to an unassigned conversation', async () => {
    const assign = await api.post(on('assign'), { agentId: ids.agent1 }, keys.agent1);
    expect(assign.status).toBe(200);
    expect(assign.body.events).toEqual(['ConversationAssigned']);
    expect(assign.body.position).toMatch(/^\d+$/);
    expect((await api.post(on('tags'), { tag: 'refund' }, keys.agent1)).body.events).toEqual(['ConversationTagged']);
    expect((await api.post(on('tags'), { tag: 'refund' }, keys.agent1)).body.events).toEqual([]);
    expect((await api.post(on('priority'), { priority: 'high' }, keys.agent1)).body.events).toEqual(['ConversationPriorityChanged']);
    const reply = await api.post(on('messages'), { type: 'text', body: 'Lo revisamos ahora mismo' }, keys.agent1);
    expect(reply.status).toBe(200);
    expect(reply.body.events).toEqual(['MessageQueued', 'ConversationStatusChanged']);
    expect(reply.body.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await api.post(on('notes'), { body: 'customer is upset' }, keys.agent1)).body.events).toEqual(['NoteAdded']);
  });

  it("keeps other agents, analysts and other tenants out of an agent's conversation", async () => {
    const other = await api.post(on('tags'), { tag: 'mine' }, keys.agent2);
    expect(other.status).toBe(403);
    expect((await api.post(on('assign'), { agentId: ids.agent2 }, keys.agent2)).status).toBe(403);
    expect((await api.post(on('tags'), { tag: 'x' }, keys.analyst)).status).toBe(403);
    const foreign = await api.post(on('close'), { reason: 'spam' }, keys.otherTenant);
    expect(foreign.status).toBe(404);
    expect((await api.post('/v1/conversations/not-a-conversation/close', { reason: 'spam' }, keys.admin)).status).toBe(404);
    // A supervisor may act on any conversation of the tenant.
    expect((await api.post(on('tags'), { tag: 'vip' }, keys.supervisor)).status).toBe(200);
  });

  it('validates bodies with a reason, appending nothing', async () => {
    const before = (await api.allEvents()).length;
    const cases = [
      [on('priority'), { priority: 'whenever' }],
      [on('close'), { reason: 'bored' }],
      [on('csat'), { score: 9 }],
      [on('transfer'), {}],
      [on('messages'), { type: 'text' }],
      [on('assign'), { agentId: ids.agent2, extra: 1 }],
    ] as const;
    for (const [path, body] of cases) {
      const res = await api.post(path, body, keys.supervisor);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(String(res.body.message).length).toBeGreaterThan(3);
    }
    expect((await api.allEvents()).length).toBe(before);
  });

  it('refuses invalid transitions with 409 and the reason', async () => {
    const assign = await api.post(on('assign'), { agentId: ids.agent2 }, keys.supervisor);
    expect(assign.status).toBe(409);
    expect(assign.body.message).toMatch(/transfer/);
    expect((await api.post(on('reopen'), {}, keys.supervisor)).status).toBe(409);
    expect((await api.post(on('csat'), { score: 5 }, keys.supervisor)).status).toBe(409);
  });

  it('transfers to another agent, who can then act', async () => {
    const res = await api.post(on('transfer'), { toAgentId: ids.agent2, toTeamId: ids.team, note: 'billing question' }, keys.agent1);
    expect(res.status).toBe(200);
    expect((await api.post(on('tags'), { tag: 'billing' }, keys.agent1)).status).toBe(403);
    expect((await api.post(on('status'), { status: 'pending_agent' }, keys.agent2)).status).toBe(200);
  });

  it('enforces the 24-hour customer service window for free-form messages, not templates', async () => {
    api.now = new Date(api.now.getTime() + 25 * 3600 * 1000);
    const text = await api.post(on('messages'), { type: 'text', body: 'still there?' }, keys.agent2);
    expect(text.status).toBe(422);
    expect(text.body.message).toMatch(/24-hour/);
    // Sending checks the number's template registry: the template is approved, without parameters.
    await api.request('PUT', `/v1/whatsapp-numbers/${PHONE_NUMBER_ID}/templates/order_update/es_MX`, {
      body: { category: 'utility', status: 'approved', components: [] },
      key: keys.admin,
    });
    const template = await api.post(on('messages'), { type: 'template', name: 'order_update', languageCode: 'es_MX' }, keys.agent2);
    expect(template.status).toBe(200);
  });

  it('closes, refuses work on the closed conversation, records CSAT once and reopens to the agent', async () => {
    expect((await api.post(on('close'), { reason: 'resolved', outcome: 'refund_issued' }, keys.agent2)).body.events).toEqual(['ConversationClosed']);
    expect((await api.post(on('close'), { reason: 'resolved' }, keys.agent2)).status).toBe(409);
    expect((await api.post(on('tags'), { tag: 'late' }, keys.agent2)).status).toBe(409);
    expect((await api.post(on('csat'), { score: 4, comment: 'ok' }, keys.supervisor)).status).toBe(200);
    expect((await api.post(on('csat'), { score: 5 }, keys.supervisor)).status).toBe(409);
    const reopened = await api.post(on('reopen'), {}, keys.supervisor);
    expect(reopened.body.events).toEqual(['ConversationReopened']);
    const reopenedEvent = (await api.allEvents()).at(-1)!;
    expect(reopenedEvent.data).toMatchObject({ to: 'assigned' });
    expect((await api.post(on('close'), { reason: 'resolved' }, keys.agent2)).status).toBe(200);
  });

  it('opens a new conversation when the customer writes after close', async () => {
    const payload = webhookEnvelope({
      phoneNumberId: PHONE_NUMBER_ID,
      contacts: [{ waId: CUSTOMER, name: 'Carla C.' }],
      messages: [textMessage({ from: CUSTOMER, body: 'one more thing', timestamp: unix(api.now) })],
    });
    expect((await api.webhook(payload, APP_SECRET)).status).toBe(200);
    const events = (await api.allEvents()).slice(-3);
    expect(events.map((e) => e.type)).toEqual(['ContactUpdated', 'ConversationOpened', 'MessageReceived']);
    const second = (events[1]!.data as { conversationId: string }).conversationId;
    expect(second).not.toBe(ids.conversation);
    expect(parseConversationId(second)?.seq).toBe(2);
    // The old one cannot be reopened while a newer one exists.
    expect((await api.post(on('reopen'), {}, keys.supervisor)).status).toBe(409);
    // A reply inside the refreshed window is allowed again on the new conversation.
    expect((await api.post(`/v1/conversations/${second}/messages`, { type: 'text', body: 'tell me' }, keys.supervisor)).status).toBe(200);
  });

  it('stores a retried command with the same idempotency key once', async () => {
    const second = (await api.allEvents()).findLast((e) => e.type === 'ConversationOpened')!.data as { conversationId: string };
    const path = `/v1/conversations/${second.conversationId}/notes`;
    const headers = { 'idempotency-key': 'note-retry-0001' };
    const a = await api.post(path, { body: 'called the customer' }, keys.supervisor, headers);
    const before = (await api.allEvents()).length;
    const b = await api.post(path, { body: 'called the customer' }, keys.supervisor, headers);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body.noteId).toBe(a.body.noteId);
    expect((await api.allEvents()).length).toBe(before);
    // The same key on a different request is a different request.
    const c = await api.post(path, { body: 'called again' }, keys.supervisor, headers);
    expect(c.body.noteId).not.toBe(a.body.noteId);
    expect((await api.allEvents()).length).toBe(before + 1);
  });

  it('lets an agent give a conversation nobody holds to no one but themselves, by assign or by transfer', async () => {
    const second = (await api.allEvents()).findLast((e) => e.type === 'ConversationOpened')!.data as { conversationId: string };
    const at = (path: string) => `/v1/conversations/${second.conversationId}/${path}`;
    const before = (await api.allEvents()).length;
    expect((await api.post(at('assign'), { agentId: ids.agent2 }, keys.agent1)).status).toBe(403);
    const transfer = await api.post(at('transfer'), { toAgentId: ids.agent2 }, keys.agent1);
    expect(transfer.status).toBe(403);
    expect(transfer.body.message).toMatch(/only when it is theirs/);
    expect((await api.post(at('transfer'), { toAgentId: ids.agent2, toTeamId: ids.team }, keys.agent1)).status).toBe(403);
    expect((await api.allEvents()).length).toBe(before);
    // Once it is theirs, handing it over is what transfer is for.
    expect((await api.post(at('transfer'), { toAgentId: ids.agent1 }, keys.agent1)).status).toBe(200);
    expect((await api.post(at('transfer'), { toAgentId: ids.agent2 }, keys.agent1)).status).toBe(200);
    expect((await api.post(at('unassign'), {}, keys.agent1)).status).toBe(403);
  });

  it('serves its OpenAPI description', async () => {
    const spec = await api.request<{ paths: Record<string, unknown> }>('GET', '/openapi.json');
    expect(spec.status).toBe(200);
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/v1/tenants', '/webhooks/whatsapp', '/v1/conversations/{id}/assign']));
  });
});

describe('event log', () => {
  it('holds every event type the flows above produced, with valid envelopes', async () => {
    const types = new Set(await eventTypes());
    for (const t of [
      'TenantRegistered',
      'UserAdded',
      'ApiKeyIssued',
      'TeamCreated',
      'AgentAddedToTeam',
      'WhatsAppNumberConnected',
      'ConversationTransferred',
      'CsatRecorded',
    ]) {
      expect(types.has(t), t).toBe(true);
    }
  });
});
