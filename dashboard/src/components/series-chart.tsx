'use client';

import { useRouter } from 'next/navigation';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
}

/** One bar group: its label (a period, a score), a value per series, and where each bar drills down to. */
export interface ChartPoint {
  label: string;
  values: Record<string, number | null>;
  hrefs: Record<string, string | null>;
}

/**
 * Bars per period (or score), stacked or side by side; a click on a bar opens its
 * drill-down. The table next to it (ChartOrTable) has the same figures as links, for the
 * keyboard and screen readers.
 */
export function SeriesChart({
  data,
  series,
  stacked = false,
  percent = false,
  height = 256,
}: {
  data: ChartPoint[];
  series: ChartSeries[];
  stacked?: boolean;
  percent?: boolean;
  height?: number;
}) {
  const router = useRouter();
  const rows = data.map((p, i) => ({ label: p.label, i, ...p.values }));
  return (
    <div className="w-full" style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 12 }} minTickGap={8} />
          <YAxis
            allowDecimals={percent}
            domain={percent ? [0, 100] : [0, 'auto']}
            tick={{ fontSize: 12 }}
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
                const i = entry.payload?.i;
                const href = i === undefined ? null : data[i]?.hrefs[s.key];
                if (href) router.push(href);
              }}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
