import { ReportSkeleton } from '@/components/report-skeleton';

export default function VolumesLoading() {
  return <ReportSkeleton label="Loading volumes" cards={4} sections={3} />;
}
