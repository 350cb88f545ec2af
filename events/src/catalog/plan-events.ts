import { z } from 'zod';

/**
 * Plans as data, and the events of the plan catalog and of tenants' plan subscriptions
 * (docs/billing.md#plans). Money is integer minor units; only unit prices may carry more
 * decimals than the currency, as decimal strings, so no binary float ever holds money.
 */

/** Currencies a plan may be priced in, with their minor-unit exponent (ISO 4217). */
export const CURRENCY_MINOR_DIGITS = { EUR: 2, USD: 2, GBP: 2 } as const;
export const Currency = z.enum(Object.keys(CURRENCY_MINOR_DIGITS) as [keyof typeof CURRENCY_MINOR_DIGITS, ...(keyof typeof CURRENCY_MINOR_DIGITS)[]]);
export type Currency = z.infer<typeof Currency>;

export const BillingCycle = z.enum(['monthly', 'yearly']);
export type BillingCycle = z.infer<typeof BillingCycle>;

/** calendar: periods start on the 1st (of the month, or of January); anniversary: on the subscription's start date. */
export const PeriodAlignment = z.enum(['calendar', 'anniversary']);
export type PeriodAlignment = z.infer<typeof PeriodAlignment>;

/** Whole minor units (cents, pence), never negative in a plan. */
export const MinorUnits = z.number().int().min(0).max(1e12);

/** Digits a unit price may carry after the minor unit's point: 0.000001 cent per unit at the finest. */
export const UNIT_PRICE_DECIMALS = 6;
/** A price per unit in minor units, as a decimal string: "0.35" is 0.35 cent (or penny) per unit. */
export const UnitPrice = z
  .string()
  .regex(
    new RegExp(`^(0|[1-9]\\d{0,11})(\\.\\d{1,${UNIT_PRICE_DECIMALS}})?$`),
    `a decimal string of minor units, up to ${UNIT_PRICE_DECIMALS} decimals, e.g. "0.35"`,
  );

/** Tier bounds count billable units (after included units); the last tier has no bound. */
export const PriceTier = z.object({
  /** Inclusive upper bound in units; null on the last tier. */
  upTo: z.number().int().positive().nullable(),
  unitPrice: UnitPrice,
});
export type PriceTier = z.infer<typeof PriceTier>;

const Tiers = z
  .array(PriceTier)
  .min(1)
  .max(20)
  .refine((tiers) => tiers.at(-1)?.upTo === null, 'the last tier has upTo: null (no bound)')
  .refine(
    (tiers) => tiers.slice(0, -1).every((t, i) => t.upTo !== null && (i === 0 || t.upTo > (tiers[i - 1]?.upTo ?? 0))),
    'tier bounds rise strictly; only the last is null',
  );

export const ChargeModel = z.discriminatedUnion('model', [
  /** Every billable unit at one price. */
  z.object({ model: z.literal('per_unit'), unitPrice: UnitPrice }),
  /** Each tier prices the units that fall in it (the first 1,000 at one price, the next at another…). */
  z.object({ model: z.literal('graduated'), tiers: Tiers }),
  /** The tier the whole quantity falls in prices every unit. */
  z.object({ model: z.literal('volume'), tiers: Tiers }),
  /** Per started package of N units: ceil(units / N) × package price. */
  z.object({ model: z.literal('package'), packageSize: z.number().int().positive().max(1e9), packagePrice: MinorUnits }),
]);
export type ChargeModel = z.infer<typeof ChargeModel>;
export type ChargeModelName = ChargeModel['model'];

/** A plan's price for one meter (meters are defined by their own key, docs/billing.md#meters). */
export const MeterCharge = z.object({
  meter: z
    .string()
    .regex(/^[a-z][a-z0-9_.:-]{0,63}$/)
    .describe('Meter key'),
  /** Units of each period that cost nothing; the charge model prices the rest. */
  includedUnits: z.number().int().min(0).max(1e12),
  price: ChargeModel,
});
export type MeterCharge = z.infer<typeof MeterCharge>;

export const PlanKey = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes, e.g. "growth-eur-monthly"')
  .describe('Plan key');

/** What a plan is, apart from its key: the catalog's unit of change. */
export const PlanTerms = z
  .object({
    name: z.string().min(1).max(200),
    currency: Currency,
    cycle: BillingCycle,
    alignment: PeriodAlignment,
    /** Orders plans for changes: to a higher rank is an upgrade (at once), to a lower one a downgrade (at the period end). */
    rank: z.number().int().min(0).max(1000),
    /** Charged each period in advance of nothing: prorated by the day when the plan is in force for part of it. */
    flatFee: MinorUnits,
    charges: z.array(MeterCharge).max(50),
    /** The least a period costs before tax: a shortfall is a top-up line. null: none. */
    minimumCommitment: MinorUnits.nullable(),
    /** Days free from a tenant's first plan choice; a change of plan does not restart it. */
    trialDays: z.number().int().min(0).max(365),
  })
  .refine((p) => new Set(p.charges.map((c) => c.meter)).size === p.charges.length, 'one charge per meter');
