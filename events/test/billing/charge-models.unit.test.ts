import { describe, expect, it } from 'vitest';
import { meterChargeLines } from '../../src/billing/index.ts';
import { MeterCharge } from '../../src/catalog/plan-events.ts';

const tiers = [
  { upTo: 1000, unitPrice: '5' },
  { upTo: 5000, unitPrice: '3' },
  { upTo: null, unitPrice: '1.5' },
];
const charge = (price: unknown, includedUnits = 0) => MeterCharge.parse({ meter: 'messages', includedUnits, price });
const amounts = (c: MeterCharge, used: number) => meterChargeLines('growth', c, used, 'EUR').map((l) => [l.kind, l.units, l.tier?.index ?? null, l.amount]);
const total = (c: MeterCharge, used: number) => meterChargeLines('growth', c, used, 'EUR').reduce((s, l) => s + l.amount, 0);

describe('per unit', () => {
  it('prices every billable unit, rounding the line once', () => {
    // 333 × 0.35 = 116.55 → 117 (half up, once for the line, not per unit: 333 × 0 would be 0)
    expect(amounts(charge({ model: 'per_unit', unitPrice: '0.35' }), 333)).toEqual([['usage', 333, null, 117]]);
    // 7 × 0.071428 = 0.499996 → 0; 7 × 0.071429 = 0.500003 → 1
    expect(total(charge({ model: 'per_unit', unitPrice: '0.071428' }), 7)).toBe(0);
    expect(total(charge({ model: 'per_unit', unitPrice: '0.071429' }), 7)).toBe(1);
    // exactly half a cent rounds up
    expect(total(charge({ model: 'per_unit', unitPrice: '0.125' }), 4)).toBe(1);
    expect(total(charge({ model: 'per_unit', unitPrice: '0.125' }), 20)).toBe(3);
  });

  it('charges nothing for included units and shows how many were used', () => {
    const c = charge({ model: 'per_unit', unitPrice: '2' }, 100);
    expect(amounts(c, 60)).toEqual([
      ['included_units', 60, null, 0],
      ['usage', 0, null, 0],
    ]);
    expect(amounts(c, 100)).toEqual([
      ['included_units', 100, null, 0],
      ['usage', 0, null, 0],
    ]);
    expect(amounts(c, 101)).toEqual([
      ['included_units', 100, null, 0],
      ['usage', 1, null, 2],
    ]);
  });
});

describe('graduated tiers', () => {
  const c = charge({ model: 'graduated', tiers });
  it('stops exactly at a tier boundary: unit 1,000 is the last of tier 1', () => {
    expect(amounts(c, 1000)).toEqual([['usage', 1000, 1, 5000]]);
    expect(amounts(c, 1001)).toEqual([
      ['usage', 1000, 1, 5000],
      ['usage', 1, 2, 3],
    ]);
    expect(amounts(c, 5000)).toEqual([
      ['usage', 1000, 1, 5000],
      ['usage', 4000, 2, 12000],
    ]);
    expect(amounts(c, 5001)).toEqual([
      ['usage', 1000, 1, 5000],
      ['usage', 4000, 2, 12000],
      ['usage', 1, 3, 2],
    ]);
  });
  it('names each tier by its first and last unit', () => {
    const [, second] = meterChargeLines('growth', c, 1500, 'EUR');
    expect(second?.tier).toEqual({ index: 2, firstUnit: 1001, lastUnit: 5000 });
    expect(second?.description).toBe('messages: tier 2 (units 1,001–5,000), 500 units × EUR 0.03');
  });
  it('shows the first tier at zero when nothing was used', () => {
    expect(amounts(c, 0)).toEqual([['usage', 0, 1, 0]]);
  });
  it('counts tiers after included units', () => {
    expect(amounts(charge({ model: 'graduated', tiers }, 500), 1500)).toEqual([
      ['included_units', 500, null, 0],
      ['usage', 1000, 1, 5000],
    ]);
  });
  it('rounds each tier line on its own', () => {
    const fine = charge({
      model: 'graduated',
      tiers: [
        { upTo: 3, unitPrice: '0.5' },
        { upTo: null, unitPrice: '0.5' },
      ],
    });
    // 3 × 0.5 = 1.5 → 2 and 1 × 0.5 = 0.5 → 1: 3, where one line of 4 × 0.5 would be 2
    expect(total(fine, 4)).toBe(3);
  });
});

