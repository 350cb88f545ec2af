import { z } from 'zod';
import { invoiceEventCatalog } from './invoice-events.ts';
import { PlanDefined, TenantPlanChangeCanceled, TenantPlanChangeScheduled, TenantPlanChosen, TenantPlanUpgraded } from './plan-events.ts';
import { subscriptionEventCatalog } from './subscription-events.ts';

/**
 * The event catalog: one zod schema per event type. The schema version is stored in
 * each event's metadata; a breaking change to a schema gets a new version and an
 * upcaster, never an edit in place.
 */

const Id = z.uuid();
const Text = (max: number) => z.string().min(1).max(max);

export const UserRole = z.enum(['admin', 'supervisor', 'agent', 'analyst', 'billing']);
export type UserRole = z.infer<typeof UserRole>;

export const Priority = z.enum(['low', 'normal', 'high', 'urgent']);
export type Priority = z.infer<typeof Priority>;

/** Lifecycle of an open conversation; `closed` is the end state. */
export const ConversationStatus = z.enum(['new', 'queued', 'assigned', 'pending_customer', 'pending_agent', 'closed']);
export type ConversationStatus = z.infer<typeof ConversationStatus>;

export const CloseReason = z.enum(['resolved', 'no_response', 'abandoned', 'spam', 'duplicate', 'transferred', 'other']);
export type CloseReason = z.infer<typeof CloseReason>;

/** WhatsApp's unix-seconds timestamp, kept as an ISO instant. */
const Instant = z.iso.datetime({ offset: true });

// ---------------------------------------------------------------- tenancy

