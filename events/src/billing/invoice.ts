import { type BillingPeriod, InvoiceComputation, type InvoiceLine, type Plan } from '../catalog/plan-events.ts';
import { invoiceLine, meterChargeLines } from './charges.ts';
import { formatMoney, formatUnits, Money, roundToMinor } from './money.ts';
import { localDate, localDays } from './periods.ts';
import type { PlanSegment } from './plan-timeline.ts';

/** Usage of one segment: meter key → units. */
export type MeterUsage = Readonly<Record<string, number>>;

/** Usage that arrived after its period's invoice was finalized: billed now, priced as its own period's plan would have. */
export interface LateUsage {
  meter: string;
  period: BillingPeriod;
  /** The plan that priced the usage of that period. */
  plan: Plan;
  /** Units of the meter that period's invoice billed (and every earlier adjustment for it). */
  billedUnits: number;
  lateUnits: number;
}

export interface InvoiceInput {
  period: BillingPeriod;
  timeZone: string;
  /** The period's stretches in order (plan-timeline.ts `segmentsOf`), each with its own usage. */
  segments: ReadonlyArray<PlanSegment & { usage: MeterUsage }>;
  /** Percent, as a decimal string: "19", "20", "8.875". */
  taxRatePercent: string;
  lateUsage?: readonly LateUsage[];
}

const sum = (lines: readonly InvoiceLine[]) => lines.reduce((total, l) => total + l.amount, 0);

/**
 * One period's invoice, pure (docs/billing.md#invoice-lines):
 * - a flat-fee line per paid segment, the fee × its days / the period's days;
 * - a trial line per trial segment, and the trial's usage at no charge;
 * - the paid segments' usage per meter, priced on the plan in force at the period's end
 *   (an upgrade applies at once, to the usage so far too; a downgrade waits for the end);
 * - the minimum commitment's shortfall, the minimum prorated like the fee;
 * - late usage of finalized periods, at what it would have added there;
 * - tax on the subtotal.
 */
export function computeInvoice(input: InvoiceInput): InvoiceComputation {
  const { period, timeZone, segments } = input;
  const first = segments[0];
  if (!first) throw new RangeError('an invoice needs at least one segment of its period');
  const currency = first.plan.terms.currency;
  if (segments.some((s) => s.plan.terms.currency !== currency)) throw new RangeError('one invoice, one currency');
  const periodDays = localDays(period.start, period.end, timeZone);
  const day = (instant: string) => localDate(instant, timeZone);
  const lines: InvoiceLine[] = [];

  for (const s of segments) {
    const days = localDays(s.from, s.to, timeZone);
    const { planKey, terms } = s.plan;
    if (s.trial) {
      lines.push(
        invoiceLine({
          kind: 'trial',
          description: `${terms.name}: trial ${day(s.from)} to ${day(s.to)}, no charge`,
          planKey,
          from: s.from,
          to: s.to,
          days,
          periodDays,
          amount: 0,
        }),
      );
      for (const [meter, units] of Object.entries(s.usage)) {
        if (units > 0)
          lines.push(
            invoiceLine({
              kind: 'trial_usage',
              description: `${meter}: ${formatUnits(units)} units during the trial, no charge`,
              planKey,
              meter,
              units,
              from: s.from,
              to: s.to,
              amount: 0,
            }),
          );
      }
    } else if (terms.flatFee > 0) {
      const whole = days === periodDays;
      lines.push(
        invoiceLine({
          kind: 'flat_fee',
          description: whole
            ? `${terms.name}: flat fee ${formatMoney(terms.flatFee, currency)}`
            : `${terms.name}: flat fee ${formatMoney(terms.flatFee, currency)} × ${days}/${periodDays} days (${day(s.from)} to ${day(s.to)})`,
          planKey,
          quantity: days,
          unitPrice: String(terms.flatFee),
          from: s.from,
          to: s.to,
          days,
          periodDays,
          amount: roundToMinor(new Money(terms.flatFee).mul(days).div(periodDays)),
        }),
      );
    }
  }

  const paid = segments.filter((s) => !s.trial);
  const pricing = paid.at(-1)?.plan;
  if (pricing) {
    const used = new Map<string, number>();
    for (const s of paid) for (const [meter, units] of Object.entries(s.usage)) used.set(meter, (used.get(meter) ?? 0) + units);
    for (const charge of pricing.terms.charges) lines.push(...meterChargeLines(pricing.planKey, charge, used.get(charge.meter) ?? 0, currency));

    const { minimumCommitment } = pricing.terms;
    if (minimumCommitment !== null) {
      const paidDays = paid.reduce((n, s) => n + localDays(s.from, s.to, timeZone), 0);
      const charged = sum(lines);
      const shortfall = roundToMinor(new Money(minimumCommitment).mul(paidDays).div(periodDays).minus(charged));
      if (shortfall > 0) {
        const prorated = paidDays === periodDays ? '' : ` × ${paidDays}/${periodDays} days`;
        lines.push(
          invoiceLine({
            kind: 'minimum_commitment',
            description: `${pricing.terms.name}: minimum commitment ${formatMoney(minimumCommitment, currency)}${prorated}, ${formatMoney(charged, currency)} charged: top-up`,
            planKey: pricing.planKey,
            unitPrice: String(minimumCommitment),
            quantity: paidDays,
            days: paidDays,
            periodDays,
            amount: shortfall,
          }),
        );
      }
    }
  }

  for (const late of input.lateUsage ?? []) {
    const charge = late.plan.terms.charges.find((c) => c.meter === late.meter);
    if (late.plan.terms.currency !== currency) throw new RangeError('late usage of a period billed in another currency');
    const cost = (units: number) => (charge ? sum(meterChargeLines(late.plan.planKey, charge, units, currency)) : 0);
    const amount = cost(late.billedUnits + late.lateUnits) - cost(late.billedUnits);
    lines.push(
      invoiceLine({
        kind: 'adjustment',
        description: `${late.meter}: ${formatUnits(late.lateUnits)} units late for ${day(late.period.start)} to ${day(late.period.end)} (after ${formatUnits(late.billedUnits)} billed there)`,
        planKey: late.plan.planKey,
        meter: late.meter,
        units: late.lateUnits,
        from: late.period.start,
        to: late.period.end,
        amount,
      }),
    );
  }

  const subtotal = sum(lines);
  const tax = roundToMinor(new Money(subtotal).mul(input.taxRatePercent).div(100));
  lines.push(
    invoiceLine({
      kind: 'tax',
      description: `tax ${input.taxRatePercent}% of ${formatMoney(subtotal, currency)}`,
      quantity: subtotal,
      unitPrice: new Money(input.taxRatePercent).div(100).toString(),
      amount: tax,
    }),
  );
  return InvoiceComputation.parse({ currency, period, lines, subtotal, tax, total: subtotal + tax });
}
