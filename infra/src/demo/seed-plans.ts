import type { PlanTerms } from '@parley/events';
import { httpDemoClient } from './demo-client.ts';
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

/**
 * Defines the demo's plans (the platform admin's catalog) and has each demo tenant choose
 * one in its own time zone, through the command API as an operator would: the first tenant
 * in euros, the second in dollars, so the dashboard shows both currencies.
 */
export async function seedPlans(commandUrl: string, platformAdminKey: string, tenants: readonly DemoTenant[]): Promise<string[]> {
  const client = httpDemoClient(commandUrl);
  for (const [planKey, terms] of Object.entries(CATALOG)) await client.call(`/v1/plans/${planKey}`, terms, platformAdminKey, 'PUT');
  const summary: string[] = [];
  for (const [i, t] of tenants.entries()) {
    const planKey = i % 2 === 0 ? 'growth-eur' : 'growth-usd';
    await client.call(`/v1/tenants/${t.tenantId}/billing/plan`, { planKey, timeZone: t.timeZone ?? 'UTC' }, platformAdminKey);
    summary.push(`${t.name}: ${planKey}`);
  }
  return summary;
}
