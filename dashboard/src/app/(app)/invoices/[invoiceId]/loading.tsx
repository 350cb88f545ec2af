import { ReportSkeleton } from '@/components/report-skeleton';

export default function InvoiceLoading() {
  return <ReportSkeleton label="Loading the invoice" cards={0} sections={1} />;
}
