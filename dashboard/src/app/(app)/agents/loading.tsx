import { ReportSkeleton } from '@/components/report-skeleton';

export default function AgentsLoading() {
  return <ReportSkeleton label="Loading the agents' leaderboard" cards={0} sections={1} />;
}
