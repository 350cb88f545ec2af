import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { type CommandPlatformOptions, createCommandPlatform } from '@parley/command';
import {
  audioMessage,
  contactIdFor,
  conversationIdFor,
  documentMessage,
  imageMessage,
  interactiveButtonReply,
  interactiveListReply,
  locationMessage,
  newWamid,
  statusUpdate,
  textMessage,
  threadKeyFor,
  webhookEnvelope,
} from '@parley/command/testing';
import type { Priority } from '@parley/events';
import { seededRandom } from '@parley/events/testing';
import { type DemoClient, injectDemoClient } from './demo-client.ts';
import { SUPERVISOR, setUpTenant, type TeamSetup, type TenantSetup, type TenantSpec } from './demo-tenants.ts';
import { DAY, HOUR, HourTable, MINUTE, startOfLocalDay } from './demo-time.ts';

/**
 * The demo's history: weeks of a contact centre's traffic written the way real clients
 * write it (signed WhatsApp webhooks and commands through the command API's routes), but
 * in simulated time. An in-process command platform on the same database runs on a clock
 * this module sets, so every event carries the `occurredAt` of its simulated moment and
 * every read model (inbox, analytics) sees real history, SLA clocks and business hours
 * included. WhatsApp's timestamps in the webhooks are simulated too.
 *
 * Everything random comes from a seeded generator: two runs give the same shape (the
 * same conversations at the same local times, if run on the same day); ids differ.
 */

export interface HistoryOptions {
  /** The command platform's options (same database and secrets as the platform's): the history's platform runs on them with a simulated clock. */
  platform: Omit<CommandPlatformOptions, 'clock' | 'logger'>;
  /** The platform admin key, to create the tenants. */
  adminKey: string;
  specs: readonly TenantSpec[];
  /** Holidays (local dates) of each tenant's teams, by slug. */
  holidays: Readonly<Record<string, readonly string[]>>;
  onNumber: (number: TenantSetup['whatsapp']) => void;
  /** The real present: the history ends half an hour before it. */
  now: number;
  /** Days of history before today (local): the tenants are set up the day before the first. */
  days?: number;
  seed?: number;
  /** Requests in flight at once (different customers only; one customer's are in order). */
  concurrency?: number;
}

export interface HistoryResult {
  setups: TenantSetup[];
  /** Conversations per tenant slug. */
  conversations: Record<string, number>;
  requests: number;
  /** Simulated start of the first day of history. */
  from: Date;
  to: Date;
}

/** Conversations an hour, by local hour, on a weekday (the largest tenant's scale). */
const HOURLY_WEEKDAY = [0.3, 0.25, 0.2, 0.2, 0.2, 0.25, 0.4, 0.7, 1.2, 2.1, 2.3, 2.3, 2.2, 2.0, 2.0, 2.1, 1.9, 1.8, 1.4, 1.2, 1.0, 0.8, 0.6, 0.4];
/** Weekends are slower and start later; a holiday like a Sunday. */
const HOURLY_WEEKEND = [0.35, 0.3, 0.25, 0.2, 0.2, 0.2, 0.2, 0.3, 0.5, 0.8, 1.0, 1.1, 1.1, 1.0, 1.0, 1.0, 0.9, 0.9, 0.8, 0.8, 0.7, 0.6, 0.5, 0.4];

interface TenantStyle {
  /** Scales the hourly rates (1: ~28 conversations on a weekday). */
  volume: number;
  /** Share of conversations each team gets (first team, second team). */
  teamShare: number;
  /** Chance that an agent on call answers outside business hours. */
  nightCover: number;
  waIdPrefix: string;
  names: readonly string[];
  openers: readonly string[];
  followUps: readonly string[];
  replies: readonly string[];
  tags: readonly string[];
  outcomes: readonly string[];
  notes: readonly string[];
  buttons: readonly { id: string; title: string }[];
  templateParameters: (name: string) => string[];
}

