import { type Plan, PlanTerms } from '../catalog/plan-events.ts';

/** A plan for tests: EUR, monthly, calendar periods, a 3,000 flat fee and no charges, anything overridden. */
export const samplePlan = (planKey: string, terms: Partial<PlanTerms> = {}, version = 1): Plan => ({
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
