'use client';

import type * as React from 'react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';

/**
 * A chart with its table as the text alternative: a toggle shows one or the other. The
 * table carries the same figures (and their drill-down links), for screen readers, the
 * keyboard and copying.
 */
export function ChartOrTable({
  label,
  chart,
  table,
  initial = 'chart',
}: {
  label: string;
  chart: React.ReactNode;
  table: React.ReactNode;
  initial?: 'chart' | 'table';
}) {
  const [view, setView] = useState(initial);
  return (
    <div className="grid grid-cols-1 gap-3">
      <fieldset className="inline-flex w-fit gap-0.5 rounded-md border p-0.5">
        <legend className="sr-only">{label}: show as</legend>
        {(['chart', 'table'] as const).map((v) => (
          <Button key={v} type="button" size="sm" variant={view === v ? 'secondary' : 'ghost'} aria-pressed={view === v} onClick={() => setView(v)}>
            {v === 'chart' ? 'Chart' : 'Table'}
          </Button>
        ))}
      </fieldset>
      {view === 'chart' ? (
        <figure aria-label={label} className="m-0">
          {chart}
        </figure>
      ) : (
        table
      )}
    </div>
  );
}
