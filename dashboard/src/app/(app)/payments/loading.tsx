import { ReportSkeleton } from '@/components/report-skeleton';

export default function PaymentsLoading() {
  return <ReportSkeleton label="Loading payments" cards={4} sections={2} />;
}
