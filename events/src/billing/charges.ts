import type { Currency, InvoiceLine, MeterCharge } from '../catalog/plan-events.ts';
import { formatMoney, formatUnits, Money, roundToMinor } from './money.ts';

const line = (fields: Partial<InvoiceLine> & Pick<InvoiceLine, 'kind' | 'description' | 'amount'>): InvoiceLine => ({
  planKey: null,
  meter: null,
  units: null,
  quantity: null,
  unitPrice: null,
  tier: null,
  from: null,
  to: null,
  days: null,
  periodDays: null,
  ...fields,
});

export { line as invoiceLine };

/**
 * The lines of one meter's charge for a period's usage: included units first (free), then
 * the charge model over the rest. Each line is rounded on its own; the meter costs their sum.
 */
export function meterChargeLines(planKey: string, charge: MeterCharge, used: number, currency: Currency): InvoiceLine[] {
  const { meter, price } = charge;
  const lines: InvoiceLine[] = [];
  const included = Math.min(used, charge.includedUnits);
  if (charge.includedUnits > 0) {
    lines.push(
      line({
        kind: 'included_units',
        description: `${meter}: ${formatUnits(included)} of ${formatUnits(charge.includedUnits)} included units used`,
        planKey,
        meter,
        units: included,
        amount: 0,
      }),
    );
  }
  const billable = used - included;
  const usage = (fields: Partial<InvoiceLine> & Pick<InvoiceLine, 'description' | 'amount'>) => line({ kind: 'usage', planKey, meter, ...fields });
  switch (price.model) {
    case 'per_unit':
      lines.push(
        usage({
          description: `${meter}: ${formatUnits(billable)} units × ${formatMoney(price.unitPrice, currency)}`,
          units: billable,
          quantity: billable,
          unitPrice: price.unitPrice,
          amount: roundToMinor(new Money(price.unitPrice).mul(billable)),
        }),
      );
      break;
    case 'graduated': {
      let lower = 0;
      price.tiers.forEach((tier, i) => {
        const upper = tier.upTo ?? Number.POSITIVE_INFINITY;
        const inTier = Math.max(0, Math.min(billable, upper) - lower);
        if (inTier > 0 || (billable === 0 && i === 0)) {
          lines.push(
            usage({
              description: `${meter}: tier ${i + 1} (units ${formatUnits(lower + 1)}–${tier.upTo === null ? '∞' : formatUnits(tier.upTo)}), ${formatUnits(inTier)} units × ${formatMoney(tier.unitPrice, currency)}`,
              units: inTier,
              quantity: inTier,
              unitPrice: tier.unitPrice,
              tier: { index: i + 1, firstUnit: lower + 1, lastUnit: tier.upTo },
              amount: roundToMinor(new Money(tier.unitPrice).mul(inTier)),
            }),
          );
        }
        lower = upper;
      });
      break;
    }
    case 'volume': {
      const i = price.tiers.findIndex((t) => t.upTo === null || billable <= t.upTo);
      const tier = price.tiers[i];
      if (!tier) throw new RangeError('volume tiers without an unbounded last tier');
      const firstUnit = i === 0 ? 1 : (price.tiers[i - 1]?.upTo ?? 0) + 1;
      lines.push(
        usage({
          description: `${meter}: ${formatUnits(billable)} units fall in tier ${i + 1} (units ${formatUnits(firstUnit)}–${tier.upTo === null ? '∞' : formatUnits(tier.upTo)}): all × ${formatMoney(tier.unitPrice, currency)}`,
          units: billable,
          quantity: billable,
          unitPrice: tier.unitPrice,
          tier: { index: i + 1, firstUnit, lastUnit: tier.upTo },
          amount: roundToMinor(new Money(tier.unitPrice).mul(billable)),
        }),
      );
      break;
    }
    case 'package': {
      const packages = Math.ceil(billable / price.packageSize);
      lines.push(
        usage({
          description: `${meter}: ${formatUnits(billable)} units in ${formatUnits(packages)} started packages of ${formatUnits(price.packageSize)} × ${formatMoney(price.packagePrice, currency)}`,
          units: billable,
          quantity: packages,
          unitPrice: String(price.packagePrice),
          amount: roundToMinor(new Money(price.packagePrice).mul(packages)),
        }),
      );
      break;
    }
    default:
      return assertNever(price);
  }
  return lines;
}

function assertNever(value: never): never {
  throw new Error(`unhandled charge model: ${JSON.stringify(value)}`);
}
