import { type EnvelopeInput, newWamid, statusUpdate, textMessage, webhookEnvelope } from '@parley/command/testing';
import { encodeEvent, type ParleyEvent, type RecordedEvent } from '@parley/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactIdFor, conversationIdFor, deterministicId, numberIdFor, streams, threadKeyFor } from '../src/domain/ids.ts';
import { ADMIN_KEY, RunningCommandApi } from './support/running-command-api.ts';

/**
 * Tenants share one event log. Whatever one tenant's WhatsApp number is sent (any wamid,
 * any text) must not decide whether another tenant's deliveries are stored.
 */
let api: RunningCommandApi;
const A = { tenantId: '', key: '', phoneNumberId: '20000000001', secret: 'app-secret-of-tenant-a-0123456789' };
const B = { tenantId: '', key: '', phoneNumberId: '20000000002', secret: 'app-secret-of-tenant-b-0123456789' };
type Tenant = typeof A;
const unix = (d: Date) => String(Math.floor(d.getTime() / 1000));

beforeAll(async () => {
  api = await RunningCommandApi.start('webhook_tenant_isolation');
  for (const [t, name] of [
    [A, 'Acme'],
    [B, 'Globex'],
  ] as const) {
    const res = await api.post<{ tenantId: string; apiKey: string }>('/v1/tenants', { name, admin: { name: 'Admin', email: `admin@${name}.test` } }, ADMIN_KEY);
    t.tenantId = res.body.tenantId;
    t.key = res.body.apiKey;
    const number = {
      phoneNumberId: t.phoneNumberId,
      displayPhoneNumber: `+1 555 ${t.phoneNumberId.slice(-4)}`,
      appSecret: t.secret,
      verifyToken: `verify-${name}`,
    };
    expect((await api.post('/v1/whatsapp-numbers', number, t.key)).status).toBe(201);
  }
});
afterAll(async () => {
  await api?.stop();
});

const deliver = (t: Tenant, input: Omit<EnvelopeInput, 'phoneNumberId'>) =>
  api.webhook(webhookEnvelope({ phoneNumberId: t.phoneNumberId, ...input }), t.secret);
const text = (from: string, id: string, body = 'hello') => textMessage({ from, id, body, timestamp: unix(api.now) });
const tenantOf = (e: RecordedEvent) => (e.metadata as { tenantId: string }).tenantId;
const withWamid = (events: RecordedEvent[], type: string, wamid: string) =>
  events.filter((e) => e.type === type && (e.data as { wamid: string }).wamid === wamid);

/** A thread's ids as the webhook derives them, and events encoded with the ids of earlier versions. */
function legacy(t: Tenant, waId: string) {
  const contactId = contactIdFor(t.tenantId, { waId, userId: null });
  const threadKey = threadKeyFor(t.tenantId, t.phoneNumberId, contactId);
  const conversationId = conversationIdFor(threadKey, 1);
  const ctx = {
    tenantId: t.tenantId,
    actor: { type: 'customer' as const, id: contactId },
    correlationId: 'before-the-upgrade',
    causationId: null,
    now: api.now,
  };
  const encode = (event: ParleyEvent, id: string) => encodeEvent(event, id, ctx);
  return {
    contactId,
    threadStream: streams.thread(threadKey),
    contactStream: streams.contact(contactId),
    contactCreated: () =>
      encode({ type: 'ContactCreated', data: { contactId, waId, userId: null, profileName: 'Test Customer' } }, deterministicId('contact-created', contactId)),
    opened: () =>
      encode(
        {
          type: 'ConversationOpened',
          data: { conversationId, contactId, numberId: numberIdFor(t.phoneNumberId), phoneNumberId: t.phoneNumberId, origin: 'inbound' },
        },
        deterministicId('opened', conversationId),
      ),
    // The unscoped ids every version before this one gave webhook events.
    received: (wamid: string) =>
      encode(
        {
          type: 'MessageReceived',
          data: {
            conversationId,
            messageId: deterministicId('message', t.tenantId, wamid),
            wamid,
            contactId,
            profileName: 'Test Customer',
            sentAt: api.now.toISOString(),
            content: { type: 'text', body: 'hello' },
            replyTo: null,
            referral: null,
          },
        },
        deterministicId('received', wamid),
      ),
    delivered: (wamid: string) =>
      encode(
        {
          type: 'MessageDelivered',
          data: { wamid, messageId: null, conversationId: null, recipientId: waId, at: api.now.toISOString(), pricing: null, whatsappConversation: null },
        },
        deterministicId('status', wamid, 'MessageDelivered'),
      ),
  };
}

