import { Skeleton } from '@/components/ui/skeleton';

export default function ConversationLoading() {
  return (
    <div role="status" className="grid gap-4" aria-busy="true" aria-label="Loading the conversation">
      <Skeleton className="h-5 w-32" />
      <Skeleton className="h-8 w-64" />
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <Skeleton className="h-96" />
        <Skeleton className="h-72" />
      </div>
    </div>
  );
}
