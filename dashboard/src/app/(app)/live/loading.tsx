import { Skeleton } from '@/components/ui/skeleton';

export default function LiveLoading() {
  return (
    <div role="status" className="grid gap-6" aria-busy="true" aria-label="Loading the live view">
      <Skeleton className="h-8 w-40" />
      <Skeleton className="h-16 w-full" />
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} className="h-24" />
        ))}
      </div>
      <Skeleton className="h-56 w-full" />
      <div className="grid gap-6 lg:grid-cols-2">
        <Skeleton className="h-64" />
        <Skeleton className="h-64" />
      </div>
    </div>
  );
}
