import Link from 'next/link';
import type * as React from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { cn } from '@/lib/utils';

/** A figure that opens the conversations behind it (the drill-down page); a zero opens nothing. */
export function DrillLink({ n, href, label, children }: { n: number; href: string | null; label: string; children?: React.ReactNode }) {
  const text = children ?? n.toLocaleString('en');
  if (!href || n === 0) return <span>{text}</span>;
  return (
    // Not prefetched: a report holds hundreds of these, each a dynamic page.
    <Link href={href} prefetch={false} className="drill-link" aria-label={`${n.toLocaleString('en')} ${label}: list the conversations`}>
      {text}
    </Link>
  );
}

/** A headline figure in a card. */
export function FigureCard({ label, value, detail, testId }: { label: string; value: React.ReactNode; detail?: React.ReactNode; testId?: string }) {
  return (
    <Card className="gap-1 py-4">
      <CardContent>
        <p className="text-sm text-muted-foreground">{label}</p>
        <p className="text-2xl font-semibold" data-testid={testId}>
          {value}
        </p>
        {detail && <div className="mt-1 text-sm text-muted-foreground">{detail}</div>}
      </CardContent>
    </Card>
  );
}

/**
 * A choice kept in the URL (the SLA clock, the heatmap's measure): links, so it works
 * without JavaScript, from the keyboard, and a reload keeps it.
 */
export function UrlSwitch({ label, options }: { label: string; options: { href: string; label: string; current: boolean }[] }) {
  return (
    <nav aria-label={label} className="grid gap-1.5">
      <span className="text-sm font-medium leading-none">{label}</span>
      <ul className="inline-flex w-fit gap-0.5 rounded-md border bg-background p-0.5">
        {options.map((o) => (
          <li key={o.href}>
            <Link
              href={o.href}
              aria-current={o.current ? 'true' : undefined}
              className={cn(
                'inline-flex h-8 items-center whitespace-nowrap rounded-sm px-3 text-sm font-medium outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50',
                o.current ? 'bg-primary text-primary-foreground' : 'text-muted-foreground hover:bg-accent hover:text-foreground',
              )}
            >
              {o.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A CSV download of a table's or chart's rows (the dashboard's export route: the key stays on the server). */
export function ExportLink({ href, label = 'Export CSV', what }: { href: string; label?: string; what: string }) {
  return (
    <Button asChild variant="outline" size="sm">
      <a href={href} download aria-label={`${label}: ${what}`}>
        {label}
      </a>
    </Button>
  );
}

/** A section of a report page: a card with its title, what it counts, its export, and its content. */
export function ReportSection({
  id,
  title,
  description,
  actions,
  children,
  className,
}: {
  id: string;
  title: string;
  description?: React.ReactNode;
  actions?: React.ReactNode;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <section aria-labelledby={`${id}-title`} className={cn('flex min-w-0 flex-col gap-4 rounded-xl border bg-card py-5 shadow-sm', className)} data-testid={id}>
      <div className="flex flex-wrap items-start justify-between gap-2 px-5">
        <div className="grid gap-1">
          <h2 id={`${id}-title`} className="font-semibold leading-none">
            {title}
          </h2>
          {description && <p className="text-sm text-muted-foreground">{description}</p>}
        </div>
        {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
      </div>
      <div className="min-w-0 px-5">{children}</div>
    </section>
  );
}
