'use client';

import { ErrorState } from '@/components/states';

export default function DrilldownError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorState error={error} reset={reset} what="the conversations behind this figure" />;
}
