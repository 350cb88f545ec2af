import { describe, expect, it } from 'vitest';
import { drillHref, exportHref } from '../src/lib/reports.ts';
import { parseView, resolveRange, startOfLocalDay, viewSearch } from '../src/lib/view-params.ts';

describe('the view in the URL', () => {
  it('parses every shared filter, and falls back to defaults on values a hand-edited URL got wrong', () => {
    const team = '43d77cb0-a019-4f4c-87bc-4a234558ae41';
    const view = parseView({ range: '30d', tz: 'Europe/Madrid', team, group: 'week', status: 'new,queued,bogus', q: ' refund ', sort: 'priority' });
    expect(view).toMatchObject({ range: '30d', tz: 'Europe/Madrid', team, group: 'week', status: ['new', 'queued'], q: 'refund', sort: 'priority' });
    expect(parseView({ range: '1y', tz: 'Mars/Olympus', team: 'nope', group: 'decade', status: 'bogus', sort: 'x' })).toMatchObject({
      range: '7d',
      tz: undefined,
      team: undefined,
      group: 'day',
      status: undefined,
      sort: 'last_activity',
    });
    expect(parseView(new URLSearchParams('agent=unassigned&status=closed')).agent).toBe('unassigned');
  });

  it('writes a view back without its defaults, and drops custom dates from a preset', () => {
    const view = parseView({ range: '7d', from: '2026-01-01', to: '2026-01-31', group: 'day', sort: 'last_activity', status: 'new,queued' });
    expect(viewSearch(view)).toBe('?status=new%2Cqueued');
    expect(viewSearch(view, { range: 'custom' })).toBe('?range=custom&from=2026-01-01&to=2026-01-31&status=new%2Cqueued');
    expect(parseView(new URLSearchParams(viewSearch(view, { range: 'custom' }).slice(1)))).toEqual({ ...view, range: 'custom' });
  });

  it("keeps the reports' chart-or-table choice in the URL, and out of drill-down and export links", () => {
    expect(parseView({ show: 'table' }).show).toBe('table');
    expect(parseView({ show: 'pie' }).show).toBe('chart');
    const tables = parseView({ range: '30d', show: 'table' });
    expect(viewSearch(tables)).toBe('?range=30d&show=table');
    expect(viewSearch(tables, { show: 'chart' })).toBe('?range=30d');
    expect(drillHref(tables, { figure: 'messages', bucket: '2026-01-02' })).toBe('/drilldown?range=30d&figure=messages&bucket=2026-01-02');
    expect(exportHref('volumes', tables)).toBe('/api/export/volumes?range=30d');
  });

  it('resolves ranges to instants in the chosen time zone, across a DST change', () => {
    expect(startOfLocalDay('2026-03-29', 'Europe/Madrid').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfLocalDay('2026-03-30', 'Europe/Madrid').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(startOfLocalDay('2026-11-22', 'America/Mexico_City').toISOString()).toBe('2026-11-22T06:00:00.000Z');
    const custom = resolveRange(parseView({ range: 'custom', from: '2026-03-29', to: '2026-03-30' }), 'Europe/Madrid');
    expect([custom.from.toISOString(), custom.to.toISOString()]).toEqual(['2026-03-28T23:00:00.000Z', '2026-03-30T22:00:00.000Z']);
    const now = new Date('2026-11-22T03:00:00Z'); // still the 21st in Mexico City
    const week = resolveRange(parseView({}), 'America/Mexico_City', now);
    expect(week).toMatchObject({ fromDate: '2026-11-15', toDate: '2026-11-21', to: now });
    expect(week.from.toISOString()).toBe('2026-11-15T06:00:00.000Z');
  });
});
