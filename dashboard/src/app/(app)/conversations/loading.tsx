import { Skeleton } from '@/components/ui/skeleton';

export default function ConversationsLoading() {
  return (
    <div role="status" className="grid gap-4" aria-busy="true" aria-label="Loading conversations">
      <Skeleton className="h-8 w-48" />
      <Skeleton className="h-16 w-full" />
      {Array.from({ length: 8 }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders without identity
        <Skeleton key={i} className="h-10 w-full" />
      ))}
    </div>
  );
}
