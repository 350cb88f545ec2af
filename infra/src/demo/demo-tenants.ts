import { randomBytes, randomInt } from 'node:crypto';
import type { Priority } from '@parley/events';
import type { DemoClient } from './demo-client.ts';
import { choosePlan, definePlans, demoPlanKey } from './seed-plans.ts';

/** A weekly open period in the team's zone: day 0 = Monday … 6 = Sunday. */
export interface Period {
  day: number;
  open: string;
  close: string;
}

export interface TeamSpec {
  name: string;
  /** Agents (by name) in the team; the supervisor joins every team. */
  agents: readonly string[];
  periods: readonly Period[];
  /** First-response target per priority, in minutes; next response is twice it, resolution 24 times it. */
  targetMinutes: Readonly<Record<Priority, number>>;
}

export interface TemplateSpec {
  name: string;
  language: string;
  category: 'marketing' | 'utility' | 'authentication';
  bodyParameters: number;
}

export interface TenantSpec {
  name: string;
  slug: string;
  display: string;
  timeZone: string;
  /** Customers of the live demo (they must not write in the history: their conversation is the first of their thread). */
  customers: readonly string[];
  teams: readonly TeamSpec[];
  template: TemplateSpec;
}

const AGENTS = ['Ana', 'Luis', 'Marta', 'Jorge', 'Pablo'] as const;
export const SUPERVISOR = 'Sofia';
export const ANALYST = 'Rosa';
export const BILLING = 'Beto';

const weekdays = (open: string, close: string, days = [0, 1, 2, 3, 4]) => days.map((day) => ({ day, open, close }));

export const DEMO_TENANTS: readonly TenantSpec[] = [
  {
    name: 'Tienda Demo',
    slug: 'tienda',
    display: '+52 55 1000 0001',
    timeZone: 'America/Mexico_City',
    customers: ['5215511110001', '5215511110002', '5215511110003'],
    teams: [
      {
        name: 'Support',
        agents: ['Ana', 'Luis', 'Pablo'],
        periods: [...weekdays('09:00', '18:00'), { day: 5, open: '10:00', close: '14:00' }],
        targetMinutes: { urgent: 5, high: 15, normal: 60, low: 240 },
      },
      {
        name: 'Sales',
        agents: ['Marta', 'Jorge'],
        periods: weekdays('10:00', '20:00', [0, 1, 2, 3, 4, 5]),
        targetMinutes: { urgent: 10, high: 30, normal: 120, low: 480 },
      },
    ],
    template: { name: 'order_update', language: 'es_MX', category: 'utility', bodyParameters: 1 },
  },
  {
    name: 'Clinic Demo',
    slug: 'clinic',
    display: '+44 20 7000 0002',
    timeZone: 'Europe/London',
    customers: ['447700900001', '447700900002'],
    teams: [
      {
        name: 'Support',
        agents: ['Ana', 'Luis', 'Pablo'],
        periods: weekdays('08:00', '18:00'),
        targetMinutes: { urgent: 5, high: 15, normal: 60, low: 240 },
      },
      {
        name: 'Appointments',
        agents: ['Marta', 'Jorge'],
        periods: weekdays('08:00', '20:00'),
        targetMinutes: { urgent: 10, high: 30, normal: 90, low: 360 },
      },
    ],
    template: { name: 'appointment_reminder', language: 'en_GB', category: 'utility', bodyParameters: 2 },
  },
];

export interface TeamSetup {
  name: string;
  teamId: string;
  /** Agents' names in the team (not the supervisor). */
  agents: readonly string[];
  calendar: { timeZone: string; periods: readonly Period[]; holidays: readonly string[] };
}

export interface TenantSetup {
  spec: TenantSpec;
  tenantId: string;
  /** API keys by `role:Name`, and `admin`. */
  keys: Record<string, string>;
  /** User ids by name. */
  users: Record<string, string>;
  teams: TeamSetup[];
  phoneNumberId: string;
  whatsapp: { phoneNumberId: string; appSecret: string; accessToken: string };
}

