import { ReportSkeleton } from '@/components/report-skeleton';

export default function CsatLoading() {
  return <ReportSkeleton label="Loading CSAT" cards={4} sections={2} />;
}