describe('volume tiers', () => {
  const c = charge({ model: 'volume', tiers });
  it('prices every unit at the tier the total falls in, boundaries inclusive', () => {
    expect(amounts(c, 1000)).toEqual([['usage', 1000, 1, 5000]]);
    expect(amounts(c, 1001)).toEqual([['usage', 1001, 2, 3003]]);
    expect(amounts(c, 5000)).toEqual([['usage', 5000, 2, 15000]]);
    expect(amounts(c, 5001)).toEqual([['usage', 5001, 3, 7502]]); // 7501.5 → 7502
  });
  it('differs from graduated on the same tiers', () => {
    const graduated = charge({ model: 'graduated', tiers });
    // 6,000 units: graduated 1000×5 + 4000×3 + 1000×1.5 = 18,500; volume 6000×1.5 = 9,000
    expect(total(graduated, 6000)).toBe(18_500);
    expect(total(c, 6000)).toBe(9_000);
    // below the first boundary they agree
    expect(total(graduated, 999)).toBe(total(c, 999));
  });
});

describe('package', () => {
  const c = charge({ model: 'package', packageSize: 100, packagePrice: 250 });
  it('charges per started package', () => {
    expect(meterChargeLines('growth', c, 0, 'EUR').map((l) => [l.quantity, l.amount])).toEqual([[0, 0]]);
    expect(meterChargeLines('growth', c, 1, 'EUR').map((l) => [l.quantity, l.amount])).toEqual([[1, 250]]);
    expect(meterChargeLines('growth', c, 100, 'EUR').map((l) => [l.quantity, l.amount])).toEqual([[1, 250]]);
    expect(meterChargeLines('growth', c, 101, 'EUR').map((l) => [l.quantity, l.amount])).toEqual([[2, 500]]);
  });
  it('rounds up after included units', () => {
    const withIncluded = charge({ model: 'package', packageSize: 100, packagePrice: 250 }, 50);
    expect(meterChargeLines('growth', withIncluded, 151, 'EUR').map((l) => [l.kind, l.units, l.quantity, l.amount])).toEqual([
      ['included_units', 50, null, 0],
      ['usage', 101, 2, 500],
    ]);
  });
});

describe('plan shapes', () => {
  it('refuses tiers that do not rise or do not end unbounded', () => {
    expect(MeterCharge.safeParse({ meter: 'm', includedUnits: 0, price: { model: 'volume', tiers: [{ upTo: 10, unitPrice: '1' }] } }).success).toBe(false);
    const falling = [
      { upTo: 10, unitPrice: '1' },
      { upTo: 5, unitPrice: '1' },
      { upTo: null, unitPrice: '1' },
    ];
    expect(MeterCharge.safeParse({ meter: 'm', includedUnits: 0, price: { model: 'graduated', tiers: falling } }).success).toBe(false);
  });
  it('takes unit prices as decimal strings of minor units, never floats', () => {
    expect(MeterCharge.safeParse({ meter: 'm', includedUnits: 0, price: { model: 'per_unit', unitPrice: 0.35 } }).success).toBe(false);
    expect(MeterCharge.safeParse({ meter: 'm', includedUnits: 0, price: { model: 'per_unit', unitPrice: '0.1234567' } }).success).toBe(false);
    expect(MeterCharge.safeParse({ meter: 'm', includedUnits: 0, price: { model: 'per_unit', unitPrice: '0.123456' } }).success).toBe(true);
  });
});
