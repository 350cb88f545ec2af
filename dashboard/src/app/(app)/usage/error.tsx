'use client';

import { ErrorState } from '@/components/states';

export default function UsageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorState error={error} reset={reset} what="usage" />;
}
