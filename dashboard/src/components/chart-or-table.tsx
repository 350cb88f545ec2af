import Link from 'next/link';
import type * as React from 'react';
import { cn } from '@/lib/utils';
import { CHART_OR_TABLE, type ViewParams, viewSearch } from '@/lib/view-params';

/**
 * A report's chart, or its table as the text alternative (the same figures, each a link to
 * its drill-down, for screen readers, the keyboard and copying). The choice is the view's
 * `show` (every chart of the page follows it) and the switch is a pair of links, so the
 * server renders and sends only the one shown: a chart's page does not carry its tables.
 * `chart` and `table` are functions so that the one not shown is not even built.
 */
export function ChartOrTable({
  label,
  path,
  view,
  chart,
  table,
}: {
  label: string;
  /** The page's path: the switch reloads it with the other choice. */
  path: string;
  view: ViewParams;
  chart: () => React.ReactNode;
  table: () => React.ReactNode;
}) {
  return (
    <div className="grid grid-cols-1 gap-3">
      <nav aria-label={`${label}: show as`}>
        <ul className="inline-flex w-fit gap-0.5 rounded-md border p-0.5">
          {CHART_OR_TABLE.map((v) => (
            <li key={v}>
              <Link
                href={`${path}${viewSearch(view, { show: v, cursor: undefined })}`}
                scroll={false}
                aria-current={view.show === v ? 'true' : undefined}
                className={cn(
                  'inline-flex h-8 items-center rounded-sm px-3 text-sm font-medium outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50',
                  view.show === v ? 'bg-primary text-primary-foreground' : 'text-muted-foreground hover:bg-accent hover:text-foreground',
                )}
              >
                {v === 'chart' ? 'Chart' : 'Table'}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {view.show === 'chart' ? (
        <figure aria-label={label} className="m-0">
          {chart()}
        </figure>
      ) : (
        table()
      )}
    </div>
  );
}
