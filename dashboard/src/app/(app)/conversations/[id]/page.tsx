import { randomUUID } from 'node:crypto';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { ApiError, queryGet, queryGetIfAllowed } from '@/lib/api';
import { positionOf, readConversation } from '@/lib/conversation-read';
import { formatInstant, statusLabel } from '@/lib/format';
import { requirePage } from '@/lib/guard';
import { AT_RISK_SHARE } from '@/lib/live';
import { mayAct } from '@/lib/pages';
import type { ActivityEntry, AgentWorkload, Page, RunningSla } from '@/lib/types';
import { parseView, type SearchParamsRecord, viewSearch } from '@/lib/view-params';
import { ConversationActions } from './conversation-actions';
import { SlaClock } from './sla-clock';
import { type Names, Timeline } from './timeline';

export const metadata: Metadata = { title: 'Conversation' };

const DONE: Record<string, string> = { assign: 'Assigned.', transfer: 'Transferred.', close: 'Closed.', notes: 'Note added.' };
/** Entries shown at most: the activity API's largest page. */
const TIMELINE_LIMIT = 500;

/** One conversation: its facts, its timeline, its SLA clock, and the supervisor's actions. */
export default async function ConversationPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParamsRecord> }) {
  const [{ id }, search] = await Promise.all([params, searchParams]);
  const view = parseView(search);
  // After an action: read at its position, so the page shows the change (read your writes).
  const at = positionOf(typeof search.at === 'string' ? search.at : undefined);
  const done = typeof search.done === 'string' ? DONE[search.done] : undefined;
  // All at once; the conversation itself was read (and found) by the layout before anything streamed.
  const [me, c, activity, people, sla] = await Promise.all([
    requirePage('conversations'),
    readConversation(id, at),
    queryGet<Page<ActivityEntry>>(`/v1/conversations/${id}/activity`, { limit: TIMELINE_LIMIT, minPosition: at }).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) notFound();
      throw e;
    }),
    queryGetIfAllowed<{ items: AgentWorkload[] }>('/v1/supervisor/workload', undefined, { items: [] }),
    queryGetIfAllowed<RunningSla | null>('/v1/analytics/sla/running', { conversationId: id, atRiskShare: AT_RISK_SHARE }, null).catch((e: unknown) => {
      // Without analytics (PARLEY_ANALYTICS=off) the route is not there: no SLA clock.
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }),
  ]);
  const tz = view.tz ?? me.timeZone;
  const known = new Map(people.items.map((a) => [a.agentId, a.name]));
  known.set(me.userId, me.name);
  const teams = new Map(me.teams.map((t) => [t.teamId, t]));
  const who = (userId: string | null) => (userId ? (known.get(userId) ?? 'an agent') : '—');
  const names: Names = {
    person: who,
    team: (teamId) => (teamId ? (teams.get(teamId)?.name ?? 'a team') : 'no team'),
    contact: c.contactName ?? c.contactWaId ?? 'the customer',
  };

  return (
    <>
      <Link href={`/conversations${viewSearch({ ...view, cursor: undefined })}`} className="text-sm underline underline-offset-4">
        ← Conversations
      </Link>
      <div className="mt-2 mb-4 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">{c.contactName ?? c.contactWaId ?? 'Unknown contact'}</h1>
        <Badge variant="outline" data-testid="status">
          {statusLabel(c.status)}
        </Badge>
        <Badge variant="secondary">{c.priority}</Badge>
        {c.tags.map((t) => (
          <Badge key={t} variant="outline">
            {t}
          </Badge>
        ))}
      </div>
      {done && (
        <Alert className="mb-4" role="status">
          <AlertDescription className="text-foreground">{done}</AlertDescription>
        </Alert>
      )}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[1fr_22rem]">
        <Card>
          <CardHeader>
            <CardTitle>
              <h2>Timeline</h2>
            </CardTitle>
          </CardHeader>
          <CardContent>
            <Timeline entries={activity.items} names={names} tz={tz} more={activity.nextCursor !== null} />
          </CardContent>
        </Card>
        <div className="grid content-start gap-6">
          <Card>
            <CardHeader>
              <CardTitle>
                <h2>Details</h2>
              </CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                <dt className="text-muted-foreground">WhatsApp</dt>
                <dd>{c.contactWaId ?? '—'}</dd>
                <dt className="text-muted-foreground">Team</dt>
                <dd>{c.teamId ? (teams.get(c.teamId)?.name ?? '—') : '—'}</dd>
                <dt className="text-muted-foreground">Agent</dt>
                <dd data-testid="assignee">{who(c.assigneeId ?? c.lastAssigneeId)}</dd>
                <dt className="text-muted-foreground">Opened</dt>
                <dd>{formatInstant(c.openedAt, tz)}</dd>
                <dt className="text-muted-foreground">Waiting since</dt>
                <dd>{formatInstant(c.waitingSince, tz)}</dd>
                <dt className="text-muted-foreground">Messages</dt>
                <dd>{c.messageCount}</dd>
                <dt className="text-muted-foreground">CSAT</dt>
                <dd>{c.csatScore ?? '—'}</dd>
              </dl>
            </CardContent>
          </Card>
          <SlaClock sla={sla} calendar={c.teamId ? (teams.get(c.teamId)?.timeZone ?? null) : null} closed={c.status === 'closed'} tz={tz} />
          {mayAct(me.role) && (
            <ConversationActions
              conversationId={c.id}
              formKey={randomUUID()}
              closed={c.status === 'closed'}
              agents={people.items.map((a) => ({ id: a.agentId, name: a.name }))}
              teams={me.teams.map((t) => ({ id: t.teamId, name: t.name }))}
              hasAgent={c.assigneeId !== null}
            />
          )}
        </div>
      </div>
    </>
  );
}
