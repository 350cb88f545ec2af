'use client';

import { ErrorState } from '@/components/states';

export default function PaymentsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorState error={error} reset={reset} what="payments" />;
}