const STYLES: Record<string, TenantStyle> = {
  tienda: {
    volume: 0.8,
    teamShare: 0.65,
    nightCover: 0.35,
    waIdPrefix: '5215522',
    names: ['Carmen', 'Javier', 'Lucía', 'Miguel', 'Valeria', 'Andrés', 'Fernanda', 'Ricardo', 'Paola', 'Héctor', 'Daniela', 'Óscar', 'Gabriela', 'Raúl'],
    openers: [
      'Hola, ¿dónde está mi pedido?',
      'Buenas tardes, quiero cambiar la talla de unos tenis',
      '¿Tienen envío gratis a Guadalajara?',
      'Mi paquete llegó dañado',
      'Quiero cancelar mi compra',
      '¿Cuándo vuelve a haber stock de la chamarra negra?',
      'No me llegó el código de descuento',
      'Me cobraron dos veces',
      '¿Puedo pagar en meses sin intereses?',
      'Hola! Busco un regalo para mi mamá',
    ],
    followUps: ['Gracias, ¿y cuánto tarda?', 'Ok, ya lo revisé', 'Sigue sin aparecer', 'Perfecto', 'Les mando la foto', '¿Me pueden llamar?', 'Listo, gracias'],
    replies: [
      'Hola, con gusto te ayudo. ¿Me compartes tu número de pedido?',
      'Tu pedido va en camino, llega mañana.',
      'Ya generamos la guía de devolución, te llega por correo.',
      'Listo, hicimos el reembolso del cargo duplicado.',
      'Sí, tenemos envío gratis en compras mayores a $999.',
      'Te aparto la talla y te mando el enlace de pago.',
      '¿Hay algo más en lo que te pueda ayudar?',
    ],
    tags: ['delivery', 'returns', 'billing', 'stock', 'promo', 'vip'],
    outcomes: ['information', 'refund', 'exchange', 'sale', 'order_fixed'],
    notes: ['Courier confirmed the delivery date', 'Refund approved by finance', 'Customer prefers a call back', 'Second contact about this order'],
    buttons: [
      { id: 'track-order', title: 'Rastrear pedido' },
      { id: 'talk-to-agent', title: 'Hablar con un agente' },
      { id: 'returns', title: 'Devoluciones' },
    ],
    templateParameters: (name) => [name],
  },
  clinic: {
    volume: 0.28,
    teamShare: 0.55,
    nightCover: 0.15,
    waIdPrefix: '447711',
    names: ['Oliver', 'Amelia', 'Harry', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Leo', 'Grace', 'Arthur', 'Freya'],
    openers: [
      'Hi, I need to book an appointment',
      'Can I move my appointment on Thursday?',
      'Is the clinic open on Saturday?',
      'I have not received my test results',
      'Do you accept my insurance?',
      'I need a repeat prescription',
      'How much is a consultation?',
    ],
    followUps: ['Thanks, what times are free?', 'Morning would be better', 'Still nothing', 'Great, thank you', 'Can someone call me?'],
    replies: [
      'Hello, happy to help. Could you confirm your date of birth?',
      'We have 10:30 or 15:00 on Thursday: which suits you?',
      'Your appointment is moved, you will get a confirmation.',
      'Your results are ready: the doctor will call you today.',
      'Yes, we accept it; please bring your policy number.',
      'Anything else I can help with?',
    ],
    tags: ['booking', 'results', 'billing', 'prescription', 'insurance'],
    outcomes: ['booked', 'rescheduled', 'information', 'cancelled'],
    notes: ['Doctor asked to call the patient', 'Insurance pre-authorisation pending', 'Patient prefers mornings'],
    buttons: [
      { id: 'book', title: 'Book an appointment' },
      { id: 'talk-to-agent', title: 'Talk to someone' },
    ],
    templateParameters: (name) => [name, 'Thursday 10:30'],
  },
};

const CSAT_COMMENTS_LOW = [
  'Nadie me contestó en horas',
  'Tuve que escribir tres veces',
  'No resolvieron mi problema',
  'Too slow to answer',
  'I was passed between people',
  'Still waiting for my refund',
];
const CSAT_COMMENTS_HIGH = ['Muy rápido, gracias', 'Excelente atención', 'Great service, thank you', 'Quick and friendly', 'Resolvieron todo'];

const hashOf = (text: string) => [...text].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261);

