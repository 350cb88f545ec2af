import { isDeepStrictEqual } from 'node:util';
import type { EventOf, Plan, PlanTerms } from '@parley/events';
import { assertNever, type Decider } from './decider.ts';

/** One stream per plan key, platform-wide: each definition is a new version of the plan. */
export type PlanCatalogEvent = EventOf<'PlanDefined'>;

export type PlanCatalogState = { status: 'undefined' } | { status: 'defined'; plan: Plan };

export type PlanCatalogCommand = { type: 'DefinePlan'; planKey: string; terms: PlanTerms };

export const planCatalogDecider: Decider<PlanCatalogCommand, PlanCatalogState, PlanCatalogEvent> = {
  initialState: () => ({ status: 'undefined' }),

  decide(command, state) {
    switch (command.type) {
      case 'DefinePlan': {
        // The same terms again change nothing: a retried PUT appends no new version.
        if (state.status === 'defined' && isDeepStrictEqual(state.plan.terms, command.terms)) return [];
        const version = state.status === 'defined' ? state.plan.version + 1 : 1;
        return [{ type: 'PlanDefined', data: { planKey: command.planKey, version, terms: command.terms } }];
      }
      default:
        return assertNever(command.type);
    }
  },

  evolve(_state, event) {
    switch (event.type) {
      case 'PlanDefined':
        return { status: 'defined', plan: event.data };
      default:
        return assertNever(event.type);
    }
  },
};
