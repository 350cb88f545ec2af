import { Skeleton } from '@/components/ui/skeleton';

export default function SettingsLoading() {
  return (
    <div role="status" className="grid gap-6" aria-busy="true" aria-label="Loading the settings">
      <Skeleton className="h-8 w-40" />
      <Skeleton className="h-24 w-full" />
      {[0, 1].map((i) => (
        <div key={i} className="grid gap-4 rounded-xl border p-5 lg:grid-cols-[1fr_1.4fr]">
          <Skeleton className="h-48" />
          <Skeleton className="h-72" />
          <Skeleton className="h-56 lg:col-span-2" />
        </div>
      ))}
    </div>
  );
}
