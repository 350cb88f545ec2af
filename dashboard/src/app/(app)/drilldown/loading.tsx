import { ReportSkeleton } from '@/components/report-skeleton';

export default function DrilldownLoading() {
  return <ReportSkeleton label="Loading the conversations behind the figure" cards={2} sections={1} />;
}
