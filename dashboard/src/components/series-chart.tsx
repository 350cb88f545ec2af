'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
}

/** One bar group: its label (a period, a score) and a value per series. */
export interface ChartPoint {
  label: string;
  values: Record<string, number | null>;
  /** Series whose bar here opens nothing (nothing behind it), beyond those at zero or null. */
  closed?: string[];
}

/**
 * Where a bar drills down to, built in the browser from one template per series rather
 * than sent as a link per bar: the series' drill-down link plus `param` = the bar's label.
 */
export interface ChartDrill {
  hrefs: Record<string, string>;
  param: 'bucket' | 'day' | 'score';
}

const drillOf = (drill: ChartDrill, series: string, label: string): string => `${drill.hrefs[series]}&${drill.param}=${encodeURIComponent(label)}`;

/**
 * Bars per period (or score), stacked or side by side; a click on a bar opens its
 * drill-down. The table next to it (ChartOrTable) has the same figures as links, for the
 * keyboard and screen readers.
 */
export function SeriesChart({
  data,
  series,
  drill,
  stacked = false,
  percent = false,
  height = 256,
  later = false,
}: {
  data: ChartPoint[];
  series: ChartSeries[];
  drill: ChartDrill;
  stacked?: boolean;
  percent?: boolean;
  height?: number;
  /**
   * Drawn after the page's first frame: a chart below the first one, so that the first
   * chart is not held back by the others' rendering (a few hundred bars each).
   */
  later?: boolean;
}) {
  const router = useRouter();
  const [drawn, setDrawn] = useState(!later);
  useEffect(() => {
    if (drawn) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The next frame, then a task after it: the frame with the first chart is painted first.
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setDrawn(true), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [drawn]);
  // The chart's width, known once it is laid out (a desktop's until then).
  const [width, setWidth] = useState(1200);
  const rows = data.map((p, i) => ({ label: p.label, i, ...p.values }));
  // Every nth label, from the width and the longest label, rather than recharts measuring
  // each label in the DOM (forced layouts on every render of a 90-day chart).
  const longest = Math.max(1, ...data.map((p) => p.label.length));
  const fit = Math.max(1, Math.floor((width - 48) / (longest * 7 + 12)));
  const step = Math.max(1, Math.ceil(data.length / fit));
  // Every step-th label, none so close to the right edge that half of it would be cut off.
  const ticks = data.filter((_, i) => i % step === 0 && (step === 1 || i < data.length - step / 2)).map((p) => p.label);
  return (
    <div className="w-full" style={{ height }}>
      {drawn && (
        <ResponsiveContainer width="100%" height="100%" onResize={(w) => setWidth(w)}>
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" tick={{ fontSize: 12 }} ticks={ticks} interval={0} />
            <YAxis
              allowDecimals={percent}
              domain={percent ? [0, 100] : [0, 'auto']}
              tick={{ fontSize: 12 }}
              interval={0}
              width={percent ? 44 : 40}
              tickFormatter={percent ? (v: number) => `${v}%` : undefined}
            />
            <Tooltip formatter={percent ? (v) => (typeof v === 'number' ? `${v.toFixed(1)}%` : String(v)) : undefined} />
            {series.length > 1 && <Legend />}
            {series.map((s) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                name={s.label}
                stackId={stacked ? 'all' : undefined}
                fill={s.color}
                isAnimationActive={false}
                cursor="pointer"
                onClick={(entry: { payload?: { i?: number } }) => {
                  const point = entry.payload?.i === undefined ? undefined : data[entry.payload.i];
                  const value = point?.values[s.key];
                  if (!point || !value || point.closed?.includes(s.key)) return;
                  router.push(drillOf(drill, s.key, point.label));
                }}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}
