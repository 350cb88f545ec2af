import type { Metadata } from 'next';
import { PageHeader } from '@/components/page-header';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { requirePage } from '@/lib/guard';

export const metadata: Metadata = { title: 'Usage' };

/** Usage (billing): a placeholder until its issue brings the pages. */
export default async function UsagePage() {
  const me = await requirePage('usage');
  return (
    <>
      <PageHeader title="Usage" description={`${me.tenantName}: messages and conversations billed.`} />
      <Alert>
        <AlertDescription className="text-foreground">Usage reports are coming. Nothing to show here yet.</AlertDescription>
      </Alert>
    </>
  );
}