/**
 * A demo tenant as its admin would set it up through the command API: users (a
 * supervisor, five agents, an analyst and a billing user), two teams with business hours
 * (holidays given) and SLA targets per priority, and a WhatsApp number with a template.
 */
export async function setUpTenant(
  client: DemoClient,
  adminKey: string,
  spec: TenantSpec,
  holidays: readonly string[],
  onNumber: (number: TenantSetup['whatsapp']) => void,
): Promise<TenantSetup> {
  const tenant = await client.call<{ tenantId: string; apiKey: string }>(
    '/v1/tenants',
    { name: spec.name, admin: { name: 'Demo Admin', email: `admin@${spec.slug}.demo` } },
    adminKey,
  );
  const keys: Record<string, string> = { admin: tenant.apiKey };
  const users: Record<string, string> = {};
  const user = async (name: string, role: string) => {
    const u = await client.call<{ userId: string; apiKey: string }>(
      '/v1/users',
      { name, email: `${name.toLowerCase()}@${spec.slug}.demo`, role },
      tenant.apiKey,
    );
    keys[`${role}:${name}`] = u.apiKey;
    users[name] = u.userId;
  };
  await user(SUPERVISOR, 'supervisor');
  for (const name of AGENTS) await user(name, 'agent');
  await user(ANALYST, 'analyst'); // read-only SQL over this tenant's analytics rows
  await user(BILLING, 'billing');

  const teams: TeamSetup[] = [];
  for (const team of spec.teams) {
    const { teamId } = await client.call<{ teamId: string }>('/v1/teams', { name: team.name }, tenant.apiKey);
    for (const name of [SUPERVISOR, ...team.agents]) await client.call(`/v1/teams/${teamId}/agents`, { userId: users[name] }, tenant.apiKey);
    const calendar = { timeZone: spec.timeZone, periods: team.periods, holidays };
    // Service levels: business hours in the tenant's zone and targets per priority.
    await client.call(`/v1/teams/${teamId}/business-hours`, calendar, tenant.apiKey, 'PUT');
    for (const [priority, minutes] of Object.entries(team.targetMinutes)) {
      await client.call(
        `/v1/teams/${teamId}/sla-policies/${priority}`,
        { firstResponseSeconds: minutes * 60, nextResponseSeconds: minutes * 120, resolutionSeconds: minutes * 60 * 24 },
        tenant.apiKey,
        'PUT',
      );
    }
    teams.push({ name: team.name, teamId, agents: team.agents, calendar });
  }

  // Fresh phone_number_ids each time: seeding again adds demo tenants, never collides.
  const phoneNumberId = String(randomInt(100_000_000_000, 999_999_999_999));
  const whatsapp = { phoneNumberId, appSecret: randomBytes(24).toString('hex'), accessToken: `EAAdemo${randomBytes(24).toString('hex')}` };
  onNumber(whatsapp);
  await client.call(
    '/v1/whatsapp-numbers',
    {
      phoneNumberId,
      displayPhoneNumber: spec.display,
      appSecret: whatsapp.appSecret,
      verifyToken: randomBytes(12).toString('hex'),
      accessToken: whatsapp.accessToken,
    },
    tenant.apiKey,
  );
  // Its plan (periods in its zone, included units), chosen when it is set up: with the
  // history that is a month back, so a period has ended and the billing job invoices it.
  await definePlans(client, adminKey);
  await choosePlan(client, adminKey, tenant.tenantId, demoPlanKey(DEMO_TENANTS.indexOf(spec)), spec.timeZone);
  const { template } = spec;
  await client.call(
    `/v1/whatsapp-numbers/${phoneNumberId}/templates/${template.name}/${template.language}`,
    { category: template.category, status: 'approved', components: [{ type: 'body', parameters: template.bodyParameters }] },
    tenant.apiKey,
    'PUT',
  );
  return { spec, tenantId: tenant.tenantId, keys, users, teams, phoneNumberId, whatsapp };
}
