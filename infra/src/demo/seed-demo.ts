import { randomBytes, randomInt } from 'node:crypto';
import {
  contactIdFor,
  conversationIdFor,
  imageMessage,
  interactiveButtonReply,
  newWamid,
  signBody,
  statusUpdate,
  textMessage,
  threadKeyFor,
  webhookEnvelope,
} from '@parley/command/testing';

export interface DemoTenant {
  name: string;
  tenantId: string;
  keys: Record<string, string>;
  phoneNumberId: string;
  /** The number's secrets, so that a local fake Cloud API can play WhatsApp for it (absent in older demo files). */
  whatsapp?: DemoNumber;
}

export interface DemoNumber {
  phoneNumberId: string;
  appSecret: string;
  accessToken: string;
}

/**
 * Seeds demo tenants the way real clients would: through the command API and signed
 * WhatsApp webhooks, never through SQL, so the demo exercises the real path.
 */
export async function seedDemo(baseUrl: string, adminKey: string, onNumber: (number: DemoNumber) => void = () => undefined): Promise<DemoTenant[]> {
  const call = async <T>(path: string, body: unknown, key: string, extra: Record<string, string> = {}, method = 'POST'): Promise<T> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...extra },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`demo seed: ${path} answered ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  };

  const tenants: DemoTenant[] = [];
  // Fresh phone_number_ids each time: seeding again adds demo tenants, never collides.
  const phoneNumberId = () => String(randomInt(100_000_000_000, 999_999_999_999));
  const specs = [
    {
      name: 'Tienda Demo',
      slug: 'tienda',
      phoneNumberId: phoneNumberId(),
      display: '+52 55 1000 0001',
      customers: ['5215511110001', '5215511110002', '5215511110003'],
    },
    { name: 'Clinic Demo', slug: 'clinic', phoneNumberId: phoneNumberId(), display: '+44 20 7000 0002', customers: ['447700900001', '447700900002'] },
  ];
  for (const spec of specs) {
    const tenant = await call<{ tenantId: string; apiKey: string }>(
      '/v1/tenants',
      { name: spec.name, admin: { name: 'Demo Admin', email: `admin@${spec.slug}.demo` } },
      adminKey,
    );
    const keys: Record<string, string> = { admin: tenant.apiKey };
    const user = async (name: string, role: string) => {
      const u = await call<{ userId: string; apiKey: string }>('/v1/users', { name, email: `${name.toLowerCase()}@${spec.slug}.demo`, role }, tenant.apiKey);
      keys[`${role}:${name}`] = u.apiKey;
      return u.userId;
    };
    const supervisor = await user('Sofia', 'supervisor');
    const agents = [await user('Ana', 'agent'), await user('Luis', 'agent')];
    await user('Rosa', 'analyst'); // read-only SQL over this tenant's analytics rows
    const team = await call<{ teamId: string }>('/v1/teams', { name: 'Support' }, tenant.apiKey);
    for (const id of [supervisor, ...agents]) await call(`/v1/teams/${team.teamId}/agents`, { userId: id }, tenant.apiKey);
    const appSecret = randomBytes(24).toString('hex');
    const whatsapp = { phoneNumberId: spec.phoneNumberId, appSecret, accessToken: `EAAdemo${randomBytes(24).toString('hex')}` };
    onNumber(whatsapp);
    await call(
      '/v1/whatsapp-numbers',
      {
        phoneNumberId: spec.phoneNumberId,
        displayPhoneNumber: spec.display,
        appSecret,
        verifyToken: randomBytes(12).toString('hex'),
        accessToken: whatsapp.accessToken,
      },
      tenant.apiKey,
    );

    const webhook = async (payload: unknown) => {
      const raw = JSON.stringify(payload);
      const res = await fetch(`${baseUrl}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, appSecret) },
        body: raw,
      });
      if (!res.ok) throw new Error(`demo seed: webhook answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as { positions: string[] };
    };

    // Service levels: weekday business hours in the tenant's zone and targets per priority.
    const timeZone = spec.slug === 'tienda' ? 'America/Mexico_City' : 'Europe/London';
    await call(
      `/v1/teams/${team.teamId}/business-hours`,
      { timeZone, periods: [0, 1, 2, 3, 4].map((day) => ({ day, open: '09:00', close: '18:00' })), holidays: [] },
      tenant.apiKey,
      {},
      'PUT',
    );
    for (const [priority, minutes] of [
      ['urgent', 5],
      ['high', 15],
      ['normal', 60],
      ['low', 240],
    ] as const) {
      await call(
        `/v1/teams/${team.teamId}/sla-policies/${priority}`,
        { firstResponseSeconds: minutes * 60, nextResponseSeconds: minutes * 120, resolutionSeconds: minutes * 60 * 24 },
        tenant.apiKey,
        {},
        'PUT',
      );
    }

    for (const [i, customer] of spec.customers.entries()) {
      const name = ['Carla', 'Diego', 'Elena'][i] ?? 'Customer';
      await webhook(
        webhookEnvelope({
          phoneNumberId: spec.phoneNumberId,
          contacts: [{ waId: customer, name }],
          messages: [
            textMessage({ from: customer, body: `Hola, soy ${name}: tengo una pregunta sobre mi pedido` }),
            ...(i === 1 ? [imageMessage({ from: customer, caption: 'foto del paquete' })] : []),
          ],
        }),
      );
      if (i === 2) {
        await webhook(
          webhookEnvelope({
            phoneNumberId: spec.phoneNumberId,
            contacts: [{ waId: customer, name }],
            messages: [interactiveButtonReply({ from: customer, replyId: 'talk-to-agent', title: 'Hablar con un agente' })],
          }),
        );
      }
    }
    await webhook(
      webhookEnvelope({
        phoneNumberId: spec.phoneNumberId,
        statuses: [statusUpdate({ id: newWamid(), status: 'delivered', recipientId: spec.customers[0]!, pricing: { billable: true, category: 'utility' } })],
      }),
    );
    // Agents at work: one conversation answered and closed with CSAT, one tagged and in
    // progress, the rest waiting in the team queue.
    const conversationOf = (waId: string) =>
      conversationIdFor(threadKeyFor(tenant.tenantId, spec.phoneNumberId, contactIdFor(tenant.tenantId, { waId, userId: null })), 1);
    const supervisorKey = keys['supervisor:Sofia']!;
    const anaKey = keys['agent:Ana']!;
    for (const [i, customer] of spec.customers.entries()) {
      const on = (path: string, body: unknown, key = supervisorKey) => call(`/v1/conversations/${conversationOf(customer)}/${path}`, body, key);
      await on('queue', { teamId: team.teamId });
      if (i === spec.customers.length - 1) continue;
      await on('assign', { agentId: agents[i % agents.length]! });
      await on('tags', { tag: i === 0 ? 'delivery' : 'billing' });
      if (i === 0) {
        await on('messages', { type: 'text', body: 'Hola Carla, tu pedido llega mañana.' }, anaKey);
        await on('notes', { body: 'Courier confirmed the delivery date' }, anaKey);
        await on('close', { reason: 'resolved', outcome: 'information' }, anaKey);
        await on('csat', { score: 5, comment: 'Muy rápido, gracias' });
      } else {
        await on('priority', { priority: 'high' });
      }
    }
    tenants.push({ name: spec.name, tenantId: tenant.tenantId, keys, phoneNumberId: spec.phoneNumberId, whatsapp });
  }
  return tenants;
}
