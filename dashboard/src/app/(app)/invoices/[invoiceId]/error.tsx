'use client';

import { ErrorState } from '@/components/states';

export default function InvoiceError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorState error={error} reset={reset} what="the invoice" />;
}