describe('event ids of webhook events', () => {
  it("stores tenant B's message and status even when tenant A's hold the same wamid", async () => {
    const wamid = newWamid();
    expect((await deliver(A, { messages: [text('5215550000001', wamid)] })).body).toMatchObject({ events: 3 });
    const toB = await deliver(B, { messages: [text('5215550000001', wamid)] });
    expect(toB.status).toBe(200);
    expect(toB.body).toMatchObject({ events: 3 });
    expect((await deliver(B, { messages: [text('5215550000001', wamid)] })).body).toMatchObject({ events: 0 });

    const outbound = newWamid();
    const status = () => [statusUpdate({ id: outbound, status: 'delivered', recipientId: '5215550000001', timestamp: unix(api.now) })];
    const statusA = await deliver(A, { statuses: status() });
    const statusB = await deliver(B, { statuses: status() });
    expect(statusA.body).toMatchObject({ events: 1 });
    expect(statusB.body).toMatchObject({ events: 1 });
    expect(statusB.body.positions).not.toEqual(statusA.body.positions);
    expect((await deliver(B, { statuses: status() })).body).toMatchObject({ events: 0 });

    const events = await api.allEvents();
    expect(withWamid(events, 'MessageReceived', wamid).map(tenantOf).sort()).toEqual([A.tenantId, B.tenantId].sort());
    expect(withWamid(events, 'MessageDelivered', outbound).map(tenantOf).sort()).toEqual([A.tenantId, B.tenantId].sort());
  });

  it('adds nothing on a redelivery of events stored under the earlier, unscoped ids', async () => {
    const customer = '5215550000002';
    const old = legacy(A, customer);
    const [wamid, outbound] = [newWamid(), newWamid()];
    await api.platform.store.appendToStream(old.contactStream, [old.contactCreated()], { expectedRevision: 'no_stream' });
    await api.platform.store.appendToStream(old.threadStream, [old.opened(), old.received(wamid), old.delivered(outbound)], { expectedRevision: 'no_stream' });
    const before = (await api.allEvents()).length;

    const again = await deliver(A, {
      messages: [text(customer, wamid)],
      statuses: [statusUpdate({ id: outbound, status: 'delivered', recipientId: customer, timestamp: unix(api.now) })],
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ events: 0 });
    expect((await api.allEvents()).length).toBe(before);
  });

  it('adds nothing when the unscoped events were stored behind this process’s cached thread', async () => {
    const customer = '5215550000003';
    const old = legacy(A, customer);
    expect((await deliver(A, { messages: [text(customer, newWamid())] })).body).toMatchObject({ events: 3 });
    // Another process, still on the earlier version, records the next message.
    const wamid = newWamid();
    const tail = (await api.platform.store.readStream(old.threadStream)).at(-1)!;
    await api.platform.store.appendToStream(old.threadStream, [old.received(wamid)], { expectedRevision: tail.revision });
    const before = (await api.allEvents()).length;

    expect((await deliver(A, { messages: [text(customer, wamid)] })).body).toMatchObject({ events: 0 });
    expect((await api.allEvents()).length).toBe(before);
  });

  it('completes the message a contact was left without: a redelivery records it, the contact once', async () => {
    // What earlier versions left: A's message under the unscoped id, and B's contact
    // created by a delivery whose message append was then refused.
    const customer = '5215550000004';
    const wamid = newWamid();
    const [a, b] = [legacy(A, customer), legacy(B, customer)];
    await api.platform.store.appendToStream(a.contactStream, [a.contactCreated()], { expectedRevision: 'no_stream' });
    await api.platform.store.appendToStream(a.threadStream, [a.opened(), a.received(wamid)], { expectedRevision: 'no_stream' });
    await api.platform.store.appendToStream(b.contactStream, [b.contactCreated()], { expectedRevision: 'no_stream' });

    const redelivered = await deliver(B, { messages: [text(customer, wamid)] });
    expect(redelivered.status).toBe(200);
    expect(redelivered.body).toMatchObject({ events: 2 });
    expect((await api.platform.store.readStream(b.threadStream)).map((e) => e.type)).toEqual(['ConversationOpened', 'MessageReceived']);
    expect((await api.platform.store.readStream(b.contactStream)).map((e) => e.type)).toEqual(['ContactCreated']);
  });

  it("keeps one tenant's WhatsApp error reports apart from another's identical ones", async () => {
    const errors = [{ code: 131051, title: 'Unsupported message type' }];
    const report = (t: Tenant) => {
      const payload = webhookEnvelope({ phoneNumberId: t.phoneNumberId });
      (payload.entry[0]!.changes[0]!.value as { errors?: unknown }).errors = errors;
      return api.webhook(payload, t.secret);
    };
    expect((await report(A)).status).toBe(200);
    expect((await report(B)).status).toBe(200);
    expect((await report(B)).status).toBe(200); // redelivered: still one
    const letters = await api.request<{ items: Array<{ reason: string; phoneNumberId: string }> }>('GET', '/v1/admin/webhook-dead-letters', { key: ADMIN_KEY });
    const reports = letters.body.items.filter((l) => l.reason === 'whatsapp_errors');
    expect(reports.map((l) => l.phoneNumberId).sort()).toEqual([A.phoneNumberId, B.phoneNumberId].sort());
  });
});

