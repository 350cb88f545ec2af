import { imageMessage, newWamid, statusUpdate, textMessage, webhookEnvelope } from '@parley/command/testing';
import type { RunningPlatform, TestTenant } from './running-platform.ts';

/**
 * Realistic inbox traffic through the real APIs: customers write (text and media),
 * conversations are queued, assigned, tagged, answered, transferred, closed and reopened,
 * and WhatsApp reports statuses. Deterministic in shape for a given `seed`.
 */
export async function inboxTraffic(platform: RunningPlatform, tenant: TestTenant, conversations: number, seed = 0): Promise<void> {
  const [a0, a1] = tenant.agents;
  if (!a0 || !a1) throw new Error('inboxTraffic needs two agents');
  for (let i = 0; i < conversations; i++) {
    const waId = `34600${String(seed).padStart(3, '0')}${String(i).padStart(4, '0')}`;
    const written = await platform.webhook(
      tenant,
      webhookEnvelope({
        phoneNumberId: tenant.phoneNumberId,
        contacts: [{ waId, name: `Customer ${seed}-${i}` }],
        messages: [
          textMessage({ from: waId, body: `Hello, order ${seed}-${i} has a problem` }),
          ...(i % 3 === 0 ? [imageMessage({ from: waId, caption: `photo ${i}` })] : []),
        ],
      }),
    );
    const list = await platform.get(`/v1/conversations?minPosition=${written.positions.at(-1)}&waitMs=10000&limit=1&sort=last_activity`, tenant.adminKey);
    const id = (list.body.items as { id: string }[])[0]?.id;
    if (!id || list.headers.get('parley-consistency') !== 'fresh') throw new Error('traffic: the new conversation is not visible');
    const agent = i % 2 === 0 ? a0 : a1;
    const on = (path: string, body: unknown, key = tenant.supervisor.key) => platform.cmd(`/v1/conversations/${id}/${path}`, body, key);
    await on('queue', { teamId: tenant.teamId });
    if (i % 5 === 4) continue; // left waiting in the queue
    await on('assign', { agentId: agent.userId });
    await on('tags', { tag: i % 2 === 0 ? 'billing' : 'delivery' });
    await on('messages', { type: 'text', body: `We are on it (${i})` }, agent.key);
    if (i % 4 === 1) await on('priority', { priority: 'urgent' });
    if (i % 6 === 2) await on('transfer', { toAgentId: (agent === a0 ? a1 : a0).userId, toTeamId: null, note: 'shift change' });
    await platform.webhook(
      tenant,
      webhookEnvelope({
        phoneNumberId: tenant.phoneNumberId,
        statuses: [
          statusUpdate({ id: newWamid(), status: 'delivered', recipientId: waId }),
          statusUpdate({ id: newWamid(), status: 'read', recipientId: waId }),
        ],
      }),
    );
    if (i % 3 !== 0) {
      await on('close', { reason: 'resolved', outcome: null });
      if (i % 7 === 1) await on('reopen', {});
    }
  }
}
