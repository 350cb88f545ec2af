import { describe, expect, it } from 'vitest';
import type { DemoClient } from '../src/demo/demo-client.ts';
import { DEMO_TENANTS, type TenantSetup } from '../src/demo/demo-tenants.ts';
import { holidayDaysAgo, localHour } from '../src/demo/demo-time.ts';
import { historyWindow, planHistory } from '../src/demo/seed-history.ts';

/** The demo's history as planned, played against a client that only records: no services. */

const NOW = Date.parse('2025-04-10T15:42:00Z'); // a Thursday; London moved to summer time on 30 March
const SEED = 7;

function setupsFor(now: number): TenantSetup[] {
  return DEMO_TENANTS.map((spec, t) => {
    const holidays = [holidayDaysAgo(now, 12, spec.timeZone)];
    const users = Object.fromEntries(
      ['Sofia', 'Ana', 'Luis', 'Marta', 'Jorge', 'Pablo', 'Rosa', 'Beto'].map((n, i) => [n, `0000000${t}-0000-4000-8000-00000000000${i}`]),
    );
    const keys: Record<string, string> = { 'supervisor:Sofia': 'key-Sofia' };
    for (const n of ['Ana', 'Luis', 'Marta', 'Jorge', 'Pablo']) keys[`agent:${n}`] = `key-${n}`;
    return {
      spec,
      tenantId: `0000000${t}-0000-4000-8000-000000000100`,
      keys,
      users,
      teams: spec.teams.map((team, i) => ({
        name: team.name,
        teamId: `0000000${t}-0000-4000-8000-00000000020${i}`,
        agents: team.agents,
        calendar: { timeZone: spec.timeZone, periods: team.periods, holidays },
      })),
      phoneNumberId: `10000000000${t}`,
      whatsapp: { phoneNumberId: `10000000000${t}`, appSecret: 'secret', accessToken: 'token' },
    };
  });
}

interface Recorded {
  at: number;
  customer: string;
  path: string;
  body: any;
  key: string | null;
}

async function play(now = NOW) {
  const setups = setupsFor(now);
  const window = historyWindow(now, DEMO_TENANTS, 30);
  const plan = planHistory(setups, now, window, SEED);
  const trace: Recorded[] = [];
  let n = 0;
  for (const step of plan.steps) {
    const client: DemoClient = {
      async call<T>(path: string, body: unknown, key: string): Promise<T> {
        trace.push({ at: step.at, customer: step.customer, path, body, key });
        return { messageId: `message-${++n}` } as T;
      },
      async webhook(payload: unknown): Promise<void> {
        trace.push({ at: step.at, customer: step.customer, path: 'webhook', body: payload, key: null });
      },
    };
    await step.run(client);
  }
  return { setups, window, plan, trace };
}

const commandOf = (r: Recorded) => (r.path === 'webhook' ? 'webhook' : r.path.split('/').at(-1)!);
const changeOf = (r: Recorded) => r.body.entry[0].changes[0].value;

describe('the demo history plan', () => {
  it('is the same for the same present and seed (but for WhatsApp ids)', async () => {
    const shape = (trace: Recorded[]) => trace.map((r) => `${r.at} ${r.customer} ${commandOf(r)} ${r.path === 'webhook' ? '' : JSON.stringify(r.body)}`);
    const [a, b] = [await play(), await play()];
    expect(shape(a.trace)).toEqual(shape(b.trace));
    expect(a.plan.conversations).toEqual(b.plan.conversations);
  });

  it('fills every local day and hour of the larger tenant, between setup and the present', async () => {
    const { trace, window, setups } = await play();
    const tienda = setups[0]!;
    const zone = tienda.spec.timeZone;
    expect(trace.every((r) => r.at > window.setupAt && r.at <= NOW)).toBe(true);
    expect(trace.every((r, i) => i === 0 || r.at >= trace[i - 1]!.at)).toBe(true);
    const opened = trace.filter((r) => r.path === 'webhook' && changeOf(r).metadata.phone_number_id === tienda.phoneNumberId && changeOf(r).messages);
    expect(new Set(opened.map((r) => localHour(r.at, zone).date)).size).toBeGreaterThanOrEqual(30);
    expect(new Set(opened.map((r) => localHour(r.at, zone).hour)).size).toBe(24);
    const closes = trace.filter((r) => commandOf(r) === 'close');
    expect(new Set(closes.map((r) => localHour(r.at, zone).hour)).size).toBeGreaterThanOrEqual(20);
  });

  it('mixes what the dashboard charts: teams, priorities, transfers, reopens, CSAT with comments, message types', async () => {
    const { trace, plan } = await play();
    const count = (command: string) => trace.filter((r) => commandOf(r) === command).length;
    const conversations = plan.conversations.tienda! + plan.conversations.clinic!;
    expect(plan.conversations.tienda).toBeGreaterThan(400);
    expect(plan.conversations.clinic).toBeGreaterThan(100);
    expect(count('reopen') / conversations).toBeGreaterThan(0.02);
    expect(count('reopen') / conversations).toBeLessThan(0.1);
    expect(count('transfer')).toBeGreaterThan(20);
    expect(count('csat') / count('close')).toBeGreaterThan(0.45);
    const csat = trace.filter((r) => commandOf(r) === 'csat').map((r) => r.body as { score: number; comment: string | null });
    expect(csat.filter((c) => c.score <= 2).every((c) => c.comment)).toBe(true);
    expect(csat.filter((c) => c.score >= 4).length).toBeGreaterThan(csat.length / 2);
    expect(new Set(trace.filter((r) => commandOf(r) === 'priority').map((r) => r.body.priority))).toEqual(new Set(['urgent', 'high', 'low']));
    expect(new Set(trace.filter((r) => commandOf(r) === 'queue').map((r) => r.body.teamId)).size).toBe(4);

    const inbound = trace.filter((r) => r.path === 'webhook').flatMap((r) => changeOf(r).messages ?? []);
    expect(new Set(inbound.map((m: { type: string }) => m.type))).toEqual(new Set(['text', 'image', 'interactive', 'audio', 'document', 'location']));
    const outbound = trace.filter((r) => commandOf(r) === 'messages').map((r) => r.body.type);
    expect(new Set(outbound)).toEqual(new Set(['text', 'template']));
    const statuses = trace.filter((r) => r.path === 'webhook').flatMap((r) => changeOf(r).statuses ?? []);
    expect(new Set(statuses.map((s: { status: string }) => s.status))).toEqual(new Set(['sent', 'delivered', 'read', 'failed']));
    // Every status names the send it is about, as Meta echoes biz_opaque_callback_data.
    expect(statuses.every((s: { biz_opaque_callback_data?: string }) => s.biz_opaque_callback_data?.startsWith('message-'))).toBe(true);
  });

  it('answers in free text only inside the 24-hour window: later, with the template', async () => {
    const { trace } = await play();
    const lastInbound = new Map<string, number>();
    for (const r of trace) {
      if (r.path === 'webhook') {
        for (const m of changeOf(r).messages ?? []) lastInbound.set(r.customer, Math.max(lastInbound.get(r.customer) ?? 0, Number(m.timestamp) * 1000));
      } else if (commandOf(r) === 'messages' && r.body.type === 'text') {
        expect(r.at - lastInbound.get(r.customer)!).toBeLessThan(24 * 3_600_000);
      }
    }
  });
});
