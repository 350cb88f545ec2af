import type * as React from 'react';
import { cn } from '@/lib/utils';

function Label({ className, ...props }: React.ComponentProps<'label'>) {
  // biome-ignore lint/a11y/noLabelWithoutControl: callers pass htmlFor or wrap the control.
  return <label data-slot="label" className={cn('flex items-center gap-2 text-sm font-medium leading-none select-none', className)} {...props} />;
}

export { Label };
