import { type EventMetadata, eventTypes, type ParleyEvent, type UserRole } from '@parley/events';
import { rolesFor } from '@parley/kit/roles';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';

/**
 * Meters as data, in the style of OpenMeter and Lago: which events a meter reads, how
 * it aggregates them, the value it aggregates, the filters an event must pass and the
 * dimensions its usage is grouped by. The projector evaluates these definitions; it
 * knows no meter by name.
 */

export const AGGREGATIONS = ['count', 'sum', 'unique_count', 'max', 'latest'] as const;
export const Aggregation = z.enum(AGGREGATIONS);
export type Aggregation = z.infer<typeof Aggregation>;

/**
 * Values a meter can read besides the event: kept by the projector from earlier events.
 * `activeSeats`: the tenant's active users whose role holds a seat, after the event.
 */
export const DERIVED_VALUES = ['activeSeats'] as const;

/** A dotted path into the event's `data` or `metadata`, or one of the derived values. */
export const ValuePath = z
  .string()
  .max(200)
  .regex(
    new RegExp(`^((data|metadata)(\\.[A-Za-z_][A-Za-z0-9_]*)+|derived\\.(${DERIVED_VALUES.join('|')}))$`),
    'data.<field>[.<field>…], metadata.<field>[.<field>…] or derived.<name>',
  );

/** How a dimension's value is taken from its path: as it is, or a phone number's country. */
export const DIMENSION_DERIVATIONS = ['value', 'phoneCountry'] as const;

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const MeterDefinition = z
  .object({
    key: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/)
      .describe('Stable name of the meter (plans charge by it)'),
    description: z.string().max(500),
    unit: z.string().max(32).describe('What one unit of the quantity is, e.g. message, contact, seat'),
    eventTypes: z.array(z.enum(eventTypes as [string, ...string[]])).min(1),
    aggregation: Aggregation,
    /** Required by every aggregation but count: the number summed, maxed or kept, or the key counted once. */
    valuePath: ValuePath.nullable(),
    /** Every filter must pass: the value at `path` is one of `in`. */
    filters: z.array(z.object({ path: ValuePath, in: z.array(Scalar).min(1) })).default([]),
    /** Dimensions the usage is grouped by, each named and read from a path. */
    groupBy: z
      .array(
        z.object({
          name: z.string().regex(/^[a-z][a-zA-Z0-9_]{0,31}$/),
          path: ValuePath,
          derive: z.enum(DIMENSION_DERIVATIONS).default('value'),
        }),
      )
      .max(4)
      .default([]),
    /**
     * A gauge: its value holds until the next event, so a period's max or latest starts
     * from the last value before the period (seats held all month count without a change).
     */
    carriesOver: z.boolean().default(false),
  })
  .refine((m) => m.aggregation === 'count' || m.valuePath !== null, { message: 'every aggregation but count needs a valuePath', path: ['valuePath'] })
  .refine((m) => !m.carriesOver || m.aggregation === 'max' || m.aggregation === 'latest', {
    message: 'only max and latest meters carry a value over',
    path: ['carriesOver'],
  });
export type MeterDefinition = z.output<typeof MeterDefinition>;

/** Roles whose active users are agent seats: those who may work (and be assigned) conversations. */
export const SEAT_ROLES: readonly UserRole[] = rolesFor('workConversations');

