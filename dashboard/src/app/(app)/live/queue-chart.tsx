'use client';

import { useRouter } from 'next/navigation';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { statusLabel } from '@/lib/format';
import type { TeamQueue } from '@/lib/types';
import { OPEN_STATUSES } from '@/lib/view-params';

const COLORS: Record<string, string> = {
  new: '#b45309',
  queued: '#dc2626',
  assigned: '#2563eb',
  pending_customer: '#6b7280',
  pending_agent: '#7c3aed',
};

/** Open conversations per team, stacked by status; a bar opens its conversations (teams only: unrouted ones have no filter). */
export function QueueChart({ queues }: { queues: TeamQueue[] }) {
  const router = useRouter();
  const data = queues.map((q) => ({ teamId: q.teamId, team: q.teamName ?? 'Not routed yet', ...q.byStatus }));
  return (
    <div className="h-64 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="team" tick={{ fontSize: 12 }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={32} />
          <Tooltip />
          <Legend formatter={(v: string) => statusLabel(v)} />
          {OPEN_STATUSES.map((s) => (
            <Bar
              key={s}
              dataKey={s}
              name={s}
              stackId="open"
              fill={COLORS[s]}
              isAnimationActive={false}
              cursor="pointer"
              onClick={(entry: { payload?: { teamId: string | null } }) => {
                const teamId = entry.payload?.teamId;
                if (teamId) router.push(`/conversations?team=${teamId}&status=${s}&sort=longest_waiting`);
              }}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
