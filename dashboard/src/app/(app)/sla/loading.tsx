import { ReportSkeleton } from '@/components/report-skeleton';

export default function SlaLoading() {
  return <ReportSkeleton label="Loading the SLA report" cards={3} sections={3} />;
}
