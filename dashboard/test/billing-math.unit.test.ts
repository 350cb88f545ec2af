import { describe, expect, it } from 'vitest';
import { describeCharge, forecastAtEnd, formatMoney, formatPeriod, formatUnitPrice, meterTotal, periodDates, periodProgress } from '../src/lib/billing.ts';

describe('the billing pages’ arithmetic', () => {
  it('writes minor units in their currency’s own digits', () => {
    expect(formatMoney(4900, 'EUR')).toBe('€49.00');
    expect(formatMoney(5, 'USD')).toBe('$0.05');
    expect(formatMoney(4900, 'JPY')).toBe('¥4,900');
    expect(formatMoney(1234, 'KWD')).toMatch(/^KWD\s1\.234$/);
    // A unit price keeps its decimals finer than the currency's: 0.35 cent.
    expect(formatUnitPrice('0.35', 'EUR')).toBe('€0.0035');
    expect(formatUnitPrice('1500', 'GBP')).toBe('£15.00');
  });

  it('gives a period’s local days in the plan’s zone, across a DST change', () => {
    // October in Berlin: 1 October 00:00 CEST to 1 November 00:00 CET.
    const october = { start: '2026-09-30T22:00:00.000Z', end: '2026-10-31T23:00:00.000Z' };
    expect(periodDates(october, 'Europe/Berlin')).toEqual({ from: '2026-10-01', to: '2026-11-01' });
    expect(formatPeriod(october, 'Europe/Berlin')).toBe('1 Oct 2026 – 31 Oct 2026');
  });

  it('forecasts additive meters by their run-rate and keeps levels where they are', () => {
    const period = { start: '2026-10-01T00:00:00.000Z', end: '2026-10-31T00:00:00.000Z' };
    const tenDays = periodProgress(period, Date.parse('2026-10-11T00:00:00.000Z'));
    expect(tenDays).toMatchObject({ elapsedDays: 10, totalDays: 30 });
    expect(forecastAtEnd(100, 'count', tenDays)).toBe(300);
    expect(forecastAtEnd(7, 'max', tenDays)).toBe(7);
    expect(forecastAtEnd(40, 'unique_count', tenDays)).toBe(40);
    // Before the period, and after it: nothing to extrapolate, and the whole period.
    expect(forecastAtEnd(3, 'count', periodProgress(period, Date.parse('2026-09-01T00:00:00Z')))).toBe(3);
    expect(forecastAtEnd(90, 'count', periodProgress(period, Date.parse('2026-12-01T00:00:00Z')))).toBe(90);
  });

  it('adds groups up for counts and takes the largest for a maximum', () => {
    const items = [
      { group: { category: 'marketing' }, quantity: 3 },
      { group: { category: 'utility' }, quantity: 4 },
    ];
    expect(meterTotal({ aggregation: 'count', items })).toBe(7);
    expect(meterTotal({ aggregation: 'max', items })).toBe(4);
    expect(meterTotal({ aggregation: 'count', items: [] })).toBe(0);
  });

  it('describes each charge model in the plan’s currency', () => {
    expect(describeCharge({ meter: 'm', includedUnits: 0, price: { model: 'per_unit', unitPrice: '0.5' } }, 'EUR')).toBe('€0.005 per unit');
    expect(
      describeCharge(
        {
          meter: 'm',
          includedUnits: 0,
          price: {
            model: 'graduated',
            tiers: [
              { upTo: 1000, unitPrice: '5' },
              { upTo: null, unitPrice: '3' },
            ],
          },
        },
        'USD',
      ),
    ).toBe('Graduated: up to 1,000 at $0.05, beyond 1,000 at $0.03');
    expect(describeCharge({ meter: 'm', includedUnits: 0, price: { model: 'package', packageSize: 100, packagePrice: 250 } }, 'GBP')).toBe(
      '£2.50 per 100 units (started packages)',
    );
  });
});
