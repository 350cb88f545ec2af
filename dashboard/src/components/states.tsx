'use client';

import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

/** A page's error state: what failed, and a retry that renders the page again. */
export function ErrorState({ error, reset, what }: { error: Error & { digest?: string }; reset: () => void; what: string }) {
  return (
    <Alert variant="destructive" className="max-w-2xl">
      <AlertTitle>
        <h1>Could not load {what}</h1>
      </AlertTitle>
      <AlertDescription className="grid gap-3">
        <p className="text-foreground">{error.digest ? `The dashboard's server could not read from Parley (reference ${error.digest}).` : error.message}</p>
        <Button onClick={() => reset()} className="w-fit">
          Retry
        </Button>
      </AlertDescription>
    </Alert>
  );
}
