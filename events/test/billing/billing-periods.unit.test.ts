import { describe, expect, it } from 'vitest';
import { billingPeriodAt, localDays } from '../../src/billing/index.ts';

const monthly = { cycle: 'monthly', alignment: 'anniversary' } as const;
const calendarMonthly = { cycle: 'monthly', alignment: 'calendar' } as const;

describe('calendar periods', () => {
  it('run from local midnight on the 1st to the next 1st', () => {
    expect(billingPeriodAt(calendarMonthly, '2026-01-15T10:00:00Z', 'Europe/Berlin', '2026-02-10T12:00:00Z')).toEqual({
      start: '2026-01-31T23:00:00.000Z',
      end: '2026-02-28T23:00:00.000Z',
    });
    expect(billingPeriodAt({ cycle: 'yearly', alignment: 'calendar' }, '2026-01-15T10:00:00Z', 'UTC', '2026-07-01T00:00:00Z')).toEqual({
      start: '2026-01-01T00:00:00.000Z',
      end: '2027-01-01T00:00:00.000Z',
    });
  });

  it('place an instant by the tenant’s local date, not UTC', () => {
    // 23:30 UTC on Jan 31 is already Feb 1 in Berlin
    expect(billingPeriodAt(calendarMonthly, '2026-01-01T00:00:00Z', 'Europe/Berlin', '2026-01-31T23:30:00Z').start).toBe('2026-01-31T23:00:00.000Z');
    // and still Jan 31 in New York
    expect(billingPeriodAt(calendarMonthly, '2026-01-01T00:00:00Z', 'America/New_York', '2026-01-31T23:30:00Z').start).toBe('2026-01-01T05:00:00.000Z');
  });

  it('end on a DST change day in New York: October has 31 days and 745 hours', () => {
    // DST ends on Sunday 1 November 2026 at 02:00 EDT: the period ends at midnight EDT, before it
    const p = billingPeriodAt(calendarMonthly, '2026-01-01T00:00:00Z', 'America/New_York', '2026-10-20T00:00:00Z');
    expect(p).toEqual({ start: '2026-10-01T04:00:00.000Z', end: '2026-11-01T04:00:00.000Z' });
    expect(localDays(p.start, p.end, 'America/New_York')).toBe(31);
    // and November starts in EDT but ends in EST: 30 days, 721 hours
    const nov = billingPeriodAt(calendarMonthly, '2026-01-01T00:00:00Z', 'America/New_York', '2026-11-01T04:00:00Z');
    expect(nov).toEqual({ start: '2026-11-01T04:00:00.000Z', end: '2026-12-01T05:00:00.000Z' });
    expect((Date.parse(nov.end) - Date.parse(nov.start)) / 3_600_000).toBe(721);
    expect(localDays(nov.start, nov.end, 'America/New_York')).toBe(30);
  });

  it('take the instant of a period end as the next period’s start', () => {
    const end = '2026-11-01T04:00:00.000Z';
    expect(billingPeriodAt(calendarMonthly, '2026-01-01T00:00:00Z', 'America/New_York', end).start).toBe(end);
    expect(billingPeriodAt(calendarMonthly, '2026-01-01T00:00:00Z', 'America/New_York', '2026-11-01T03:59:59.999Z').end).toBe(end);
  });
});

describe('anniversary periods', () => {
  it('come back to the 31st after a short month', () => {
    const started = '2026-01-31T09:00:00Z';
    const at = (instant: string) => billingPeriodAt(monthly, started, 'UTC', instant);
    expect(at('2026-02-15T00:00:00Z')).toEqual({ start: '2026-01-31T00:00:00.000Z', end: '2026-02-28T00:00:00.000Z' });
    expect(at('2026-03-01T00:00:00Z')).toEqual({ start: '2026-02-28T00:00:00.000Z', end: '2026-03-31T00:00:00.000Z' });
    expect(at('2026-04-15T00:00:00Z')).toEqual({ start: '2026-03-31T00:00:00.000Z', end: '2026-04-30T00:00:00.000Z' });
    // a leap year: Feb 29
    expect(billingPeriodAt(monthly, '2028-01-31T09:00:00Z', 'UTC', '2028-02-10T00:00:00Z').end).toBe('2028-02-29T00:00:00.000Z');
  });

  it('keep Feb 29 yearly as Feb 28 in common years, then Feb 29 again', () => {
    const yearly = { cycle: 'yearly', alignment: 'anniversary' } as const;
    expect(billingPeriodAt(yearly, '2028-02-29T12:00:00Z', 'UTC', '2029-06-01T00:00:00Z')).toEqual({
      start: '2029-02-28T00:00:00.000Z',
      end: '2030-02-28T00:00:00.000Z',
    });
    expect(billingPeriodAt(yearly, '2028-02-29T12:00:00Z', 'UTC', '2032-03-01T00:00:00Z').start).toBe('2032-02-29T00:00:00.000Z');
  });

  it('end on a DST change day in Berlin: 25 October 2026, midnight CEST', () => {
    // DST ends on Sunday 25 October 2026 at 03:00 CEST
    const p = billingPeriodAt(monthly, '2026-08-25T10:00:00Z', 'Europe/Berlin', '2026-10-24T21:59:59Z');
    expect(p).toEqual({ start: '2026-09-24T22:00:00.000Z', end: '2026-10-24T22:00:00.000Z' });
    expect(localDays(p.start, p.end, 'Europe/Berlin')).toBe(30);
    const next = billingPeriodAt(monthly, '2026-08-25T10:00:00Z', 'Europe/Berlin', '2026-10-24T22:00:00Z');
    expect(next).toEqual({ start: '2026-10-24T22:00:00.000Z', end: '2026-11-24T23:00:00.000Z' });
    expect(localDays(next.start, next.end, 'Europe/Berlin')).toBe(31);
    expect((Date.parse(next.end) - Date.parse(next.start)) / 3_600_000).toBe(31 * 24 + 1);
  });

  it('start a period on a spring-forward day in New York (8 March 2026): 23-hour day counted as one', () => {
    const p = billingPeriodAt(monthly, '2026-02-08T15:00:00Z', 'America/New_York', '2026-03-20T00:00:00Z');
    expect(p).toEqual({ start: '2026-03-08T05:00:00.000Z', end: '2026-04-08T04:00:00.000Z' });
    expect(localDays(p.start, p.end, 'America/New_York')).toBe(31);
  });

  it('survive a zone whose DST change skips midnight (Santiago, 6 September 2026)', () => {
    // Chile springs forward at 24:00: 6 September has no 00:00, its day starts at 01:00
    const p = billingPeriodAt(monthly, '2026-08-06T15:00:00Z', 'America/Santiago', '2026-09-07T12:00:00Z');
    expect(p.start).toBe('2026-09-06T04:00:00.000Z');
    expect(localDays(p.start, p.end, 'America/Santiago')).toBe(30);
  });
});

describe('local days', () => {
  it('count dates, so a change in the afternoon puts that day in the later part', () => {
    const zone = 'Europe/Berlin';
    expect(localDays('2026-10-01T00:00:00+02:00', '2026-10-10T15:00:00+02:00', zone)).toBe(9);
    expect(localDays('2026-10-10T15:00:00+02:00', '2026-11-01T00:00:00+01:00', zone)).toBe(22);
  });
});
