import { ReportSkeleton } from '@/components/report-skeleton';

export default function InvoicesLoading() {
  return <ReportSkeleton label="Loading invoices" cards={0} sections={1} />;
}
