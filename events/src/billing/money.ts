import Decimal from 'decimal.js';
import { CURRENCY_MINOR_DIGITS, type Currency } from '../catalog/plan-events.ts';

/**
 * Exact decimal arithmetic for money (docs/billing.md#rounding). decimal.js over big.js
 * and dinero.js: big.js rounds divisions to a fixed 20 places by default, and dinero.js
 * v2 scales through integer amounts per currency, awkward for unit prices finer than the
 * currency. decimal.js keeps 60 significant digits here (no figure we handle comes
 * near), has half-up and half-even, and has no dependencies.
 */
export const Money = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP });
export type Money = Decimal;

/**
 * The one rounding of a line: to the whole minor unit, half away from zero ("commercial
 * rounding", what VAT rules ask for). Amounts are never negative, so this is half up.
 */
export function roundToMinor(value: Decimal): number {
  const rounded = value.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
  if (!Number.isSafeInteger(rounded)) throw new RangeError(`amount out of range: ${value.toString()}`);
  return rounded;
}

/** "EUR 1,234.50" from minor units; a unit price keeps every decimal it has. */
export function formatMoney(minor: Decimal.Value, currency: Currency): string {
  const major = new Money(minor).div(10 ** CURRENCY_MINOR_DIGITS[currency]);
  const digits = Math.max(CURRENCY_MINOR_DIGITS[currency], major.decimalPlaces());
  const [whole = '0', fraction] = major.toFixed(digits).split('.');
  return `${currency} ${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction ? `.${fraction}` : ''}`;
}

// One formatter: toLocaleString builds a new one on every call, which dominated invoice time.
const UNITS = new Intl.NumberFormat('en-US');
export const formatUnits = (n: number) => UNITS.format(n);
