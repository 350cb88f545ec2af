'use client';

import type * as React from 'react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';

/**
 * A chart with its table as the text alternative, both in the browser: a toggle shows one
 * or the other. For data the browser already holds (the live board polls it); the report
 * pages use ChartOrTable, which sends only the one shown.
 */
export function ChartOrTableToggle({
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
