import type * as React from 'react';

/** What a section shows when it has nothing to show, saying why. */
export function Empty({ children }: { children: React.ReactNode }) {
  return <p className="rounded-md border border-dashed p-6 text-center text-sm text-muted-foreground">{children}</p>;
}
