import { describe, expect, it } from 'vitest';
import { addBusinessMs, businessMsBetween, type Calendar, zoneOffsetMs } from '../../src/analytics/business-hours.ts';

const H = 3600_000;
const at = (iso: string) => Date.parse(iso);
const office: Calendar = {
  timeZone: 'Europe/Madrid',
  periods: [0, 1, 2, 3, 4].map((day) => ({ day, open: '09:00', close: '18:00' })),
  holidays: ['2026-03-04'],
};
const night: Calendar = { timeZone: 'America/Mexico_City', periods: [{ day: 4, open: '22:00', close: '02:00' }], holidays: [] };

describe('business hours', () => {
  it('counts only open periods, in the team zone, skipping weekends and holidays', () => {
    // Friday 17:00 Madrid (16:00Z) → Monday 10:00 Madrid (09:00Z): 1 h Friday + 1 h Monday.
    expect(businessMsBetween(at('2026-03-06T16:00:00Z'), at('2026-03-09T09:00:00Z'), office)).toBe(2 * H);
    // Tuesday 17:00 → Thursday 10:00 with Wednesday a holiday: 1 h + 1 h.
    expect(businessMsBetween(at('2026-03-03T16:00:00Z'), at('2026-03-05T09:00:00Z'), office)).toBe(2 * H);
  });

  it('runs overnight periods into the next day', () => {
    // Friday 22:00 → Saturday 02:00 Mexico City (UTC−6): 04:00Z → 08:00Z Saturday.
    expect(businessMsBetween(at('2026-03-07T03:00:00Z'), at('2026-03-07T09:00:00Z'), night)).toBe(4 * H);
    expect(addBusinessMs(at('2026-03-07T07:30:00Z'), H, night)).toBe(at('2026-03-14T04:30:00Z'));
  });

  it('follows DST: a Madrid day around the spring change still has 9 open hours', () => {
    expect(businessMsBetween(at('2026-03-30T00:00:00Z'), at('2026-03-31T00:00:00Z'), office)).toBe(9 * H);
    expect(addBusinessMs(at('2026-03-30T06:00:00Z'), H, office)).toBe(at('2026-03-30T08:00:00Z')); // 09:00 CEST = 07:00Z
  });

  it('no calendar is open around the clock; a calendar without periods never opens', () => {
    expect(businessMsBetween(0, 5000, null)).toBe(5000);
    expect(addBusinessMs(0, 5000, null)).toBe(5000);
    expect(addBusinessMs(0, 5000, { timeZone: 'UTC', periods: [], holidays: [] })).toBeNull();
  });

  it('cached zone offsets equal Intl at every minute, also across transitions inside an hour', () => {
    // Independent of the cache: Intl's own offset name for the instant.
    const intlOffset = (t: number, timeZone: string) => {
      const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
        .formatToParts(new Date(t))
        .find((p) => p.type === 'timeZoneName')!.value;
      const m = /GMT(?:([+-])(\d{2}):(\d{2}))?/.exec(name)!;
      return m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 0;
    };
    const cases: [string, string][] = [
      ['Australia/Lord_Howe', '2026-10-03T14:00:00Z'], // +10:30 → +11:00 at 15:30Z: half past the hour
      ['Europe/Madrid', '2026-03-29T00:00:00Z'],
      ['America/Mexico_City', '2026-03-02T00:00:00Z'],
      ['Asia/Kolkata', '2026-03-02T00:00:00Z'],
    ];
    for (const [zone, start] of cases) {
      // Hour by hour first (fills the cache), then every minute read back through it.
      for (let t = at(start); t < at(start) + 3 * H; t += 60_000) zoneOffsetMs(t, zone);
      for (let t = at(start); t < at(start) + 3 * H; t += 60_000)
        expect({ zone, t, offset: zoneOffsetMs(t, zone) }).toEqual({ zone, t, offset: intlOffset(t, zone) });
    }
    expect(zoneOffsetMs(at('2026-10-03T15:29:59Z'), 'Australia/Lord_Howe')).toBe(10.5 * H);
    expect(zoneOffsetMs(at('2026-10-03T15:30:00Z'), 'Australia/Lord_Howe')).toBe(11 * H);
  });
});
