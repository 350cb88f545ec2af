import { randomUUID } from 'node:crypto';
import { type EventMetadata, type EventStore, eventCatalog, type NewEvent, type ParleyEvent, type Priority } from '@parley/events';
import { seededRandom } from '@parley/events/testing';

/**
 * Generated conversations with controlled times, appended straight to an event store:
 * several tenants and teams, business hours over nights, weekends, a holiday and two
 * time zones, bots handing off, transfers, priority changes, notes, reopenings, CSAT,
 * unanswered and still-running conversations, messages delivered late or stamped ahead
 * of our clock.
 */

export interface GeneratedTeam {
  teamId: string;
  calendar: { timeZone: string; periods: { day: number; open: string; close: string }[]; holidays: string[] } | null;
  policies: Partial<Record<Priority, { firstResponseSeconds: number; nextResponseSeconds: number | null; resolutionSeconds: number }>>;
}
export interface GeneratedTenant {
  tenantId: string;
  teams: GeneratedTeam[];
  agents: string[];
}
export interface Generated {
  tenants: GeneratedTenant[];
  /** Every event in log order, with its envelope, as the projector will see it. */
  events: { streamId: string; event: ParleyEvent; metadata: EventMetadata }[];
  /** After the last event: running conversations are judged at this instant. */
  now: Date;
  from: Date;
  to: Date;
}

const START = Date.parse('2026-03-02T00:00:00Z'); // a Monday; no DST change in the next two weeks
const DAYS = 12;