/** Parley's meters. Pricing categories as WhatsApp's status webhook names them. */
export const DEFAULT_METERS: readonly MeterDefinition[] = z.array(MeterDefinition).parse([
  {
    key: 'billable_templates_delivered',
    description: 'Delivered messages WhatsApp marked billable (templates under per-message pricing), by pricing category and recipient country',
    unit: 'message',
    eventTypes: ['MessageDelivered'],
    aggregation: 'count',
    valuePath: null,
    filters: [{ path: 'data.pricing.billable', in: [true] }],
    groupBy: [
      { name: 'category', path: 'data.pricing.category' },
      { name: 'country', path: 'data.recipientId', derive: 'phoneCountry' },
    ],
  },
  {
    key: 'messages_sent',
    description: 'Outbound messages WhatsApp reported sent',
    unit: 'message',
    eventTypes: ['MessageSent'],
    aggregation: 'count',
    valuePath: null,
  },
  {
    key: 'messages_received',
    description: 'Inbound messages from customers',
    unit: 'message',
    eventTypes: ['MessageReceived'],
    aggregation: 'count',
    valuePath: null,
  },
  {
    key: 'conversations_opened',
    description: 'Conversations opened, by who started them',
    unit: 'conversation',
    eventTypes: ['ConversationOpened'],
    aggregation: 'count',
    valuePath: null,
    groupBy: [{ name: 'origin', path: 'data.origin' }],
  },
  {
    key: 'active_contacts',
    description: 'Contacts who wrote in or were written to in a new conversation, each counted once per period',
    unit: 'contact',
    eventTypes: ['MessageReceived', 'ConversationOpened'],
    aggregation: 'unique_count',
    valuePath: 'data.contactId',
  },
  {
    key: 'agent_seats',
    description: 'Most active users at once whose role may work conversations (admin, supervisor, agent)',
    unit: 'seat',
    eventTypes: ['UserAdded', 'UserDeactivated', 'UserReactivated'],
    aggregation: 'max',
    valuePath: 'derived.activeSeats',
    carriesOver: true,
  },
  {
    key: 'webhooks_delivered',
    description: 'Outbound webhook deliveries a tenant’s endpoint accepted',
    unit: 'delivery',
    eventTypes: ['WebhookDeliveryAttempted'],
    aggregation: 'count',
    valuePath: null,
    filters: [{ path: 'data.outcome', in: ['delivered'] }],
  },
]);

/** What a meter reads of one event: the event, its envelope and the projector's derived values. */
export interface MeteredEvent {
  event: ParleyEvent;
  metadata: EventMetadata;
  derived: { activeSeats?: number };
}

/** One usage row of a meter: its group (dimension name → value), the value and the unique key. */
export interface MeterReading {
  group: Record<string, string>;
  value: number;
  subject: string;
}

function read(source: MeteredEvent, path: string): unknown {
  const [root, ...rest] = path.split('.');
  let at: unknown = root === 'data' ? source.event.data : root === 'metadata' ? source.metadata : source.derived;
  for (const key of rest) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

const countries = new Map<string, string>();
/**
 * The country of a WhatsApp id (digits with their calling code), by libphonenumber's
 * numbering plans: it tells +1 US from +1 CA and +7 RU from +7 KZ, which a prefix table
 * would not. A number outside every plan is reported by its calling code (`+44`).
 */
export function phoneCountry(waId: string): string {
  let country = countries.get(waId);
  if (country === undefined) {
    const phone = parsePhoneNumberFromString(`+${waId.replace(/^\+/, '')}`);
    country = phone?.country ?? (phone?.countryCallingCode ? `+${phone.countryCallingCode}` : 'unknown');
    // Recipients repeat: a bounded memo saves most parses.
    if (countries.size >= 50_000) countries.clear();
    countries.set(waId, country);
  }
  return country;
}

const text = (value: unknown): string => (value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));

/** The reading of one meter for one event, or null when the meter does not count it. */
export function readMeter(meter: MeterDefinition, source: MeteredEvent): MeterReading | null {
  if (!meter.eventTypes.includes(source.event.type)) return null;
  for (const filter of meter.filters) {
    const value = read(source, filter.path) ?? null;
    if (!filter.in.includes(value as z.infer<typeof Scalar>)) return null;
  }
  const group: Record<string, string> = {};
  for (const d of meter.groupBy) {
    const value = read(source, d.path);
    group[d.name] = d.derive === 'phoneCountry' && typeof value === 'string' ? phoneCountry(value) : text(value);
  }
  if (meter.valuePath === null) return { group, value: 1, subject: '' };
  const value = read(source, meter.valuePath);
  if (meter.aggregation === 'unique_count') return value === undefined || value === null ? null : { group, value: 1, subject: text(value) };
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? { group, value: n, subject: '' } : null;
}

/** A group as stored and compared: its dimensions in the meter's order, as JSON. */
export const groupKey = (meter: MeterDefinition, group: Record<string, string>): string =>
  JSON.stringify(Object.fromEntries(meter.groupBy.map((d) => [d.name, group[d.name] ?? ''])));