class Dice {
  constructor(readonly next: () => number) {}
  chance(p: number): boolean {
    return this.next() < p;
  }
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let r = this.next() * items.reduce((s, [, w]) => s + w, 0);
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }
  /** Log-normal around `median`: most near it, a long tail above. */
  around(median: number, sigma: number): number {
    const u = Math.max(this.next(), 1e-12);
    const gauss = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
    return median * Math.exp(sigma * gauss);
  }
  poisson(lambda: number): number {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }
}

interface Step {
  at: number;
  /** One customer's steps run in order: their contact and thread are one stream each. */
  chain: Customer;
  /** Kept even past the end of history (a send's first statuses belong with the send). */
  keep: boolean;
  run: (client: DemoClient) => Promise<void>;
}

interface Customer {
  waId: string;
  name: string;
  conversations: number;
  /** When the customer may start another conversation (their last one is closed and done with). */
  freeAt: number;
}

/** A team as the simulation sees it: its calendar by UTC hour and its agents. */
interface SimTeam {
  setup: TeamSetup;
  open: boolean[];
  /** Agents are slower in this team (a multiplier of the response medians). */
  pace: number;
}

const FIRST_MEDIAN_MINUTES: Record<Priority, number> = { urgent: 3, high: 8, normal: 18, low: 45 };
/** How far apart in simulated time the steps in flight may be. */
const SKEW_MS = 30 * MINUTE;
const unix = (at: number) => String(Math.floor(at / 1000));

/** Plans one tenant's conversations over the simulated hours. */
class TenantHistory {
  readonly steps: Step[] = [];
  conversations = 0;
  private readonly dice: Dice;
  private readonly style: TenantStyle;
  private readonly teams: SimTeam[];
  private readonly customers: Customer[] = [];

  constructor(
    private readonly setup: TenantSetup,
    private readonly hours: HourTable,
    private readonly end: number,
    seed: number,
  ) {
    this.dice = new Dice(seededRandom(seed ^ hashOf(setup.spec.slug)));
    const style = STYLES[setup.spec.slug];
    if (!style) throw new Error(`demo history: no traffic style for tenant ${setup.spec.slug}`);
    this.style = style;
    this.teams = setup.teams.map((team, i) => ({
      setup: team,
      pace: i === 0 ? 1 : 1.3,
      open: hours.hours.map((h) => {
        if (team.calendar.holidays.includes(h.date)) return false;
        const minute = h.hour * 60;
        return team.calendar.periods.some((p) => p.day === h.weekday && toMinutes(p.open) <= minute && minute < toMinutes(p.close));
      }),
    }));
  }

  private isOpen(team: SimTeam, at: number): boolean {
    return team.open[this.hours.index(at)] ?? false;
  }

  private nextOpening(team: SimTeam, at: number): number {
    for (let i = this.hours.index(at); i < team.open.length; i++) if (team.open[i]) return Math.max(at, this.hours.from + i * HOUR);
    return at + 12 * HOUR;
  }

  /** How long the team takes to answer a wait that starts at `at`. */
  private responseDelay(team: SimTeam, priority: Priority, at: number, factor = 1): number {
    const median = FIRST_MEDIAN_MINUTES[priority] * team.pace * factor * MINUTE;
    const d = this.dice;
    if (this.isOpen(team, at)) return d.around(median, 0.95);
    if (d.chance(this.style.nightCover)) return d.around(20 * MINUTE, 0.8);
    return this.nextOpening(team, at) - at + d.around(median * 0.8, 0.9);
  }

