import type { PlanTerms } from '@parley/events';
import { type DemoClient, httpDemoClient } from './demo-client.ts';
import type { DemoTenant } from './seed-demo.ts';

/**
 * The demo's plan catalog, one ladder per currency. Included units are small on purpose for
 * a few meters (messages, seats), so that even the demo without history goes over them and
 * the usage page shows an overage, a tier and a forecast.
 */
const growth = (currency: PlanTerms['currency'], flatFee: number): PlanTerms => ({
  name: `Growth (${currency})`,
  currency,
  cycle: 'monthly',
  alignment: 'calendar',
  rank: 2,
  flatFee,
  charges: [
    {
      meter: 'billable_templates_delivered',
      includedUnits: 1000,
      price: {
        model: 'graduated',
        tiers: [
          { upTo: 10_000, unitPrice: '4' },
          { upTo: null, unitPrice: '2.5' },
        ],
      },
    },
    { meter: 'messages_sent', includedUnits: 5, price: { model: 'per_unit', unitPrice: '0.5' } },
    { meter: 'messages_received', includedUnits: 10, price: { model: 'per_unit', unitPrice: '0.2' } },
    { meter: 'conversations_opened', includedUnits: 1000, price: { model: 'per_unit', unitPrice: '1' } },
    { meter: 'active_contacts', includedUnits: 500, price: { model: 'package', packageSize: 100, packagePrice: 500 } },
    { meter: 'agent_seats', includedUnits: 5, price: { model: 'per_unit', unitPrice: '1500' } },
  ],
  minimumCommitment: null,
  trialDays: 0,
});

const CATALOG = { 'growth-eur': growth('EUR', 4900), 'growth-usd': growth('USD', 5900) } as const;

/** The demo's plans in the catalog (the platform admin's): defining the same terms again appends nothing. */
export async function definePlans(client: DemoClient, platformAdminKey: string): Promise<void> {
  for (const [planKey, terms] of Object.entries(CATALOG)) await client.call(`/v1/plans/${planKey}`, terms, platformAdminKey, 'PUT');
}

/** The demo plan of the `index`-th demo tenant: the first in euros, the second in dollars, so the dashboard shows both currencies. */
export const demoPlanKey = (index: number): keyof typeof CATALOG => (index % 2 === 0 ? 'growth-eur' : 'growth-usd');

/** A tenant's choice of its demo plan in its own zone, as an operator would make it (the platform admin's route). */
export async function choosePlan(
  client: DemoClient,
  platformAdminKey: string,
  tenantId: string,
  planKey: keyof typeof CATALOG,
  timeZone: string,
): Promise<void> {
  await client.call(`/v1/tenants/${tenantId}/billing/plan`, { planKey, timeZone }, platformAdminKey);
}

/**
 * Defines the demo's plans and has each tenant choose one, over HTTP. The demo itself
 * chooses while setting a tenant up (setUpTenant: with the history, a month back in
 * simulated time, so that a period has ended and the billing job invoices it).
 */
export async function seedPlans(commandUrl: string, platformAdminKey: string, tenants: readonly DemoTenant[]): Promise<string[]> {
  const client = httpDemoClient(commandUrl);
  await definePlans(client, platformAdminKey);
  const summary: string[] = [];
  for (const [i, t] of tenants.entries()) {
    await choosePlan(client, platformAdminKey, t.tenantId, demoPlanKey(i), t.timeZone ?? 'UTC');
    summary.push(`${t.name}: ${demoPlanKey(i)}`);
  }
  return summary;
}