const TenantRegistered = z.object({ tenantId: Id, name: Text(200) });
const UserAdded = z.object({ userId: Id, name: Text(200), email: z.email().max(320), role: UserRole });
/** The key itself is never stored: only the SHA-256 of its secret part. */
const ApiKeyIssued = z.object({ keyId: Id, userId: Id, secretSha256: z.string().regex(/^[0-9a-f]{64}$/) });
/** The key stops working. `rotated`: an ApiKeyIssued for the same user follows in the same append. */
const ApiKeyRevoked = z.object({ keyId: Id, userId: Id, reason: z.enum(['revoked', 'rotated']) });
/** The user can no longer authenticate nor be given conversations; their key is kept for a reactivation. */
const UserDeactivated = z.object({ userId: Id });
const UserReactivated = z.object({ userId: Id });
const TeamCreated = z.object({ teamId: Id, name: Text(200) });
const AgentAddedToTeam = z.object({ teamId: Id, userId: Id });
/** The user leaves the team; the conversations they hold stay theirs. */
const AgentRemovedFromTeam = z.object({ teamId: Id, userId: Id });
const WhatsAppNumberConnected = z.object({
  /** Repeated from the envelope: the stream is platform-wide, and ownership is the fact recorded. */
  tenantId: Id,
  numberId: Id,
  phoneNumberId: Text(64),
  displayPhoneNumber: Text(32),
  /** AES-256-GCM sealed with the platform secret key: needed in clear to check signatures. */
  appSecretSealed: Text(1000),
  verifyTokenSha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/**
 * The access token the number sends with (a system user's token), sealed like the app
 * secret; a later one replaces it (rotation). Without one the number cannot send.
 */
const WhatsAppAccessTokenSet = z.object({
  numberId: Id,
  phoneNumberId: Text(64),
  accessTokenSealed: Text(4000),
});
/** How many messages a second the number may send (Meta raises a number's throughput up to 1,000). */
const WhatsAppNumberRateSet = z.object({
  numberId: Id,
  phoneNumberId: Text(64),
  messagesPerSecond: z.number().int().min(1).max(1000),
});
/** The Cloud API refused the token (error 190): sends wait for a new one, nothing is dropped. */
const WhatsAppAccessTokenRejected = z.object({
  numberId: Id,
  phoneNumberId: Text(64),
  reason: z.string().max(1000),
});

export const TemplateCategory = z.enum(['marketing', 'utility', 'authentication']);
export const TemplateStatus = z.enum(['approved', 'paused', 'rejected']);
/** A template's parts that take parameters, and how many each takes. */
export const TemplateComponentSpec = z.object({
  type: z.enum(['header', 'body', 'button']),
  /** Buttons only: the button's position (0-based), as the send's `index` names it. */
  index: z.number().int().min(0).max(9).nullable(),
  parameters: z.number().int().min(0).max(100),
});
/** A message template of one number as Meta approved (or paused, or rejected) it; set again, it replaces the earlier one. */
const WhatsAppTemplateSet = z.object({
  numberId: Id,
  phoneNumberId: Text(64),
  name: Text(512),
  language: Text(15),
  category: TemplateCategory,
  status: TemplateStatus,
  components: z.array(TemplateComponentSpec).max(20),
});

// ---------------------------------------------------------------- outbound webhooks

export const WebhookDisabledReason = z.enum(['gone', 'failing', 'by_admin']);
/** A tenant's endpoint and the public event types it takes (docs/webhooks.md); `*`: all. */
const WebhookSubscriptionCreated = z.object({
  subscriptionId: Id,
  url: Text(2000),
  eventTypes: z.array(Text(64)).min(1).max(50),
  /** The signing secret, sealed with the platform key: needed in clear to sign. */
  secretSealed: Text(1000),
});
const WebhookSubscriptionDisabled = z.object({ subscriptionId: Id, reason: WebhookDisabledReason });
const WebhookSubscriptionEnabled = z.object({ subscriptionId: Id });
const WebhookTestRequested = z.object({ subscriptionId: Id, deliveryId: Id });
const WebhookReplayRequested = z.object({ subscriptionId: Id, deliveryId: Id });
/** One attempt to deliver one event to one subscription, and what follows from it. */
const WebhookDeliveryAttempted = z.object({
  subscriptionId: Id,
  deliveryId: Id,
  attempt: z.number().int().min(1),
  outcome: z.enum(['delivered', 'retrying', 'failed', 'gone']),
  httpStatus: z.number().int().nullable(),
  error: z.string().max(1000).nullable(),
  latencyMs: z.number().int().min(0),
  responseExcerpt: z.string().max(512).nullable(),
  /** When the next attempt is due; null: none follows. */
  nextAttemptAt: Instant.nullable(),
  at: Instant,
});

// ---------------------------------------------------------------- contacts

const ContactCreated = z.object({
  contactId: Id,
  /** Phone-based WhatsApp id; empty for username-only users (2026+). */
  waId: z.string().max(32).nullable(),
  /** Business-scoped user id (2026+). */
  userId: z.string().max(128).nullable(),
  profileName: z.string().max(200).nullable(),
});
const ContactUpdated = z.object({ contactId: Id, profileName: z.string().max(200).nullable() });

// ---------------------------------------------------------------- message content

const Media = z.object({
  mediaId: Text(200),
  mimeType: Text(200),
  sha256: z.string().max(200).nullable(),
  caption: z.string().max(4096).nullable(),
});

export const InboundContent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), body: z.string().max(65536) }),
  Media.extend({ type: z.literal('image') }),
  Media.extend({ type: z.literal('video') }),
  Media.extend({ type: z.literal('audio'), voice: z.boolean() }),
  Media.extend({ type: z.literal('document'), filename: z.string().max(1000).nullable() }),
  Media.extend({ type: z.literal('sticker'), animated: z.boolean() }),
  z.object({
    type: z.literal('location'),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    name: z.string().max(1000).nullable(),
    address: z.string().max(1000).nullable(),
  }),
  z.object({
    type: z.literal('contacts'),
    contacts: z
      .array(
        z.object({
          formattedName: z.string().max(1000),
          phones: z.array(z.object({ phone: z.string().max(64), waId: z.string().max(64).nullable(), type: z.string().max(64).nullable() })),
          emails: z.array(z.object({ email: z.string().max(320), type: z.string().max(64).nullable() })),
          organization: z.string().max(1000).nullable(),
          urls: z.array(z.string().max(2000)),
        }),
      )
      .min(1),
  }),
  z.object({
    type: z.literal('interactive'),
    replyType: z.enum(['button_reply', 'list_reply', 'nfm_reply']),
    replyId: z.string().max(1000).nullable(),
    title: z.string().max(1000).nullable(),
    description: z.string().max(1000).nullable(),
    /** Flow answers (nfm_reply) as WhatsApp sends them: a JSON string. */
    responseJson: z.string().max(65536).nullable(),
  }),
  z.object({ type: z.literal('button'), text: z.string().max(1000), payload: z.string().max(1000).nullable() }),
  /** A removed reaction has no emoji. */
  z.object({ type: z.literal('reaction'), targetWamid: Text(200), emoji: z.string().max(32).nullable() }),
  z.object({
    type: z.literal('unsupported'),
    /** The type WhatsApp named (e.g. "unsupported", "order", "system", or a type newer than this catalog). */
    originalType: Text(64),
    errors: z.array(z.object({ code: z.number().int(), title: z.string().max(1000) })),
  }),
]);
export type InboundContent = z.infer<typeof InboundContent>;
export type InboundMessageType = InboundContent['type'];

