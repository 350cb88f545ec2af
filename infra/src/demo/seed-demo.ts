import {
  contactIdFor,
  conversationIdFor,
  imageMessage,
  interactiveButtonReply,
  newWamid,
  statusUpdate,
  textMessage,
  threadKeyFor,
  webhookEnvelope,
} from '@parley/command/testing';
import { httpDemoClient } from './demo-client.ts';
import { DEMO_TENANTS, SUPERVISOR, setUpTenant, type TenantSetup } from './demo-tenants.ts';
import { holidayDaysAgo } from './demo-time.ts';
import { type HistoryOptions, seedHistory } from './seed-history.ts';

export interface DemoTenant {
  name: string;
  tenantId: string;
  keys: Record<string, string>;
  phoneNumberId: string;
  /** The number's secrets, so that a local fake Cloud API can play WhatsApp for it (absent in older demo files). */
  whatsapp?: DemoNumber;
  /** Team ids by name (absent in older demo files). */
  teams?: Record<string, string>;
  /** The zone of the tenant's business hours (absent in older demo files). */
  timeZone?: string;
}

export interface DemoNumber {
  phoneNumberId: string;
  appSecret: string;
  accessToken: string;
}

export interface DemoOptions {
  /**
   * Seed weeks of history first (see seed-history.ts): the tenants are then set up in
   * simulated time, before it, by a command platform of this process on `platform`'s
   * database and secrets. null or absent: only the live demo, set up now.
   */
  history?: Pick<HistoryOptions, 'platform' | 'days' | 'seed' | 'concurrency'> | null;
  /** Told what the history wrote, once it has. */
  onHistory?: (summary: { conversations: Record<string, number>; requests: number; from: Date; to: Date; ms: number }) => void;
}

/**
 * Seeds demo tenants the way real clients would: through the command API and signed
 * WhatsApp webhooks, never through SQL, so the demo exercises the real path. With
 * `history`, 30 days of traffic come first (in simulated time); then, at the current
 * time, a few conversations that wait, are worked on or were just closed.
 */
export async function seedDemo(
  baseUrl: string,
  adminKey: string,
  onNumber: (number: DemoNumber) => void = () => undefined,
  options: DemoOptions = {},
): Promise<DemoTenant[]> {
  const now = Date.now();
  // A public holiday in the tenant's zone a dozen days ago: its teams' calendars close that day.
  const holidays = Object.fromEntries(DEMO_TENANTS.map((spec) => [spec.slug, [holidayDaysAgo(now, 12, spec.timeZone)]]));
  const client = httpDemoClient(baseUrl);
  let setups: TenantSetup[];
  if (options.history) {
    const started = performance.now();
    const history = await seedHistory({ ...options.history, adminKey, specs: DEMO_TENANTS, holidays, onNumber, now });
    setups = history.setups;
    options.onHistory?.({ ...history, ms: Math.round(performance.now() - started) });
  } else {
    setups = [];
    for (const spec of DEMO_TENANTS) setups.push(await setUpTenant(client, adminKey, spec, holidays[spec.slug] ?? [], onNumber));
  }

  const tenants: DemoTenant[] = [];
  for (const setup of setups) {
    const { spec, tenantId, keys, phoneNumberId, whatsapp } = setup;
    const webhook = (payload: unknown) => client.webhook(payload, whatsapp.appSecret);
    const call = <T>(path: string, body: unknown, key: string) => client.call<T>(path, body, key);
    const team = setup.teams[0]!;
    const agents = [setup.users.Ana!, setup.users.Luis!];

    for (const [i, customer] of spec.customers.entries()) {
      const name = ['Carla', 'Diego', 'Elena'][i] ?? 'Customer';
      await webhook(
        webhookEnvelope({
          phoneNumberId,
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
            phoneNumberId,
            contacts: [{ waId: customer, name }],
            messages: [interactiveButtonReply({ from: customer, replyId: 'talk-to-agent', title: 'Hablar con un agente' })],
          }),
        );
      }
    }
    await webhook(
      webhookEnvelope({
        phoneNumberId,
        statuses: [statusUpdate({ id: newWamid(), status: 'delivered', recipientId: spec.customers[0]!, pricing: { billable: true, category: 'utility' } })],
      }),
    );
    // Agents at work: one conversation answered and closed with CSAT, one tagged and in
    // progress, the rest waiting in the team queue.
    const conversationOf = (waId: string) => conversationIdFor(threadKeyFor(tenantId, phoneNumberId, contactIdFor(tenantId, { waId, userId: null })), 1);
    const supervisorKey = keys[`supervisor:${SUPERVISOR}`]!;
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
    tenants.push({
      name: spec.name,
      tenantId,
      keys,
      phoneNumberId,
      whatsapp,
      teams: Object.fromEntries(setup.teams.map((t) => [t.name, t.teamId])),
      timeZone: spec.timeZone,
    });
  }
  return tenants;
}