  /** Arrivals hour by hour from `from` until the end of history. */
  plan(from: number, holidays: readonly string[]) {
    const d = this.dice;
    for (let at = from; at < this.end - 10 * MINUTE; at += HOUR) {
      const local = this.hours.at(at);
      const quiet = local.weekday >= 5 || holidays.includes(local.date);
      const rate = (quiet ? HOURLY_WEEKEND : HOURLY_WEEKDAY)[local.hour]! * this.style.volume;
      const arrivals = Array.from({ length: d.poisson(rate) }, () => at + d.next() * HOUR).sort((a, b) => a - b);
      for (const arrival of arrivals) if (arrival < this.end - 10 * MINUTE) this.conversation(arrival);
    }
  }

  private customerAt(at: number): Customer {
    const d = this.dice;
    const returning = this.customers.filter((c) => c.freeAt < at);
    if (returning.length > 0 && d.chance(0.2)) return d.pick(returning);
    const customer: Customer = {
      waId: `${this.style.waIdPrefix}${String(this.customers.length + 1).padStart(6, '0')}`,
      name: d.pick(this.style.names),
      conversations: 0,
      freeAt: Number.POSITIVE_INFINITY,
    };
    this.customers.push(customer);
    return customer;
  }

  private conversation(arrival: number) {
    const d = this.dice;
    const style = this.style;
    const { setup } = this;
    const customer = this.customerAt(arrival);
    customer.conversations += 1;
    this.conversations += 1;
    const contactId = contactIdFor(setup.tenantId, { waId: customer.waId, userId: null });
    const conversationId = conversationIdFor(threadKeyFor(setup.tenantId, setup.phoneNumberId, contactId), customer.conversations);
    const supervisorKey = setup.keys[`supervisor:${SUPERVISOR}`]!;
    const keyOf = (agent: string) => setup.keys[`agent:${agent}`]!;
    const whatsappConversation = randomBytes(16).toString('hex');
    let last = arrival;
    let lastInbound = arrival;
    /** The read status of the agent's last reply, when the customer's next message brings it. */
    let pendingRead: (() => ReturnType<typeof statusUpdate>) | null = null;
    const add = (at: number, run: Step['run'], keep = false) => {
      this.steps.push({ at, chain: customer, keep, run });
      last = Math.max(last, at);
    };
    const on = (path: string, body: unknown, key: string) => (client: DemoClient) =>
      client.call(`/v1/conversations/${conversationId}/${path}`, body, key).then(() => undefined);

    // The customer writes: mostly text, some pictures, voice notes, documents, locations and button replies.
    const inbound = (at: number, text: string, andThen: string | null = null) => {
      lastInbound = at;
      const base = { from: customer.waId, timestamp: unix(at - d.between(andThen ? 30 : 1, andThen ? 90 : 20) * 1000) };
      const message = d.weighted<() => Parameters<typeof webhookEnvelope>[0]['messages']>([
        [() => [textMessage({ ...base, body: text })], 74],
        [() => [imageMessage({ ...base, caption: text })], 9],
        [() => [interactiveButtonReply({ ...base, ...replyOf(d.pick(style.buttons)) })], 6],
        [() => [interactiveListReply({ ...base, ...replyOf(d.pick(style.buttons)) })], 3],
        [() => [audioMessage(base)], 4],
        [() => [documentMessage({ ...base, filename: 'ticket.pdf' })], 2],
        [() => [locationMessage({ ...base, latitude: 19.4326, longitude: -99.1332, name: 'Casa' })], 2],
      ])();
      const messages = andThen ? [...message!, textMessage({ from: customer.waId, timestamp: unix(at - d.between(1, 20) * 1000), body: andThen })] : message;
      // The reply they answer was read first: WhatsApp reports both in one delivery.
      const read = pendingRead;
      pendingRead = null;
      add(at, (client) =>
        client.webhook(
          webhookEnvelope({
            phoneNumberId: setup.phoneNumberId,
            contacts: [{ waId: customer.waId, name: customer.name }],
            messages,
            ...(read && { statuses: [read()] }),
          }),
          setup.whatsapp.appSecret,
        ),
      );
    };

    // An agent answers; WhatsApp reports it sent and delivered (a few were undeliverable), and read later.
    const reply = (at: number, agent: string, readBefore: number | null) => {
      const template = at - lastInbound > 23 * HOUR || d.chance(0.08);
      const t = setup.spec.template;
      const content = template
        ? {
            type: 'template',
            name: t.name,
            languageCode: t.language,
            components: [{ type: 'body', parameters: style.templateParameters(customer.name).map((text) => ({ type: 'text', text })) }],
          }
        : { type: 'text', body: d.pick(style.replies) };
      const wamid = newWamid();
      // Its statuses go with the send, even just past the end of history; without it, neither.
      const kept = at <= this.end;
      let messageId = '';
      add(at, async (client) => {
        messageId = (await client.call<{ messageId: string }>(`/v1/conversations/${conversationId}/messages`, content, keyOf(agent))).messageId;
      });
      const sentAt = at + d.between(1, 4) * 1000;
      const doneAt = sentAt + d.between(1, 6) * 1000;
      const failed = d.chance(0.02);
      const pricing = template ? { billable: true, category: t.category } : { billable: false, category: 'service' };
      const status = (status: string, when: number) => ({
        ...statusUpdate({
          id: wamid,
          status,
          recipientId: customer.waId,
          timestamp: unix(when),
          conversationId: whatsappConversation,
          ...(status === 'failed' ? { error: { code: 131026, title: 'Message undeliverable' } } : { pricing }),
        }),
        biz_opaque_callback_data: messageId,
      });
      const statuses =
        (...list: [string, number][]) =>
        (client: DemoClient) =>
          client.webhook(webhookEnvelope({ phoneNumberId: setup.phoneNumberId, statuses: list.map(([s, w]) => status(s, w)) }), setup.whatsapp.appSecret);
      add(doneAt, statuses(['sent', sentAt], [failed ? 'failed' : 'delivered', doneAt]), kept);
      if (failed) return;
      if (readBefore !== null) {
        const readAt = Math.max(doneAt + 1000, readBefore - d.around(2 * MINUTE, 1));
        pendingRead = () => status('read', readAt);
      } else if (d.chance(0.7)) {
        const readAt = doneAt + d.around(6 * MINUTE, 1.3);
        add(readAt, statuses(['read', readAt]));
      }
    };

    // A quarter write twice in a row: both messages come in one delivery.
    inbound(arrival, d.pick(style.openers), d.chance(0.25) ? d.pick(style.followUps) : null);
    let team = this.teams[d.chance(style.teamShare) ? 0 : 1]!;
    const priority = d.weighted<Priority>([
      ['normal', 68],
      ['high', 16],
      ['low', 10],
      ['urgent', 6],
    ]);
    add(last + d.between(5, 30) * 1000, on('queue', { teamId: team.setup.teamId }, supervisorKey));
    if (priority !== 'normal') add(last + d.between(5, 30) * 1000, on('priority', { priority }, supervisorKey));

    if (d.chance(0.03)) {
      // Nobody took it: the customer gave up, and a supervisor closed it hours later.
      add(last + d.between(2, 10) * HOUR, on('close', { reason: 'abandoned', outcome: null }, supervisorKey));
      customer.freeAt = last + MINUTE;
      return;
    }

    let firstDelay = this.responseDelay(team, priority, arrival);
    const assignAt = Math.max(last + 20_000, arrival + firstDelay * d.between(0.2, 0.7));
    let agent = d.pick(team.setup.agents);
    add(assignAt, on('assign', { agentId: setup.users[agent] }, keyOf(agent)));
    firstDelay = Math.max(firstDelay, assignAt - arrival + d.between(20, 120) * 1000);
    const rounds = d.weighted([
      [0, 40],
      [1, 35],
      [2, 17],
      [3, 8],
    ]);
    let nextInbound: number | null = rounds > 0 ? arrival + firstDelay + d.around(10 * MINUTE, 1.1) : null;
    reply(arrival + firstDelay, agent, nextInbound);
    if (d.chance(0.75)) add(last + d.between(10, 120) * 1000, on('tags', { tag: d.pick(style.tags) }, keyOf(agent)));
    if (d.chance(0.15)) add(last + d.between(10, 120) * 1000, on('tags', { tag: d.pick(style.tags) }, keyOf(agent)));
    if (d.chance(0.2)) add(last + d.between(30, 300) * 1000, on('notes', { body: d.pick(style.notes) }, keyOf(agent)));

    if (d.chance(0.08)) {
      // Wrong team: the agent hands it over, and someone there picks it up.
      const other = this.teams.find((t) => t !== team)!;
      const at = last + d.between(1, 10) * MINUTE;
      add(at, on('transfer', { toTeamId: other.setup.teamId, note: `For ${other.setup.name}: ${d.pick(style.notes)}` }, keyOf(agent)));
      team = other;
      agent = d.pick(team.setup.agents);
      const takeAt = at + this.responseDelay(team, priority, at);
      add(takeAt, on('assign', { agentId: setup.users[agent] }, keyOf(agent)));
      reply(takeAt + d.between(30, 300) * 1000, agent, null);
    }

    for (let round = 0; round < rounds && nextInbound !== null; round++) {
      const at = Math.max(nextInbound, last + 10_000);
      inbound(at, d.pick(style.followUps));
      const answerAt = at + this.responseDelay(team, priority, at, 1.2);
      nextInbound = round + 1 < rounds ? answerAt + d.around(10 * MINUTE, 1.1) : null;
      reply(answerAt, agent, nextInbound);
    }

    const reason = d.weighted([
      ['resolved', 88],
      ['no_response', 8],
      ['duplicate', 2],
      ['other', 2],
    ]);
    const close = (at: number) => add(at, on('close', { reason, outcome: reason === 'resolved' ? d.pick(style.outcomes) : null }, keyOf(agent)));
    close(last + Math.max(2 * MINUTE, d.around(25 * MINUTE, 0.9)));

    if (d.chance(0.05)) {
      // The problem came back: the agent reopens it, writes, and closes it again.
      const reopenAt = last + d.between(1, 16) * HOUR;
      add(reopenAt, on('reopen', {}, keyOf(agent)));
      const answerAt = reopenAt + this.responseDelay(team, priority, reopenAt);
      const writesBack = d.chance(0.6);
      const backAt = writesBack ? answerAt + d.around(15 * MINUTE, 1) : null;
      reply(answerAt, agent, backAt);
      if (backAt !== null) inbound(backAt, d.pick(style.followUps));
      close(last + Math.max(2 * MINUTE, d.around(20 * MINUTE, 0.9)));
    }

    if (reason !== 'duplicate' && d.chance(0.6)) {
      // The satisfaction survey: mostly happy, some not, and those say why.
      const score = d.weighted([
        [5, 52],
        [4, 24],
        [3, 10],
        [2, 7],
        [1, 7],
      ]);
      const comment = score <= 2 ? d.pick(CSAT_COMMENTS_LOW) : score === 5 && d.chance(0.3) ? d.pick(CSAT_COMMENTS_HIGH) : null;
      add(last + Math.max(MINUTE, d.around(30 * MINUTE, 1)), on('csat', { score, comment }, supervisorKey));
    }
    // A conversation still running when history ends stays as it is: its customer writes no more.
    customer.freeAt = last <= this.end ? last + MINUTE : Number.POSITIVE_INFINITY;
  }
}

const toMinutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
const replyOf = (button: { id: string; title: string }) => ({ replyId: button.id, title: button.title });

/**
 * Sets the tenants up at the day before the history's first, then plays the history's
 * steps in time order through an in-process command platform whose clock is each step's
 * simulated instant. Steps of different customers run a few at a time (each request
 * reads its own instant), one customer's strictly in order.
 */
export async function seedHistory(options: HistoryOptions): Promise<HistoryResult> {
  const window = historyWindow(options.now, options.specs, options.days ?? 30);
  const requestTime = new AsyncLocalStorage<number>();
  let simulated = window.setupAt;
  const clock = () => new Date(requestTime.getStore() ?? simulated);
  const platform = await createCommandPlatform({ ...options.platform, clock, logger: false });
  try {
    const client = injectDemoClient(platform.app);
    const setups: TenantSetup[] = [];
    for (const spec of options.specs) setups.push(await setUpTenant(client, options.adminKey, spec, options.holidays[spec.slug] ?? [], options.onNumber));
    const plan = planHistory(setups, options.now, window, options.seed ?? 20_240_601);

    const concurrency = options.concurrency ?? 16;
    const tails = new Map<Customer, Promise<void>>();
    const running = new Map<Promise<void>, number>();
    const failures: unknown[] = [];
    for (const step of plan.steps) {
      // A few steps at once, close in simulated time: the log stays in time order but for minutes.
      while (running.size >= concurrency || (running.size > 0 && step.at - Math.min(...running.values()) > SKEW_MS)) await Promise.race(running.keys());
      simulated = step.at;
      const previous = tails.get(step.chain) ?? Promise.resolve();
      const run = previous.then(() => requestTime.run(step.at, () => step.run(client)));
      const tail = run.catch((error: unknown) => {
        failures.push(error);
      });
      tails.set(step.chain, tail);
      const slot = tail.finally(() => running.delete(slot));
      running.set(slot, step.at);
      if (failures.length > 0) break;
    }
    await Promise.all(running.keys());
    if (failures.length > 0) throw new Error(`demo history: ${failures.length} step(s) failed; the first: ${String(failures[0])}`);
    return { setups, conversations: plan.conversations, requests: plan.steps.length, from: new Date(window.from), to: new Date(window.end) };
  } finally {
    await platform.close();
  }
}

