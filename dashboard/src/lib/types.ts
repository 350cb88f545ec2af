import type { EventData } from '@parley/events';
import type { paths } from './query-api.gen.ts';

/**
 * The query API's answers the dashboard reads, derived from the API's OpenAPI document
 * (query-api.gen.ts, generated from the routes' zod schemas and checked against the
 * running API by infra/test/query-api-types.int.test.ts): nothing here is declared twice.
 */

type GetPath = { [P in keyof paths]: paths[P] extends { get: object } ? P : never }[keyof paths];
/** The JSON body of a GET's 200 answer (a report's CSV alternative left out). */
export type Answer<P extends GetPath> = paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer T } } } } }
  ? Exclude<T, string>
  : never;
type Item<P extends GetPath> = Answer<P> extends { items: (infer I)[] } ? I : never;

export type Me = Answer<'/v1/me'>;

export type ConversationSummary = Item<'/v1/conversations'>;
export type ConversationStatus = ConversationSummary['status'];
export type OpenStatus = Exclude<ConversationStatus, 'closed'>;
export type Priority = ConversationSummary['priority'];
export type ConversationDetail = Answer<'/v1/conversations/{id}'>;
export type MessageView = Item<'/v1/conversations/{id}/messages'>;

type ActivityItem = Item<'/v1/conversations/{id}/activity'>;
/** The events a conversation's timeline shows. */
export type ActivityType = ActivityItem['type'];
type MessageActivity = Extract<ActivityType, 'MessageReceived' | 'MessageQueued'>;
/**
 * One entry of a conversation's timeline, narrowed by `type`. The API's `data` is the
 * event's data as the event catalog defines it (its OpenAPI says only "an object"), so
 * its type comes from the catalog; messages come whole in `message`.
 */
export type ActivityEntry = {
  [T in ActivityType]: Omit<ActivityItem, 'type' | 'data' | 'message'> & {
    type: T;
    data: T extends MessageActivity ? Record<string, never> : EventData<T>;
    message: T extends MessageActivity ? NonNullable<ActivityItem['message']> : null;
  };
}[ActivityType];

/** A cursor-paginated list, as every list of the query API answers. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export type CountedPage<T> = Page<T> & { total: number };

export type TeamQueue = Item<'/v1/supervisor/queues'>;
export type AgentWorkload = Item<'/v1/supervisor/workload'>;
/** GET /v1/analytics/sla/running: waits and resolutions past due, or close to it, now (with conversationId: all of that conversation's). */
export type RunningSla = Answer<'/v1/analytics/sla/running'>;

/** What the live page polls: one answer from the dashboard's /api/live route. */
export interface LiveSnapshot {
  at: string;
  queues: TeamQueue[];
  workload: AgentWorkload[];
  unassigned: ConversationSummary[];
  unassignedMore: boolean;
  /** null: the query API has no analytics (PARLEY_ANALYTICS=off), so no SLA figures. */
  sla: RunningSla | null;
}

export type TeamSettings = Item<'/v1/teams'>;
export type SlaPolicy = TeamSettings['slaPolicies'][number];
export type BusinessHours = NonNullable<TeamSettings['businessHours']>;
export type TenantUser = Item<'/v1/users'>;

/* The analytics reports (docs/analytics.md, "Endpoints (query API)"). */
export type ComplianceRow = Item<'/v1/analytics/sla/compliance'>;
export type SlaTarget = ComplianceRow['target'];
export type CompliancePeriodRow = Item<'/v1/analytics/sla/compliance/by-period'>;
export type BreachRow = Item<'/v1/analytics/sla/breaches'>;

/** First, next and resolution percentiles (on the wall clock and in business hours). */
export type ResponseTimePercentiles = Answer<'/v1/analytics/sla/percentiles'>;
export type DurationPercentiles = ResponseTimePercentiles['firstResponse'];
export type Percentiles = DurationPercentiles['wall'];
export type VolumeRow = Item<'/v1/analytics/volumes'>;
export type ConversationVolumeRow = Item<'/v1/analytics/conversations/volumes'>;
export type HeatmapCell = Item<'/v1/analytics/heatmap'>;
export type LeaderboardRow = Item<'/v1/analytics/agents/leaderboard'>;
export type CsatReport = Answer<'/v1/analytics/csat'>;
export type CsatComment = Item<'/v1/analytics/csat/comments'>;
export type DrillPage = Answer<'/v1/analytics/drilldown'>;
export type DrillItem = DrillPage['items'][number];
/** GET /v1/analytics/sla/conversations: the waits (or conversations, for resolution) behind an SLA figure. */
export type SlaDrillItem = Item<'/v1/analytics/sla/conversations'>;

/* Billing (docs/billing.md): the plan catalog, the tenant's plan, usage, the Stripe subscription and payments. */
export type PlanEntry = Item<'/v1/plans'>;
export type MeterCharge = PlanEntry['terms']['charges'][number];
export type TenantPlan = NonNullable<Answer<'/v1/billing/plan'>['subscription']>;
export type UsageReport = Answer<'/v1/usage/current'>;
export type MeterUsage = UsageReport['meters'][number];
export type DailyUsageAnswer = Answer<'/v1/usage/daily'>;
export type DailyUsageRow = DailyUsageAnswer['items'][number];
export type QuotaAlert = Item<'/v1/billing/quota-alerts'>;
export type Subscription = NonNullable<Answer<'/v1/billing/subscription'>['subscription']>;
export type SubscriptionStatus = Subscription['status'];
export type Payment = Item<'/v1/billing/payments'>;

/* Invoices (docs/billing.md): the list, and one invoice with every line. */
export type Invoice = Item<'/v1/billing/invoices'>;
export type InvoiceDetail = Answer<'/v1/billing/invoices/{invoiceId}'>;
export type InvoiceLineView = InvoiceDetail['lines'][number];
