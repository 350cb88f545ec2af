import { Skeleton } from '@/components/ui/skeleton';

/** The page's shape while its reads run: header, timeline, and the side column (details, SLA clock, actions). */
export default function ConversationLoading() {
  return (
    <div role="status" className="grid gap-4" aria-busy="true" aria-label="Loading the conversation">
      <Skeleton className="h-5 w-32" />
      <Skeleton className="h-8 w-64" />
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="grid content-start gap-3 rounded-xl border p-5">
          <Skeleton className="h-5 w-24" />
          {['w-2/3', 'ml-auto w-1/2', 'w-3/4', 'w-1/3', 'ml-auto w-2/3'].map((w) => (
            <Skeleton key={w} className={`h-12 ${w}`} />
          ))}
        </div>
        <div className="grid content-start gap-6">
          <Skeleton className="h-48" />
          <Skeleton className="h-40" />
          <Skeleton className="h-72" />
        </div>
      </div>
    </div>
  );
}
