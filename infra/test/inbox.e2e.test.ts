import { textMessage, webhookEnvelope } from '@parley/command/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastPosition, RunningPlatform, type TestTenant } from './support/running-platform.ts';

let platform: RunningPlatform;
let tenant: TestTenant;

beforeAll(async () => {
  platform = await RunningPlatform.start('inbox_e2e');
  tenant = await platform.tenant('acme');
});
afterAll(async () => {
  await platform?.stop();
});

/** Reads after a command's position: fails unless the answer is fresh. */
async function read(path: string, position: string, key = tenant.adminKey) {
  const sep = path.includes('?') ? '&' : '?';
  const res = await platform.get(`${path}${sep}minPosition=${position}`, key);
  expect(res.status, res.text).toBe(200);
  expect(res.headers.get('parley-consistency')).toBe('fresh');
  return res.body;
}

describe('inbox through the query API', () => {
  it('shows a conversation a signed webhook opened, its message, and every later change', async () => {
    const payload = webhookEnvelope({
      phoneNumberId: tenant.phoneNumberId,
      contacts: [{ waId: '5215500000001', name: 'Carla' }],
      messages: [textMessage({ from: '5215500000001', body: 'Hola, where is my parcel?' })],
    });
    const first = await platform.webhook(tenant, payload);
    const list = await read('/v1/conversations', lastPosition(first.positions));
    expect(list.items).toHaveLength(1);
    const c = list.items[0];
    expect(c).toMatchObject({ contactName: 'Carla', contactWaId: '5215500000001', status: 'new', unreadCount: 1, messageCount: 1 });
    expect(c.lastMessage).toMatchObject({ preview: 'Hola, where is my parcel?', direction: 'inbound' });
    expect(c.waitingSince).not.toBeNull();

    const messages = await read(`/v1/conversations/${c.id}/messages`, lastPosition(first.positions));
    expect(messages.items.map((m: { text: string }) => m.text)).toEqual(['Hola, where is my parcel?']);
    expect(messages.nextCursor).toBeNull();

    // The same delivery again: WhatsApp retries. Nothing changes.
    const before = await read(`/v1/conversations/${c.id}`, lastPosition(first.positions));
    const again = await platform.webhook(tenant, payload);
    const after = await read(`/v1/conversations/${c.id}`, lastPosition(again.positions));
    expect(after).toEqual(before);
    expect((await read(`/v1/conversations/${c.id}/messages`, lastPosition(again.positions))).items).toHaveLength(1);

    const agent = tenant.agents[0]!;
    let w = await platform.cmd(`/v1/conversations/${c.id}/queue`, { teamId: tenant.teamId }, tenant.supervisor.key);
    expect((await read(`/v1/conversations/${c.id}`, w.position)).status).toBe('queued');
    const queues = await read('/v1/supervisor/queues', w.position, tenant.supervisor.key);
    expect(queues.items.find((q: { teamId: string }) => q.teamId === tenant.teamId)).toMatchObject({ waiting: 1, open: 1 });

    w = await platform.cmd(`/v1/conversations/${c.id}/assign`, { agentId: agent.userId }, tenant.supervisor.key);
    expect(await read(`/v1/conversations/${c.id}`, w.position)).toMatchObject({ status: 'assigned', assigneeId: agent.userId, teamId: tenant.teamId });
    const mine = await read('/v1/conversations?assignee=me', w.position, agent.key);
    expect(mine.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    const workload = await read('/v1/supervisor/workload', w.position, tenant.supervisor.key);
    expect(workload.items.find((a: { agentId: string }) => a.agentId === agent.userId)).toMatchObject({ open: 1, awaitingReply: 1 });

    w = await platform.cmd(`/v1/conversations/${c.id}/tags`, { tag: 'delivery' }, agent.key);
    expect((await read(`/v1/conversations/${c.id}`, w.position)).tags).toEqual(['delivery']);
    expect((await read('/v1/conversations?tag=delivery', w.position)).items).toHaveLength(1);
    expect((await read('/v1/conversations?tag=billing', w.position)).items).toHaveLength(0);

    w = await platform.cmd(`/v1/conversations/${c.id}/messages`, { type: 'text', body: 'It arrives tomorrow' }, agent.key);
    const replied = await read(`/v1/conversations/${c.id}`, w.position);
    expect(replied).toMatchObject({ status: 'pending_customer', unreadCount: 0, waitingSince: null, messageCount: 2 });
    expect(replied.firstResponseAt).not.toBeNull();

    w = await platform.cmd(`/v1/conversations/${c.id}/status`, { status: 'pending_agent' }, agent.key);
    expect((await read(`/v1/conversations/${c.id}`, w.position)).status).toBe('pending_agent');

    w = await platform.cmd(`/v1/conversations/${c.id}/notes`, { body: 'promised delivery tomorrow' }, agent.key);
    expect((await read(`/v1/conversations/${c.id}`, w.position)).notes.map((n: { body: string }) => n.body)).toEqual(['promised delivery tomorrow']);

    w = await platform.cmd(`/v1/conversations/${c.id}/close`, { reason: 'resolved', outcome: 'information' }, agent.key);
    const closed = await read(`/v1/conversations/${c.id}`, w.position);
    expect(closed).toMatchObject({ status: 'closed', assigneeId: null, closeReason: 'resolved', outcome: 'information' });
    expect(closed.closedAt).not.toBeNull();
    expect(closed.lastAssigneeId).toBe(agent.userId);
    // A closed conversation stays the agent's: their closed work is one filter away.
    expect((await read('/v1/conversations?assignee=me&status=closed', w.position, agent.key)).items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    expect((await read('/v1/conversations?assignee=unassigned&status=closed', w.position)).items).toHaveLength(0);

    // The timeline: every change above in the order it happened, by whom; the webhook's retry added nothing.
    const activity = await read(`/v1/conversations/${c.id}/activity?limit=4`, w.position);
    const rest = await read(`/v1/conversations/${c.id}/activity?cursor=${activity.nextCursor}`, w.position);
    const entries = [...activity.items, ...rest.items] as { type: string; actor: { id: string }; data: Record<string, unknown>; message: unknown }[];
    expect(rest.nextCursor).toBeNull();
    expect(entries.map((e) => e.type)).toEqual([
      'ConversationOpened',
      'MessageReceived',
      'ConversationQueued',
      'ConversationAssigned',
      'ConversationTagged',
      'MessageQueued',
      'ConversationStatusChanged', // the reply: pending_customer
      'ConversationStatusChanged', // pending_agent
      'NoteAdded',
      'ConversationClosed',
    ]);
    expect(entries[1]!.message).toMatchObject({ direction: 'inbound', text: 'Hola, where is my parcel?' });
    expect(entries[3]).toMatchObject({ actor: { id: tenant.supervisor.userId }, data: { agentId: agent.userId } });
    expect(entries[6]!.data).toMatchObject({ from: 'assigned', to: 'pending_customer' });
    expect(entries[8]).toMatchObject({ actor: { id: agent.userId }, data: { body: 'promised delivery tomorrow' }, message: null });
    expect((await platform.get(`/v1/conversations/${crypto.randomUUID()}/activity`, tenant.adminKey)).status).toBe(404);

    const contact = await read(`/v1/contacts/${c.contactId}`, w.position);
    expect(contact).toMatchObject({ name: 'Carla', waId: '5215500000001', tags: ['delivery'], conversationCount: 1, messages: { inbound: 1, outbound: 1 } });
    expect(contact.conversations.map((x: { id: string }) => x.id)).toEqual([c.id]);

    // The thread's next message opens a second conversation in the contact's history.
    const next = await platform.webhook(
      tenant,
      webhookEnvelope({
        phoneNumberId: tenant.phoneNumberId,
        contacts: [{ waId: '5215500000001', name: 'Carla' }],
        messages: [textMessage({ from: '5215500000001', body: 'one more thing' })],
      }),
    );
    const history = await read(`/v1/contacts/${c.contactId}`, lastPosition(next.positions));
    expect(history.conversations).toHaveLength(2);
    expect(history.conversations[1].id).toBe(c.id);
  });

  it('finds conversations by the text of their messages', async () => {
    const { position } = await platform.customerWrites(tenant, '5215500000002', 'My invoice number 4711 is wrong', 'Diego');
    const hits = await read(`/v1/conversations?q=${encodeURIComponent('invoice 4711')}`, position);
    expect(hits.items.map((x: { contactWaId: string }) => x.contactWaId)).toEqual(['5215500000002']);
    expect((await read(`/v1/conversations?q=${encodeURIComponent('"number 4711 is wrong"')}`, position)).items).toHaveLength(1);
    expect((await read('/v1/conversations?q=refund', position)).items).toHaveLength(0);
  });

  it('answers with the data it has, marked stale, when the projection does not reach the position in time', async () => {
    const [projector] = platform.query.projectors;
    await projector!.stop();
    try {
      const { positions } = await platform.webhook(
        tenant,
        webhookEnvelope({
          phoneNumberId: tenant.phoneNumberId,
          contacts: [{ waId: '5215500000003' }],
          messages: [textMessage({ from: '5215500000003', body: 'anyone?' })],
        }),
      );
      const stale = await platform.get(`/v1/conversations?minPosition=${lastPosition(positions)}&waitMs=150`, tenant.adminKey);
      expect(stale.status).toBe(200);
      expect(stale.headers.get('parley-consistency')).toBe('stale');
      expect(stale.body.items.some((x: { contactWaId: string }) => x.contactWaId === '5215500000003')).toBe(false);

      await projector!.start();
      const fresh = await platform.get(`/v1/conversations?minPosition=${lastPosition(positions)}&waitMs=5000`, tenant.adminKey, {});
      expect(fresh.headers.get('parley-consistency')).toBe('fresh');
      expect(fresh.body.items.some((x: { contactWaId: string }) => x.contactWaId === '5215500000003')).toBe(true);
    } finally {
      await projector!.start();
    }
  });

  it('pages with a cursor that neither repeats nor skips while the inbox changes under it', async () => {
    const t = await platform.tenant('paging', 1);
    const ids: string[] = [];
    let position = '0';
    for (let i = 0; i < 23; i++) {
      const w = await platform.customerWrites(t, `4477009000${String(i).padStart(2, '0')}`, `message ${i}`);
      ids.push(w.conversationId);
      position = w.position;
    }
    for (const sort of ['last_activity', 'longest_waiting', 'priority'] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pageNo = 0;
      do {
        const res = await read(`/v1/conversations?sort=${sort}&limit=5${cursor ? `&cursor=${cursor}` : ''}`, position, t.adminKey);
        seen.push(...res.items.map((x: { id: string }) => x.id));
        cursor = res.nextCursor;
        pageNo += 1;
        if (pageNo === 2) {
          // A new conversation arrives between pages: it lands before the cursor (newest
          // activity) or after it (latest wait), never among the rows already served.
          const w = await platform.customerWrites(t, `44770091${String(pageNo).padStart(4, '0')}${sort.length}`, 'new arrival');
          position = w.position;
        }
      } while (cursor);
      const original = seen.filter((id) => ids.includes(id));
      expect(new Set(seen).size).toBe(seen.length);
      expect(new Set(original)).toEqual(new Set(ids));
    }
  });

  it('refuses bad input with the reason', async () => {
    const bad = async (path: string, pattern: RegExp) => {
      const res = await platform.get(path, tenant.adminKey);
      expect(res.status, path).toBe(400);
      expect(res.body.message).toMatch(pattern);
    };
    await bad('/v1/conversations?status=open', /status/);
    await bad('/v1/conversations?limit=0', /limit/);
    await bad('/v1/conversations?cursor=garbage', /cursor/);
    await bad('/v1/conversations?assignee=bob', /assignee/);
    await bad('/v1/conversations?minPosition=abc', /minPosition/);
    const page = await platform.get('/v1/conversations?sort=priority&limit=1', tenant.adminKey);
    await bad(`/v1/conversations?sort=last_activity&cursor=${page.body.nextCursor}`, /issued for sort "priority"/);
    await bad('/v1/conversations/not-a-uuid', /id/);
    await bad('/v1/conversations?stauts=open', /stauts/); // a typo is not a silently dropped filter
    const tagged = await platform.get('/v1/conversations?limit=1', tenant.adminKey);
    await bad(`/v1/conversations?limit=1&tag=delivery&cursor=${tagged.body.nextCursor}`, /other filters/);
    expect((await platform.get('/v1/conversations', undefined)).status).toBe(401);
    expect((await platform.get(`/v1/conversations/${crypto.randomUUID()}`, tenant.adminKey)).status).toBe(404);
    expect((await platform.get('/v1/supervisor/queues', tenant.agents[0]!.key)).status).toBe(403);
  });
});

describe('after all of the above', () => {
  it('parked no event (a handler bug would park silently and the projector go on)', async () => {
    const health = await platform.get('/health', undefined);
    expect(health.body.projectors.map((p: { name: string; parked: number }) => [p.name, p.parked])).toEqual([
      ['inbox', 0],
      ['plans', 0],
      ['billing', 0],
      ['invoices', 0],
    ]);
  });
});
