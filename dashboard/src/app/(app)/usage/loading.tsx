import { ReportSkeleton } from '@/components/report-skeleton';

export default function UsageLoading() {
  return <ReportSkeleton label="Loading usage" cards={4} sections={2} />;
}
