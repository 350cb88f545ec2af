import { Empty } from '@/components/empty';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { formatDuration, formatInstant } from '@/lib/format';
import type { RunningSla } from '@/lib/types';

const TARGETS: Record<RunningSla['items'][number]['kind'], string> = {
  first: 'First response',
  reopen: 'First response after reopening',
  next: 'Next response',
  resolution: 'Resolution',
};
const STATES = { breached: 'Breached', at_risk: 'At risk', on_track: 'On track' } as const;
const VARIANTS = { breached: 'destructive', at_risk: 'warning', on_track: 'secondary' } as const;

/**
 * The conversation's running SLA targets (GET /v1/analytics/sla/running?conversationId=),
 * at the instant the API computed them. Elapsed and left are on each target's own clock
 * (the API counts business hours for a team that has them); `calendar` names the team's
 * business-hours zone for the card's note, null when it has none.
 */
export function SlaClock({ sla, calendar, closed, tz }: { sla: RunningSla | null; calendar: string | null; closed: boolean; tz: string }) {
  return (
    <Card data-testid="sla-clock">
      <CardHeader>
        <CardTitle>
          <h2>SLA clock</h2>
        </CardTitle>
        <p className="text-xs text-muted-foreground">
          {calendar ? `Business hours (${calendar}): closed hours do not count.` : 'Calendar time: every hour counts.'}
        </p>
      </CardHeader>
      <CardContent>
        {!sla ? (
          <Empty>SLA figures are not available here.</Empty>
        ) : sla.items.length === 0 ? (
          <Empty>{closed ? 'Closed: no SLA target is running.' : 'No SLA target is running (none set for its team and priority, or all met).'}</Empty>
        ) : (
          <ul className="grid gap-4">
            {sla.items.map((i) => {
              const clock = i.hours === 'business' ? 'business hours' : 'calendar';
              return (
                <li key={`${i.kind}-${i.startedAt}`} className="grid gap-1 text-sm">
                  <div className="flex items-center justify-between gap-2">
                    <h3 className="font-medium">{TARGETS[i.kind] ?? i.kind}</h3>
                    <Badge variant={VARIANTS[i.state]}>{STATES[i.state]}</Badge>
                  </div>
                  <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-0.5">
                    <dt className="text-muted-foreground">Target</dt>
                    <dd>
                      {formatDuration(i.targetSeconds * 1000)} <span className="text-muted-foreground">({clock})</span>
                    </dd>
                    <dt className="text-muted-foreground">Elapsed</dt>
                    <dd>
                      {formatDuration(i.elapsedSeconds * 1000)} <span className="text-muted-foreground">since {formatInstant(i.startedAt, tz)}</span>
                    </dd>
                    <dt className="text-muted-foreground">{i.remainingSeconds > 0 ? 'Left' : 'Breached by'}</dt>
                    <dd>
                      {formatDuration(Math.abs(i.remainingSeconds) * 1000)} <span className="text-muted-foreground">(due {formatInstant(i.dueAt, tz)})</span>
                    </dd>
                  </dl>
                </li>
              );
            })}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
