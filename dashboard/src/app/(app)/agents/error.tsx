'use client';

import { ErrorState } from '@/components/states';

export default function AgentsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorState error={error} reset={reset} what="the agents' leaderboard" />;
}
