import { Skeleton } from '@/components/ui/skeleton';
import { cn } from '@/lib/utils';

/** A report page while it loads: its header, the filter bar, figure cards and sections. */
export function ReportSkeleton({ label, cards = 4, sections = 2 }: { label: string; cards?: number; sections?: number }) {
  return (
    <div role="status" className="grid gap-6" aria-busy="true" aria-label={label}>
      <Skeleton className="h-8 w-48" />
      <Skeleton className="h-16 w-full" />
      {cards > 0 && (
        <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
          {Array.from({ length: cards }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: placeholders without identity
            <Skeleton key={i} className="h-24" />
          ))}
        </div>
      )}
      {Array.from({ length: sections }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders without identity
        <Skeleton key={i} className="h-72 w-full" />
      ))}
    </div>
  );
}

/** A section's content while its read streams in (the rest of the page is already there). */
export function SectionSkeleton({ label, className }: { label: string; className?: string }) {
  return <Skeleton role="status" aria-busy="true" aria-label={label} className={cn('w-full', className)} />;
}