export type PlanTerms = z.infer<typeof PlanTerms>;

export const Plan = z.object({ planKey: PlanKey, version: z.number().int().min(1), terms: PlanTerms });
export type Plan = z.infer<typeof Plan>;

const Instant = z.iso.datetime({ offset: true });

/** The envelope's tenant of platform-wide billing events (the plan catalog): the nil UUID, nobody's tenant. */
export const PLATFORM_TENANT_ID = '00000000-0000-0000-0000-000000000000';

/** A plan is defined, or redefined (version + 1). Subscriptions keep the version they chose. */
export const PlanDefined = Plan;
/**
 * A tenant's first plan: its periods are anchored on `startedAt` in `timeZone` for good.
 * The plan is copied in, so a later redefinition does not reprice the tenant.
 */
export const TenantPlanChosen = z.object({
  tenantId: z.uuid(),
  plan: Plan,
  startedAt: Instant,
  /** IANA zone, checked against TIME_ZONES at the command edge (this file sits below the catalog, which imports it). */
  timeZone: z.string().min(1).max(64),
  /** null: no trial. */
  trialEndsAt: Instant.nullable(),
});
/** An upgrade: the new plan is in force from `effectiveAt` (the moment it was asked for). */
export const TenantPlanUpgraded = z.object({ tenantId: z.uuid(), from: PlanKey, plan: Plan, effectiveAt: Instant });
/** A downgrade waits for the end of the period it was asked in. */
export const TenantPlanChangeScheduled = z.object({ tenantId: z.uuid(), from: PlanKey, plan: Plan, effectiveAt: Instant });
export const TenantPlanChangeCanceled = z.object({ tenantId: z.uuid(), planKey: PlanKey, effectiveAt: Instant });

/** What a line of an invoice is for (docs/billing.md#invoice-lines). */
export const InvoiceLineKind = z.enum(['flat_fee', 'trial', 'included_units', 'usage', 'trial_usage', 'minimum_commitment', 'adjustment', 'tax']);
export type InvoiceLineKind = z.infer<typeof InvoiceLineKind>;

/** One line of an invoice, with everything needed to explain its amount. */
export const InvoiceLine = z.object({
  kind: InvoiceLineKind,
  description: z.string(),
  planKey: PlanKey.nullable(),
  meter: z.string().nullable(),
  /** Units of usage the line covers. */
  units: z.number().int().min(0).nullable(),
  /** What unitPrice multiplies: units, packages, or days for a prorated fee. */
  quantity: z.number().int().min(0).nullable(),
  /** Minor units per quantity, exact (may carry more decimals than the currency); a prorated fee: the full period's fee. */
  unitPrice: z.string().nullable(),
  /** Graduated and volume lines: the tier, its first and last unit (null: unbounded). */
  tier: z.object({ index: z.number().int().min(1), firstUnit: z.number().int().min(1), lastUnit: z.number().int().nullable() }).nullable(),
  /** The stretch of time the line covers, and for prorations its days out of the period's. */
  from: Instant.nullable(),
  to: Instant.nullable(),
  days: z.number().int().min(0).nullable(),
  periodDays: z.number().int().min(1).nullable(),
  /** Minor units, rounded once (docs/billing.md#rounding). */
  amount: z.number().int(),
});
export type InvoiceLine = z.infer<typeof InvoiceLine>;

export const BillingPeriod = z.object({ start: Instant, end: Instant });
export type BillingPeriod = z.infer<typeof BillingPeriod>;

/** A tenant's plan as its answers show it: the command API's after a choice, the query API's on reading. */
export const TenantPlanSummary = z.object({
  planKey: PlanKey,
  version: z.number().int(),
  terms: PlanTerms.describe('The terms in force: those of the version the tenant is on, which may be older than the catalog’s latest'),
  name: z.string(),
  currency: Currency,
  startedAt: Instant,
  timeZone: z.string(),
  trialEndsAt: Instant.nullable(),
  currentPeriod: BillingPeriod,
  scheduledChange: z.object({ planKey: PlanKey, effectiveAt: Instant }).nullable().describe('A downgrade waiting for its period end'),
});
export type TenantPlanSummary = z.infer<typeof TenantPlanSummary>;

export const InvoiceComputation = z.object({
  currency: Currency,
  period: BillingPeriod,
  lines: z.array(InvoiceLine),
  subtotal: z.number().int(),
  tax: z.number().int(),
  total: z.number().int(),
});
export type InvoiceComputation = z.infer<typeof InvoiceComputation>;
