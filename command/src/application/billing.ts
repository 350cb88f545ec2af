import type { Actor, EventStore, Position } from '@parley/events';
import type { DunningPolicy } from '@parley/kit';
import { deterministicId, streams } from '../domain/ids.ts';
import { type StripeLinkCommand, type StripeLinkEvent, type StripeLinkState, stripeLinkDecider } from '../domain/stripe-link.ts';
import {
  marketingBlock,
  type StripeFact,
  type SubscriptionCommand,
  type SubscriptionEvent,
  type SubscriptionState,
  subscriptionDecider,
} from '../domain/subscription.ts';
import { type CommandContext, CommandHandler } from '../handling/command-handler.ts';

const STRIPE: Actor = { type: 'system', id: 'stripe' };
/** Who records a suspension a send observed. */
const DUNNING: Actor = { type: 'system', id: 'dunning' };

export type SubscriptionHandler = CommandHandler<SubscriptionCommand, SubscriptionState, SubscriptionEvent>;

/** Where a Stripe object's tenant is looked up: our metadata, else objects linked before. */
export interface TenantRoute {
  tenantId: string | null;
  via: readonly string[];
  link: readonly string[];
}

export interface RecordedStripeEvent {
  tenantId: string;
  events: string[];
  position: Position;
}

/**
 * Tenants' Stripe subscriptions, payments and dunning. Every event id derives from the
 * Stripe event id, so a redelivery that races past the decider's dedup still appends
 * nothing (the store's idempotent append).
 */
export class Billing {
  private readonly subscriptions: SubscriptionHandler;
  private readonly links: CommandHandler<StripeLinkCommand, StripeLinkState, StripeLinkEvent>;

  constructor(
    store: EventStore,
    private readonly dunning: DunningPolicy,
    private readonly clock: () => Date,
  ) {
    this.subscriptions = new CommandHandler(store, subscriptionDecider, { cacheSize: 10_000 });
    this.links = new CommandHandler(store, stripeLinkDecider, { cacheSize: 10_000 });
  }

  private context(tenantId: string, correlationId: string, eventId: CommandContext['eventId'], actor = STRIPE): CommandContext {
    return { tenantId, actor, correlationId, causationId: null, now: this.clock(), eventId };
  }

  /** The tenant a Stripe object belongs to, or null when nothing names one. */
  async tenantFor(route: TenantRoute): Promise<string | null> {
    if (route.tenantId) return route.tenantId;
    for (const objectId of route.via) {
      const { state } = await this.links.load(streams.stripeObject(objectId));
      if (state.status === 'linked') return state.tenantId;
    }
    return null;
  }

  /** Records one verified Stripe event for its tenant; a replay records nothing. */
  async record(tenantId: string, fact: StripeFact, route: TenantRoute, correlationId: string): Promise<RecordedStripeEvent> {
    const stripeEventId = fact.data.stripeEventId;
    await Promise.all(
      route.link.map((objectId) =>
        this.links.handle(
          streams.stripeObject(objectId),
          { type: 'Link', objectId, tenantId },
          this.context(tenantId, correlationId, () => deterministicId('stripe-link', objectId)),
        ),
      ),
    );
    const now = this.clock();
    const result = await this.subscriptions.handle(
      streams.subscription(tenantId),
      { type: 'RecordStripeEvent', fact, now, graceDays: this.dunning.marketingBlockedAfterDays },
      this.context(tenantId, correlationId, (_e, i) => deterministicId('stripe-event', tenantId, stripeEventId, String(i))),
    );
    return { tenantId, events: result.events.map((e) => e.type), position: result.position };
  }

  /**
   * Why the tenant's marketing sends are refused now, or null. The first caller to see the
   * grace run out records it (MarketingSendsSuspended): no timer needs to run for it.
   */
  async marketingBlock(tenantId: string, correlationId: string): Promise<string | null> {
    const now = this.clock();
    const graceDays = this.dunning.marketingBlockedAfterDays;
    const stream = streams.subscription(tenantId);
    const { state } = await this.subscriptions.load(stream);
    const reason = marketingBlock(state, now, graceDays);
    if (reason !== null && state.status !== 'none' && !state.marketingSuspended) {
      await this.subscriptions.handle(
        stream,
        { type: 'ObserveDunning', now, graceDays },
        this.context(tenantId, correlationId, (e, i) => deterministicId('dunning', tenantId, e.type, state.pastDueSince ?? '', String(i)), DUNNING),
      );
    }
    return reason;
  }
}