export const OutboundContent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), body: z.string().min(1).max(4096), previewUrl: z.boolean().default(false) }),
  z.object({
    type: z.literal('template'),
    name: z.string().min(1).max(512),
    languageCode: z.string().min(2).max(15),
    /** Template components exactly as the Cloud API takes them. */
    components: z.array(z.record(z.string(), z.unknown())).max(20).default([]),
  }),
]);
export type OutboundContent = z.infer<typeof OutboundContent>;

// ---------------------------------------------------------------- messages

const MessageReceived = z.object({
  conversationId: Id,
  messageId: Id,
  wamid: Text(200),
  contactId: Id,
  /** Profile name as WhatsApp sent it with this message. */
  profileName: z.string().max(200).nullable(),
  /** When WhatsApp says the customer sent it, bounded to a plausible window around receipt. */
  sentAt: Instant,
  /** WhatsApp's timestamp as sent, present only when it lay outside that window (absent in older events). */
  reportedSentAt: Instant.optional(),
  content: InboundContent,
  /** Set when the customer replied to an earlier message. */
  replyTo: z.object({ wamid: Text(200), from: z.string().max(64).nullable() }).nullable(),
  /** Click-to-WhatsApp ad entry: opens a free 72 h entry-point window. */
  referral: z.record(z.string(), z.unknown()).nullable(),
});

const MessageQueued = z.object({
  conversationId: Id,
  messageId: Id,
  content: OutboundContent,
  /** Messages by a bot or an automation are not human responses. */
  senderType: z.enum(['agent', 'bot', 'system']),
});

export const PricingCategory = z.string().min(1).max(64);
/** What the status webhook says about billing; usage billing reads it. */
const Pricing = z.object({
  billable: z.boolean().nullable(),
  pricingModel: z.string().max(32).nullable(),
  /** marketing, utility, authentication, authentication_international, service, ... */
  category: PricingCategory.nullable(),
  /** regular, free_customer_service, free_entry_point */
  type: z.string().max(64).nullable(),
});

const StatusBase = z.object({
  wamid: Text(200),
  /** Our message id when the wamid belongs to a message Parley sent; null for messages sent elsewhere. */
  messageId: Id.nullable(),
  conversationId: Id.nullable(),
  recipientId: z.string().max(128),
  /** When WhatsApp says the status happened, bounded to a plausible window around receipt. */
  at: Instant,
  /** WhatsApp's timestamp as sent, present only when it lay outside that window (absent in older events). */
  reportedAt: Instant.optional(),
  pricing: Pricing.nullable(),
  /** WhatsApp's own conversation (billing window) the message counted in. */
  whatsappConversation: z.object({ id: Text(200), originType: z.string().max(64).nullable(), expiresAt: Instant.nullable() }).nullable(),
});

const MessageSent = StatusBase;
const MessageDelivered = StatusBase;
const MessageRead = StatusBase;
const MessageFailed = StatusBase.extend({
  errorCode: z.number().int(),
  errorTitle: z.string().max(1000),
  errorDetails: z.string().max(4000).nullable(),
});

// ---------------------------------------------------------------- conversations

