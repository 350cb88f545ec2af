import { seededRandom } from '@parley/events/testing';
import { describe, expect, it } from 'vitest';
import { grainSpans } from '../../src/usage/usage-queries.ts';
import { USAGE_GRAINS } from '../../src/usage/usage-schema.ts';

const t = (iso: string) => Date.parse(iso);
const QUARTER = 15 * 60_000;
const [QUARTER_HOUR, HOUR, DAY] = USAGE_GRAINS.map((g) => g.grain);
const readable = (spans: ReturnType<typeof grainSpans>) =>
  spans.map((s) => ({ grain: s.grain, from: new Date(s.from).toISOString(), to: new Date(s.to).toISOString() }));

describe('grainSpans', () => {
  it('reads a Berlin month as its whole UTC days and the hours at either end', () => {
    expect(readable(grainSpans(t('2026-02-28T23:00:00Z'), t('2026-03-31T22:00:00Z')))).toEqual([
      { grain: HOUR, from: '2026-02-28T23:00:00.000Z', to: '2026-03-01T00:00:00.000Z' },
      { grain: DAY, from: '2026-03-01T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z' },
      { grain: HOUR, from: '2026-03-31T00:00:00.000Z', to: '2026-03-31T22:00:00.000Z' },
    ]);
  });

  it('reads a month in Asia/Kolkata (UTC+5:30) with quarter hours at its half-hour edges', () => {
    expect(readable(grainSpans(t('2026-09-30T18:30:00Z'), t('2026-10-31T18:30:00Z')))).toEqual([
      { grain: QUARTER_HOUR, from: '2026-09-30T18:30:00.000Z', to: '2026-09-30T19:00:00.000Z' },
      { grain: HOUR, from: '2026-09-30T19:00:00.000Z', to: '2026-10-01T00:00:00.000Z' },
      { grain: DAY, from: '2026-10-01T00:00:00.000Z', to: '2026-10-31T00:00:00.000Z' },
      { grain: HOUR, from: '2026-10-31T00:00:00.000Z', to: '2026-10-31T18:00:00.000Z' },
      { grain: QUARTER_HOUR, from: '2026-10-31T18:00:00.000Z', to: '2026-10-31T18:30:00.000Z' },
    ]);
  });

  it('reads less than an hour, or less than a day across midnight, in finer grains only', () => {
    expect(readable(grainSpans(t('2026-10-10T10:15:00Z'), t('2026-10-10T10:45:00Z')))).toEqual([
      { grain: QUARTER_HOUR, from: '2026-10-10T10:15:00.000Z', to: '2026-10-10T10:45:00.000Z' },
    ]);
    expect(readable(grainSpans(t('2026-10-10T22:00:00Z'), t('2026-10-11T02:00:00Z')))).toEqual([
      { grain: HOUR, from: '2026-10-10T22:00:00.000Z', to: '2026-10-11T02:00:00.000Z' },
    ]);
    expect(grainSpans(t('2026-10-10T10:00:00Z'), t('2026-10-10T10:00:00Z'))).toEqual([]);
  });

  it('covers any quarter-hour range exactly once, each span on its grain, in order', () => {
    const random = seededRandom(7);
    const ms = new Map<number, number>(USAGE_GRAINS.map((g) => [g.grain, g.ms]));
    for (let i = 0; i < 2_000; i++) {
      const from = t('2026-01-01T00:00:00Z') + Math.floor(random() * 40 * 96) * QUARTER;
      const to = from + Math.floor(random() * (random() < 0.5 ? 8 : 40 * 96)) * QUARTER;
      const spans = grainSpans(from, to);
      let at = from;
      for (const span of spans) {
        expect(span.from).toBe(at);
        expect(span.to).toBeGreaterThan(span.from);
        expect(span.from % ms.get(span.grain)!).toBe(0);
        expect(span.to % ms.get(span.grain)!).toBe(0);
        at = span.to;
      }
      expect(at).toBe(to);
      // At most a quarter-hour, hour, day, hour, quarter-hour run.
      expect(spans.length).toBeLessThanOrEqual(5);
    }
  });

  it('reads everything before an instant (a gauge’s last value) from the days before it, then hours and quarter hours', () => {
    expect(readable(grainSpans(0, t('2026-03-01T10:30:00Z')))).toEqual([
      { grain: DAY, from: '1970-01-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' },
      { grain: HOUR, from: '2026-03-01T00:00:00.000Z', to: '2026-03-01T10:00:00.000Z' },
      { grain: QUARTER_HOUR, from: '2026-03-01T10:00:00.000Z', to: '2026-03-01T10:30:00.000Z' },
    ]);
  });
});
