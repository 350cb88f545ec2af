import { type EventStore, PLATFORM_TENANT_ID, type Plan, type PlanTerms, type Position } from '@parley/events';
import { tenantPlanSummary } from '@parley/events/billing';
import { streams } from '../domain/ids.ts';
import { type PlanCatalogCommand, type PlanCatalogEvent, type PlanCatalogState, planCatalogDecider } from '../domain/plan-catalog.ts';
import { type TenantPlanCommand, type TenantPlanEvent, type TenantPlanState, tenantPlanDecider } from '../domain/tenant-plan.ts';
import { type CommandContext, CommandHandler } from '../handling/command-handler.ts';

/** What a plan choice did, for the answer. */
export const PLAN_CHANGES = ['chosen', 'upgraded', 'downgrade_scheduled', 'downgrade_canceled', 'unchanged'] as const;
export type PlanChange = (typeof PLAN_CHANGES)[number];

const CHANGE_OF: Record<TenantPlanEvent['type'], PlanChange> = {
  TenantPlanChosen: 'chosen',
  TenantPlanUpgraded: 'upgraded',
  TenantPlanChangeScheduled: 'downgrade_scheduled',
  TenantPlanChangeCanceled: 'downgrade_canceled',
};

/** The plan catalog (platform admin) and tenants' plan subscriptions (tenant admins, platform admin). */
export class Plans {
  private readonly catalog: CommandHandler<PlanCatalogCommand, PlanCatalogState, PlanCatalogEvent>;
  private readonly subscriptions: CommandHandler<TenantPlanCommand, TenantPlanState, TenantPlanEvent>;

  constructor(store: EventStore) {
    this.catalog = new CommandHandler(store, planCatalogDecider, { cacheSize: 1_000 });
    this.subscriptions = new CommandHandler(store, tenantPlanDecider, { cacheSize: 10_000 });
  }

  async define(planKey: string, terms: PlanTerms, context: Omit<CommandContext, 'tenantId'>): Promise<{ plan: Plan; position: Position; events: string[] }> {
    const result = await this.catalog.handle(streams.plan(planKey), { type: 'DefinePlan', planKey, terms }, { ...context, tenantId: PLATFORM_TENANT_ID });
    if (result.state.status !== 'defined') throw new Error('a defined plan has a definition');
    return { plan: result.state.plan, position: result.position, events: result.events.map((e) => e.type) };
  }

  async plan(planKey: string): Promise<Plan | null> {
    const { state } = await this.catalog.load(streams.plan(planKey));
    return state.status === 'defined' ? state.plan : null;
  }

  /** The first plan, an upgrade, a downgrade for the period end, or the current plan again. */
  async choose(input: { planKey: string; timeZone?: string | undefined }, context: CommandContext) {
    const plan = await this.plan(input.planKey);
    const result = await this.subscriptions.handle(
      streams.tenantPlan(context.tenantId),
      { type: 'ChoosePlan', tenantId: context.tenantId, planKey: input.planKey, plan, timeZone: input.timeZone ?? null, now: context.now },
      context,
      { tenantScoped: true },
    );
    const [event] = result.events;
    return {
      change: event ? CHANGE_OF[event.type] : ('unchanged' as const),
      subscription: view(result.state, context.now),
      position: result.position,
      events: result.events.map((e) => e.type),
    };
  }

  async cancelScheduledChange(context: CommandContext) {
    const result = await this.subscriptions.handle(streams.tenantPlan(context.tenantId), { type: 'CancelScheduledChange', now: context.now }, context, {
      tenantScoped: true,
    });
    return { subscription: view(result.state, context.now), position: result.position, events: result.events.map((e) => e.type) };
  }
}

const view = (state: TenantPlanState, now: Date) => (state.status === 'none' ? null : tenantPlanSummary(state.timeline, now.toISOString()));