const ConversationOpened = z.object({
  conversationId: Id,
  contactId: Id,
  numberId: Id,
  phoneNumberId: Text(64),
  /** Who started it: an inbound customer message, or the business. */
  origin: z.enum(['inbound', 'outbound']),
});
const ConversationQueued = z.object({ conversationId: Id, teamId: Id, priority: Priority });
const ConversationAssigned = z.object({ conversationId: Id, agentId: Id, teamId: Id.nullable() });
const ConversationTransferred = z.object({
  conversationId: Id,
  fromAgentId: Id.nullable(),
  fromTeamId: Id.nullable(),
  toAgentId: Id.nullable(),
  toTeamId: Id.nullable(),
  note: z.string().max(2000).nullable(),
});
const ConversationUnassigned = z.object({ conversationId: Id, agentId: Id });
const ConversationStatusChanged = z.object({ conversationId: Id, from: ConversationStatus, to: ConversationStatus });
const ConversationPriorityChanged = z.object({ conversationId: Id, from: Priority, to: Priority });
const ConversationTagged = z.object({ conversationId: Id, tag: Text(64) });
const ConversationUntagged = z.object({ conversationId: Id, tag: Text(64) });
/** Private: never sent to the customer, never a response. */
const NoteAdded = z.object({ conversationId: Id, noteId: Id, body: Text(10000) });
const ConversationClosed = z.object({
  conversationId: Id,
  reason: CloseReason,
  /** Business outcome, e.g. sale, no_sale, information, complaint. */
  outcome: z.string().max(64).nullable(),
});
const ConversationReopened = z.object({ conversationId: Id, to: ConversationStatus });
const CsatRecorded = z.object({ conversationId: Id, score: z.number().int().min(1).max(5), comment: z.string().max(2000).nullable() });

// ---------------------------------------------------------------- service levels

/** 0 = Monday … 6 = Sunday (seed 002's convention). */
/**
 * IANA's current names of zones whose CLDR id (what Intl lists) is an older one, e.g.
 * Asia/Kolkata for Asia/Calcutta: the names people type.
 */
const IANA_RENAMED = [
  'Africa/Asmara',
  'America/Argentina/Buenos_Aires',
  'America/Argentina/Catamarca',
  'America/Argentina/Cordoba',
  'America/Argentina/Jujuy',
  'America/Argentina/Mendoza',
  'America/Atikokan',
  'America/Indiana/Indianapolis',
  'America/Kentucky/Louisville',
  'America/Nuuk',
  'Asia/Ho_Chi_Minh',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Asia/Yangon',
  'Atlantic/Faroe',
  'Europe/Kyiv',
  'Pacific/Chuuk',
  'Pacific/Kanton',
  'Pacific/Pohnpei',
];
/** Newer than the tz data ClickHouse (chDB 3.4) ships: Intl knows them, ClickHouse refuses them. */
const NOT_IN_CLICKHOUSE = new Set(['America/Coyhaique']);
const intlKnows = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
/**
 * Every zone Parley takes, spelt exactly so (ClickHouse is case-sensitive). Intl alone
 * also takes aliases and spellings ClickHouse refuses (`utc`, `US/Pacific-New`), so a
 * zone a team could save would break its reports: the set is what both accept, and a
 * test runs every one of them through ClickHouse.
 */
export const TIME_ZONES: ReadonlySet<string> = new Set(
  [...Intl.supportedValuesOf('timeZone'), 'UTC', ...IANA_RENAMED.filter(intlKnows)].filter((tz) => !NOT_IN_CLICKHOUSE.has(tz)),
);
/** A time zone of business hours and report grouping: one of TIME_ZONES. */
export const TimeZone = z
  .string()
  .max(64)
  .refine((tz) => TIME_ZONES.has(tz), 'a time zone such as Europe/Madrid or UTC (IANA names, exactly spelt)');

export const Weekday = z.number().int().min(0).max(6);
/** Wall-clock time of day in the team's time zone; 24:00 closes at midnight. */
export const ClockTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'HH:MM, 00:00 to 24:00');

/** Targets of one team × priority. Seconds count business hours when the team has them. */
const SlaPolicySet = z.object({
  teamId: Id,
  priority: Priority,
  firstResponseSeconds: z.number().int().positive(),
  /** null: next responses are measured but have no target. */
  nextResponseSeconds: z.number().int().positive().nullable(),
  resolutionSeconds: z.number().int().positive(),
});
/**
 * A team's whole calendar, replaced at once. A period whose close is not after its open
 * runs overnight into the next day. No calendar at all means open around the clock.
 */
