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
 * at the instant the API computed them. `calendar`: null when the team counts wall-clock
 * time, else its business-hours time zone: due instants then skip closed hours, so the
 * time left is wall-clock time to that instant.
 */
export function SlaClock({ sla, calendar, closed, tz }: { sla: RunningSla | null; calendar: string | null; closed: boolean; tz: string }) {
  const now = sla ? Date.parse(sla.now) : 0;
  return (
    <Card data-testid="sla-clock">
      <CardHeader>
        <CardTitle>
          <h2>SLA clock</h2>
        </CardTitle>
        <p className="text-xs text-muted-foreground">
          {calendar ? `Targets count business hours (${calendar}); elapsed and left are wall-clock time.` : 'Targets count calendar (wall-clock) time.'}
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
              const left = Date.parse(i.dueAt) - now;
              return (
                <li key={`${i.kind}-${i.startedAt}`} className="grid gap-1 text-sm">
                  <div className="flex items-center justify-between gap-2">
                    <h3 className="font-medium">{TARGETS[i.kind] ?? i.kind}</h3>
                    <Badge variant={VARIANTS[i.state]}>{STATES[i.state]}</Badge>
                  </div>
                  <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-0.5">
                    <dt className="text-muted-foreground">Target</dt>
                    <dd>{formatDuration(i.targetSeconds * 1000)}</dd>
                    <dt className="text-muted-foreground">Elapsed</dt>
                    <dd>
                      {formatDuration(now - Date.parse(i.startedAt))} <span className="text-muted-foreground">since {formatInstant(i.startedAt, tz)}</span>
                    </dd>
                    <dt className="text-muted-foreground">{left > 0 ? 'Left' : 'Breached'}</dt>
                    <dd>
                      {left > 0 ? formatDuration(left) : `${formatDuration(-left)} ago`}{' '}
                      <span className="text-muted-foreground">(due {formatInstant(i.dueAt, tz)})</span>
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