export function generateConversations(options: { seed: number; conversationsPerTenant: number }): Generated {
  const rnd = seededRandom(options.seed);
  // Its own sequence, so the conversations themselves stay what this seed always gave.
  const delivery = seededRandom(options.seed ^ 0x5e47a7);
  /** WhatsApp's timestamp of a message we receive at t: mostly a second before; sometimes late, ahead of our clock, or absurd (stored before the webhook bounded it). */
  const sentAtFor = (t: number): string => {
    const r = delivery();
    if (r < 0.1) return new Date(t - Math.round(60 + delivery() * 6 * 3600) * 1000).toISOString();
    if (r < 0.16) return new Date(t + Math.round(1 + delivery() * 299) * 1000).toISOString();
    if (r < 0.18) return '1970-01-01T00:00:00.000Z';
    return new Date(t - 1000).toISOString();
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number) => rnd() < p;
  const minutes = (lo: number, hi: number) => Math.round((lo + rnd() * (hi - lo)) * 60) * 1000;

  const zones = ['America/Mexico_City', 'Europe/Madrid'];
  const tenants: GeneratedTenant[] = zones.map((timeZone, i) => ({
    tenantId: randomUUID(),
    agents: [randomUUID(), randomUUID(), randomUUID()],
    teams: [
      {
        teamId: randomUUID(),
        // Office hours, weekdays, with a holiday.
        calendar: {
          timeZone,
          periods: [0, 1, 2, 3, 4].map((day) => ({ day, open: '09:00', close: '18:00' })),
          holidays: [i === 0 ? '2026-03-04' : '2026-03-09'],
        },
        policies: {
          normal: { firstResponseSeconds: 1800, nextResponseSeconds: 3600, resolutionSeconds: 8 * 3600 },
          high: { firstResponseSeconds: 600, nextResponseSeconds: 1200, resolutionSeconds: 4 * 3600 },
          urgent: { firstResponseSeconds: 300, nextResponseSeconds: null, resolutionSeconds: 2 * 3600 },
        },
      },
      {
        teamId: randomUUID(),
        // A night shift: overnight periods, a split Saturday, closed Sundays.
        calendar: {
          timeZone,
          periods: [
            ...[0, 1, 2, 3, 4].map((day) => ({ day, open: '20:00', close: '04:00' })),
            { day: 5, open: '08:00', close: '12:00' },
            { day: 5, open: '14:00', close: '24:00' },
          ],
          holidays: [],
        },
        policies: {
          normal: { firstResponseSeconds: 900, nextResponseSeconds: 1800, resolutionSeconds: 6 * 3600 },
          urgent: { firstResponseSeconds: 120, nextResponseSeconds: 600, resolutionSeconds: 3600 },
        },
      },
      // Around the clock (no calendar), one policy.
      { teamId: randomUUID(), calendar: null, policies: { normal: { firstResponseSeconds: 1200, nextResponseSeconds: 2400, resolutionSeconds: 24 * 3600 } } },
    ],
  }));

  const events: Generated['events'] = [];
  const push = (streamId: string, tenantId: string, at: number, event: ParleyEvent, actor: EventMetadata['actor']) => {
    events.push({
      streamId,
      event,
      metadata: {
        eventId: randomUUID(),
        tenantId,
        schemaVersion: eventCatalog[event.type][0],
        occurredAt: new Date(at).toISOString(),
        correlationId: 'generated',
        causationId: null,
        actor,
      },
    });
  };
  const system = { type: 'system' as const, id: 'generator' };

  for (const tenant of tenants) {
    for (const team of tenant.teams) {
      const stream = `tenant-${tenant.tenantId}`;
      for (const [priority, targets] of Object.entries(team.policies)) {
        push(
          stream,
          tenant.tenantId,
          START - 3600_000,
          { type: 'SlaPolicySet', data: { teamId: team.teamId, priority: priority as Priority, ...targets } },
          system,
        );
      }
      if (team.calendar) push(stream, tenant.tenantId, START - 3600_000, { type: 'BusinessHoursSet', data: { teamId: team.teamId, ...team.calendar } }, system);
    }
  }

  // Each conversation's events are generated in time order; the log interleaves them by time.
  const conversations: Generated['events'][] = [];
  const lastAt = START + DAYS * 86_400_000;
  for (const tenant of tenants) {
    for (let c = 0; c < options.conversationsPerTenant; c++) {
      const local: Generated['events'] = [];
      const streamId = `thread-${randomUUID()}`;
      const conversationId = randomUUID();
      const contactId = randomUUID();
      const numberId = randomUUID();
      const at0 = START + Math.floor(rnd() * (DAYS - 2) * 86_400) * 1000;
      let t = at0;
      const customer = { type: 'customer' as const, id: contactId };
      const emit = (event: ParleyEvent, actor: EventMetadata['actor']) => {
        const before = events.length;
        push(streamId, tenant.tenantId, t, event, actor);
        local.push(events.pop()!);
        if (events.length !== before) throw new Error('unreachable');
      };
      const receive = (type: 'text' | 'image' = 'text') =>
        emit(
          {
            type: 'MessageReceived',
            data: {
              conversationId,
              messageId: randomUUID(),
              wamid: `wamid.${randomUUID()}`,
              contactId,
              profileName: null,
              sentAt: sentAtFor(t),
              content: type === 'text' ? { type: 'text', body: 'hola' } : { type: 'image', mediaId: 'm1', mimeType: 'image/jpeg', sha256: null, caption: null },
              replyTo: null,
              referral: null,
            },
          },
          customer,
        );
      const reply = (agentId: string, senderType: 'agent' | 'bot' = 'agent') => {
        const messageId = randomUUID();
        emit(
          { type: 'MessageQueued', data: { conversationId, messageId, content: { type: 'text', body: 'ok', previewUrl: false }, senderType } },
          senderType === 'agent' ? { type: 'agent', id: agentId } : { type: 'bot', id: 'bot' },
        );
        const at = t;
        t += 2000;
        const wamid = `wamid.${randomUUID()}`;
        const base = { wamid, messageId, conversationId, recipientId: '521', at: new Date(t).toISOString(), whatsappConversation: null };
        emit(
          { type: 'MessageSent', data: { ...base, pricing: { billable: false, pricingModel: 'PMP', category: 'service', type: 'free_customer_service' } } },
          system,
        );
        if (chance(0.1))
          emit({ type: 'MessageFailed', data: { ...base, pricing: null, errorCode: 131026, errorTitle: 'undeliverable', errorDetails: null } }, system);
        else emit({ type: 'MessageDelivered', data: { ...base, pricing: null } }, system);
        t = at;
      };

      emit({ type: 'ConversationOpened', data: { conversationId, contactId, numberId, phoneNumberId: '1000', origin: 'inbound' } }, customer);
      receive(chance(0.2) ? 'image' : 'text');
      if (chance(0.25)) {
        t += minutes(0.1, 1);
        reply('bot', 'bot');
        t += minutes(1, 20);
        receive();
      }
      let team = pick(tenant.teams);
      let priority: Priority = pick(['normal', 'normal', 'high', 'urgent', 'low'] as const);
      t += minutes(0, 30);
      emit({ type: 'ConversationQueued', data: { conversationId, teamId: team.teamId, priority } }, system);
      let agent = pick(tenant.agents);
      const sup = { type: 'supervisor' as const, id: tenant.agents[0]! };
      if (chance(0.9)) {
        t += minutes(0, 90);
        emit({ type: 'ConversationAssigned', data: { conversationId, agentId: agent, teamId: team.teamId } }, sup);
      }
      if (chance(0.3)) {
        t += minutes(0, 30);
        emit({ type: 'NoteAdded', data: { conversationId, noteId: randomUUID(), body: 'internal' } }, { type: 'agent', id: agent });
      }
      if (chance(0.15)) {
        t += minutes(0, 60);
        const to: Priority = priority === 'urgent' ? 'normal' : 'urgent';
        emit({ type: 'ConversationPriorityChanged', data: { conversationId, from: priority, to } }, sup);
        priority = to;
      }
      if (chance(0.2)) {
        t += minutes(0, 120);
        const toTeam = pick(tenant.teams);
        const toAgent = pick(tenant.agents);
        emit(
          {
            type: 'ConversationTransferred',
            data: { conversationId, fromAgentId: agent, fromTeamId: team.teamId, toAgentId: toAgent, toTeamId: toTeam.teamId, note: null },
          },
          sup,
        );
        agent = toAgent;
        team = toTeam;
      }
      const answered = chance(0.85);
      if (answered) {
        t += pick([minutes(0.5, 10), minutes(10, 120), minutes(120, 60 * 40)]);
        reply(agent);
        for (let round = Math.floor(rnd() * 4); round > 0; round--) {
          t += minutes(1, 240);
          receive();
          if (chance(0.15)) receive();
          if (chance(0.85)) {
            t += pick([minutes(0.2, 20), minutes(20, 300)]);
            reply(agent);
          }
        }
      }
      if (chance(0.8)) {
        t += minutes(1, 600);
        emit({ type: 'ConversationClosed', data: { conversationId, reason: 'resolved', outcome: chance(0.5) ? 'sale' : null } }, { type: 'agent', id: agent });
        if (chance(0.25)) {
          t += minutes(5, 60 * 30);
          emit({ type: 'ConversationReopened', data: { conversationId, to: 'assigned' } }, sup);
          if (chance(0.7)) {
            t += minutes(1, 300);
            reply(agent);
          }
          if (chance(0.7)) {
            t += minutes(5, 300);
            emit({ type: 'ConversationClosed', data: { conversationId, reason: 'resolved', outcome: null } }, { type: 'agent', id: agent });
          }
        }
        if (chance(0.5) && local[local.length - 1]?.event.type === 'ConversationClosed') {
          t += minutes(1, 60);
          const score = 1 + Math.floor(rnd() * 5);
          // Comments follow the score (no draw of their own, so the rest of the generated log is unchanged);
          // one starts like a spreadsheet formula and one holds a comma and a quote, for the CSV exports.
          const comment = score === 1 ? '=1+1 waited too long' : score === 2 ? 'Slow, "but" solved' : score === 5 ? 'Great, thanks' : null;
          emit({ type: 'CsatRecorded', data: { conversationId, score, comment } }, customer);
        }
      }
      conversations.push(local);
    }
  }
  const all = conversations.flat().sort((a, b) => Date.parse(a.metadata.occurredAt) - Date.parse(b.metadata.occurredAt));
  events.push(...all);
  const end = Math.max(lastAt, ...all.map((e) => Date.parse(e.metadata.occurredAt)));
  return { tenants, events, now: new Date(end + 3600_000), from: new Date(START - 86_400_000), to: new Date(end + 1) };
}

/** Appends generated events in log order, a stream at a time where consecutive. */
export async function appendGenerated(store: EventStore, events: Generated['events'], upTo = events.length): Promise<void> {
  let i = 0;
  while (i < upTo) {
    const streamId = events[i]!.streamId;
    const chunk: NewEvent[] = [];
    while (i < upTo && events[i]!.streamId === streamId) {
      const { event, metadata } = events[i]!;
      chunk.push({ eventId: metadata.eventId, type: event.type, data: event.data, metadata });
      i++;
    }
    await store.appendToStream(streamId, chunk);
  }
}