const BusinessHoursSet = z.object({
  teamId: Id,
  /** IANA time zone, e.g. America/Mexico_City. */
  timeZone: Text(64),
  periods: z.array(z.object({ day: Weekday, open: ClockTime, close: ClockTime })).max(100),
  /** Local dates the team is closed all day. */
  holidays: z.array(z.iso.date()).max(1000),
});

/** name → [schema version, data schema]. Types are inferred from this one list. */
export const eventCatalog = {
  TenantRegistered: [1, TenantRegistered],
  UserAdded: [1, UserAdded],
  ApiKeyIssued: [1, ApiKeyIssued],
  ApiKeyRevoked: [1, ApiKeyRevoked],
  UserDeactivated: [1, UserDeactivated],
  UserReactivated: [1, UserReactivated],
  TeamCreated: [1, TeamCreated],
  AgentAddedToTeam: [1, AgentAddedToTeam],
  AgentRemovedFromTeam: [1, AgentRemovedFromTeam],
  WhatsAppNumberConnected: [1, WhatsAppNumberConnected],
  WhatsAppAccessTokenSet: [1, WhatsAppAccessTokenSet],
  WhatsAppAccessTokenRejected: [1, WhatsAppAccessTokenRejected],
  WhatsAppTemplateSet: [1, WhatsAppTemplateSet],
  WhatsAppNumberRateSet: [1, WhatsAppNumberRateSet],
  WebhookSubscriptionCreated: [1, WebhookSubscriptionCreated],
  WebhookSubscriptionDisabled: [1, WebhookSubscriptionDisabled],
  WebhookSubscriptionEnabled: [1, WebhookSubscriptionEnabled],
  WebhookTestRequested: [1, WebhookTestRequested],
  WebhookReplayRequested: [1, WebhookReplayRequested],
  WebhookDeliveryAttempted: [1, WebhookDeliveryAttempted],
  ContactCreated: [1, ContactCreated],
  ContactUpdated: [1, ContactUpdated],
  ConversationOpened: [1, ConversationOpened],
  MessageReceived: [1, MessageReceived],
  MessageQueued: [1, MessageQueued],
  MessageSent: [1, MessageSent],
  MessageDelivered: [1, MessageDelivered],
  MessageRead: [1, MessageRead],
  MessageFailed: [1, MessageFailed],
  ConversationQueued: [1, ConversationQueued],
  ConversationAssigned: [1, ConversationAssigned],
  ConversationTransferred: [1, ConversationTransferred],
  ConversationUnassigned: [1, ConversationUnassigned],
  ConversationStatusChanged: [1, ConversationStatusChanged],
  ConversationPriorityChanged: [1, ConversationPriorityChanged],
  ConversationTagged: [1, ConversationTagged],
  ConversationUntagged: [1, ConversationUntagged],
  NoteAdded: [1, NoteAdded],
  ConversationClosed: [1, ConversationClosed],
  ConversationReopened: [1, ConversationReopened],
  CsatRecorded: [1, CsatRecorded],
  SlaPolicySet: [1, SlaPolicySet],
  BusinessHoursSet: [1, BusinessHoursSet],
  // plans and tenants' plan subscriptions (plan-events.ts)
  PlanDefined: [1, PlanDefined],
  TenantPlanChosen: [1, TenantPlanChosen],
  TenantPlanUpgraded: [1, TenantPlanUpgraded],
  TenantPlanChangeScheduled: [1, TenantPlanChangeScheduled],
  TenantPlanChangeCanceled: [1, TenantPlanChangeCanceled],
  // Stripe subscriptions, payments and dunning (subscription-events.ts).
  ...subscriptionEventCatalog,
  // Invoices: drafted, redrafted in grace, finalized (invoice-events.ts).
  ...invoiceEventCatalog,
} as const satisfies Record<string, readonly [number, z.ZodType]>;

export type EventType = keyof typeof eventCatalog;
export const eventTypes = Object.keys(eventCatalog) as EventType[];

export type EventData<T extends EventType> = z.infer<(typeof eventCatalog)[T][1]>;

/** A domain event as deciders produce and evolvers consume it. */
export type ParleyEvent = { [T in EventType]: { type: T; data: EventData<T> } }[EventType];
export type EventOf<T extends EventType> = Extract<ParleyEvent, { type: T }>;

export const isEventType = (type: string): type is EventType => Object.hasOwn(eventCatalog, type);
