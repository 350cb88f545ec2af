import type { EventMetadata, ParleyEvent } from '@parley/events';

/**
 * An independent plain-TypeScript fold of the default meters: written from their
 * descriptions, not from the meter definitions or the projector, with the countries of
 * the generator's prefixes from a table instead of libphonenumber.
 */

type Logged = { event: ParleyEvent; metadata: EventMetadata };
/** meter → group (JSON, dimensions in the meter's order) → quantity. */
export type Figures = Record<string, Record<string, number>>;

const COUNTRY_OF_PREFIX: Record<string, string> = { '4915123': 'DE', '141582': 'US', '161323': 'CA', '551198': 'BR', '91987': 'IN', '44770090': '+44' };
const countryOf = (waId: string) => Object.entries(COUNTRY_OF_PREFIX).find(([p]) => waId.startsWith(p))?.[1] ?? 'unknown';
const SEAT_ROLES = new Set(['admin', 'supervisor', 'agent']);

/** The tenant's events, each event id once (the first delivery). */
function distinct(events: readonly Logged[], tenantId: string): Logged[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    if (e.metadata.tenantId !== tenantId || seen.has(e.metadata.eventId)) return false;
    seen.add(e.metadata.eventId);
    return true;
  });
}

/** Seat count after each user event, in log order, with its instant. */
function seatSteps(events: readonly Logged[]): { at: number; seats: number }[] {
  const users = new Map<string, { seat: boolean; active: boolean }>();
  const steps: { at: number; seats: number }[] = [];
  for (const { event, metadata } of events) {
    if (event.type === 'UserAdded') users.set(event.data.userId, { seat: SEAT_ROLES.has(event.data.role), active: true });
    else if (event.type === 'UserDeactivated' || event.type === 'UserReactivated') {
      const u = users.get(event.data.userId);
      users.set(event.data.userId, { seat: u?.seat ?? false, active: event.type === 'UserReactivated' });
    } else continue;
    steps.push({ at: Date.parse(metadata.occurredAt), seats: [...users.values()].filter((u) => u.seat && u.active).length });
  }
  return steps;
}

function add(f: Figures, meter: string, group: Record<string, string>, n = 1) {
  const key = JSON.stringify(group);
  f[meter] ??= {};
  f[meter][key] = (f[meter][key] ?? 0) + n;
}

/** The default meters' figures for one tenant over [from, to). */
export function referenceUsage(all: readonly Logged[], tenantId: string, from: number, to: number): Figures {
  const events = distinct(all, tenantId);
  const f: Figures = {};
  const contacts = new Set<string>();
  for (const { event, metadata } of events) {
    const at = Date.parse(metadata.occurredAt);
    if (at < from || at >= to) continue;
    switch (event.type) {
      case 'MessageDelivered':
        if (event.data.pricing?.billable === true) {
          add(f, 'billable_templates_delivered', { category: event.data.pricing.category ?? '', country: countryOf(event.data.recipientId) });
        }
        break;
      case 'MessageSent':
        add(f, 'messages_sent', {});
        break;
      case 'MessageReceived':
        add(f, 'messages_received', {});
        contacts.add(event.data.contactId);
        break;
      case 'ConversationOpened':
        add(f, 'conversations_opened', { origin: event.data.origin });
        contacts.add(event.data.contactId);
        break;
      case 'WebhookDeliveryAttempted':
        if (event.data.outcome === 'delivered') add(f, 'webhooks_delivered', {});
        break;
      default:
        break;
    }
  }
  if (contacts.size > 0) f.active_contacts = { '{}': contacts.size };
  // Seats: the most at once in the period, starting from the count held when it began.
  const steps = seatSteps(events);
  const before = steps.filter((s) => s.at < from).at(-1);
  const inside = steps.filter((s) => s.at >= from && s.at < to).map((s) => s.seats);
  const candidates = [...(before ? [before.seats] : []), ...inside];
  if (candidates.length > 0) f.agent_seats = { '{}': Math.max(...candidates) };
  return f;
}

/** The local date of an instant in a zone, YYYY-MM-DD. */
export const localDate = (ms: number, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));

/** Per local day of `days` (each with its [start, end) instants): the reference figures, as day → meter → group → quantity. */
export function referenceDaily(all: readonly Logged[], tenantId: string, days: { day: string; start: number; end: number }[]): Record<string, Figures> {
  const out: Record<string, Figures> = {};
  for (const d of days) {
    const f = referenceUsage(all, tenantId, d.start, d.end);
    if (Object.keys(f).length > 0) out[d.day] = f;
  }
  return out;
}