describe("text PostgreSQL cannot hold, from one tenant's side", () => {
  it('stores a customer message holding U+0000 and lone surrogates repaired, and answers 200', async () => {
    const wamid = newWamid();
    const message = { ...text('5215550000010', wamid, 'poison\u0000 and \ud800 and \udfff, 👍'), referral: { 'head\u0000line': 'ad\ud83d' } };
    const payload = { messages: [message], contacts: [{ waId: '5215550000010', name: 'Nul\u0000Name' }] };
    const res = await deliver(A, payload);
    expect(res.status).toBe(200);
    expect((await deliver(A, payload)).body).toMatchObject({ events: 0 });

    const events = await api.allEvents();
    const [received] = withWamid(events, 'MessageReceived', wamid);
    expect(received?.data).toMatchObject({
      content: { type: 'text', body: 'poison\uFFFD and \uFFFD and \uFFFD, 👍' },
      profileName: 'Nul\uFFFDName',
      referral: { 'head\uFFFDline': 'ad\uFFFD' },
    });
  });

  it("does not fail tenant B's concurrent webhooks while tenant A sends poison", async () => {
    const conversation = await deliver(A, { messages: [text('5215550000011', newWamid())] });
    expect(conversation.status).toBe(200);
    const opened = (await api.allEvents()).filter((e) => e.type === 'ConversationOpened').at(-1)!;
    const notes = `/v1/conversations/${(opened.data as { conversationId: string }).conversationId}/notes`;

    const senders = Array.from({ length: 60 }, (_, i) => `52155510${String(i).padStart(4, '0')}`);
    const wamids = senders.map(() => newWamid());
    const [fromB, poisonNotes, poisonHooks, goodNotes] = await Promise.all([
      Promise.all(senders.map((from, i) => deliver(B, { messages: [text(from, wamids[i]!)] }))),
      Promise.all(Array.from({ length: 20 }, () => api.post(notes, { body: 'poison\u0000' }, A.key))),
      Promise.all(Array.from({ length: 20 }, (_, i) => deliver(A, { messages: [text(`52155520${String(i).padStart(4, '0')}`, newWamid(), 'poison\u0000')] }))),
      Promise.all(Array.from({ length: 5 }, () => api.post(notes, { body: 'fine' }, A.key))),
    ]);

    expect(fromB.map((r) => r.status)).toEqual(senders.map(() => 200));
    expect(poisonHooks.map((r) => r.status)).toEqual(poisonHooks.map(() => 200));
    expect(goodNotes.map((r) => r.status)).toEqual(goodNotes.map(() => 200));
    // Refused at the edge (400), or by the store for itself alone (500): never stored.
    for (const r of poisonNotes) expect(r.status).toBeGreaterThanOrEqual(400);

    const events = await api.allEvents();
    for (const [i, wamid] of wamids.entries()) expect(withWamid(events, 'MessageReceived', wamid), senders[i]).toHaveLength(1);
    const createdForB = events.filter((e) => e.type === 'ContactCreated' && tenantOf(e) === B.tenantId).map((e) => (e.data as { contactId: string }).contactId);
    const withMessage = new Set(events.filter((e) => e.type === 'MessageReceived').map((e) => (e.data as { contactId: string }).contactId));
    expect(createdForB.filter((c) => !withMessage.has(c))).toEqual([]);
  }, 60_000);
});

describe('webhook timestamps', () => {
  it('bounds a message stamped decades ahead to receipt + 5 minutes, so its 24 h window closes', async () => {
    const wamid = newWamid();
    const in2076 = new Date('2076-01-01T00:00:00.000Z');
    expect((await deliver(A, { messages: [textMessage({ from: '5215550000020', id: wamid, body: 'from the future', timestamp: unix(in2076) })] })).status).toBe(
      200,
    );
    const [received] = withWamid(await api.allEvents(), 'MessageReceived', wamid);
    expect(received?.data).toMatchObject({
      sentAt: new Date(api.now.getTime() + 5 * 60_000).toISOString(),
      reportedSentAt: in2076.toISOString(),
    });
    const conversationId = (received!.data as { conversationId: string }).conversationId;

    const started = api.now;
    api.now = new Date(started.getTime() + 25 * 3600_000);
    try {
      const reply = await api.post(`/v1/conversations/${conversationId}/messages`, { type: 'text', body: 'still there?' }, A.key);
      expect(reply.status).toBe(422);
    } finally {
      api.now = started;
    }
  });
});
