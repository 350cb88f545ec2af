import { type Plan, PlanTerms } from '../../src/catalog/plan-events.ts';

/** A plan for tests: growth-like defaults, anything overridden. */
export const plan = (planKey: string, terms: Partial<PlanTerms> = {}, version = 1): Plan => ({
  planKey,
  version,
  terms: PlanTerms.parse({
    name: planKey,
    currency: 'EUR',
    cycle: 'monthly',
    alignment: 'calendar',
    rank: 1,
    flatFee: 3000,
    charges: [],
    minimumCommitment: null,
    trialDays: 0,
    ...terms,
  }),
});