export interface HistoryWindow {
  /** When the tenants are set up: before the first local day of history of any of them. */
  setupAt: number;
  /** Start of the first local day of history, per tenant (in the order of the specs). */
  starts: number[];
  from: number;
  /** The last simulated instant: half an hour before the present. */
  end: number;
}

export function historyWindow(now: number, specs: readonly TenantSpec[], days: number): HistoryWindow {
  const starts = specs.map((s) => startOfLocalDay(now - days * DAY, s.timeZone));
  const from = Math.min(...starts);
  return { setupAt: from - HOUR, starts, from, end: now - 30 * MINUTE };
}

export interface PlannedStep {
  at: number;
  /** The customer whose steps run in order. */
  customer: string;
  run: (client: DemoClient) => Promise<void>;
}

/**
 * The history's steps for tenants already set up, in time order: what `seedHistory`
 * plays. The same setups, present and seed give the same steps at the same instants.
 */
export function planHistory(
  setups: readonly TenantSetup[],
  now: number,
  window: HistoryWindow,
  seed: number,
): { steps: (PlannedStep & { chain: Customer })[]; conversations: Record<string, number> } {
  const histories = setups.map((setup, i) => {
    const hours = new HourTable(window.setupAt, Math.ceil((now + 7 * DAY - window.setupAt) / HOUR), setup.spec.timeZone);
    const history = new TenantHistory(setup, hours, window.end, seed);
    history.plan(window.starts[i]!, setup.teams[0]?.calendar.holidays ?? []);
    return history;
  });
  const steps = histories
    .flatMap((h) => h.steps)
    .filter((s) => s.at <= window.end || s.keep)
    .sort((a, b) => a.at - b.at)
    .map((s) => ({ ...s, customer: s.chain.waId }));
  return { steps, conversations: Object.fromEntries(histories.map((h, i) => [setups[i]!.spec.slug, h.conversations])) };
}
