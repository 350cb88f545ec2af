import { randomUUID } from 'node:crypto';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type * as React from 'react';
import { Empty } from '@/components/empty';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { ApiError, queryGet, queryGetIfAllowed } from '@/lib/api';
import { formatInstant, statusLabel } from '@/lib/format';
import { requirePage } from '@/lib/guard';
import { mayAct } from '@/lib/pages';
import type { AgentWorkload, ConversationDetail, MessageView, Page } from '@/lib/types';
import { parseView, type SearchParamsRecord, viewSearch } from '@/lib/view-params';
import { ConversationActions } from './conversation-actions';

export const metadata: Metadata = { title: 'Conversation' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const POSITION = /^[0-9/]{1,64}$/;
const DONE: Record<string, string> = { assign: 'Assigned.', transfer: 'Transferred.', close: 'Closed.', notes: 'Note added.' };

type Entry = { at: string; kind: 'message' | 'note' | 'event'; key: string; node: React.ReactNode };

/** One conversation: its facts, its timeline (messages, notes, lifecycle), and the supervisor's actions. */
export default async function ConversationPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParamsRecord> }) {
  const [{ id }, search] = await Promise.all([params, searchParams]);
  if (!UUID.test(id)) notFound();
  const view = parseView(search);
  // After an action: read at its position, so the page shows the change (read your writes).
  const at = typeof search.at === 'string' && POSITION.test(search.at) ? search.at : undefined;
  const done = typeof search.done === 'string' ? DONE[search.done] : undefined;
  const [me, conversation, messages, people] = await Promise.all([
    requirePage('conversations'),
    queryGet<ConversationDetail>(`/v1/conversations/${id}`, { minPosition: at }).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) notFound();
      throw e;
    }),
    queryGet<Page<MessageView>>(`/v1/conversations/${id}/messages`, { limit: 200, order: 'asc' }).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) notFound();
      throw e;
    }),
    queryGetIfAllowed<{ items: AgentWorkload[] }>('/v1/supervisor/workload', undefined, { items: [] }),
  ]);
  const tz = view.tz ?? me.timeZone;
  const names = new Map(people.items.map((a) => [a.agentId, a.name]));
  names.set(me.userId, me.name);
  const teams = new Map(me.teams.map((t) => [t.teamId, t.name]));
  const who = (userId: string | null) => (userId ? (names.get(userId) ?? 'an agent') : '—');
  const c = conversation;

  const entries: Entry[] = [
    { at: c.openedAt, kind: 'event' as const, key: 'opened', node: 'Conversation opened' },
    ...messages.items.map<Entry>((m) => ({
      at: m.sentAt,
      kind: 'message',
      key: m.id,
      node: (
        <div className={m.direction === 'inbound' ? 'mr-8' : 'ml-8'}>
          <p className="text-xs text-muted-foreground">
            {m.direction === 'inbound' ? (c.contactName ?? 'Customer') : m.sender.type === 'agent' ? who(m.sender.id) : m.sender.type}
            {m.status && m.direction === 'outbound' ? ` · ${m.status}` : ''}
          </p>
          <p className={`rounded-lg px-3 py-2 ${m.direction === 'inbound' ? 'bg-muted' : 'bg-primary text-primary-foreground'}`}>{m.text ?? `[${m.type}]`}</p>
        </div>
      ),
    })),
    ...c.notes.map<Entry>((n) => ({
      at: n.createdAt,
      kind: 'note',
      key: n.id,
      node: (
        <div className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2">
          <p className="text-xs text-amber-900">Private note · {who(n.authorId)}</p>
          <p>{n.body}</p>
        </div>
      ),
    })),
    ...(c.firstResponseAt ? [{ at: c.firstResponseAt, kind: 'event' as const, key: 'first-response', node: 'First reply' }] : []),
    ...(c.closedAt
      ? [{ at: c.closedAt, kind: 'event' as const, key: 'closed', node: `Closed: ${c.closeReason ?? ''}${c.outcome ? ` (${c.outcome})` : ''}` }]
      : []),
  ].sort((a, b) => a.at.localeCompare(b.at) || (a.kind === 'event' ? -1 : 1));

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
            {entries.length === 0 ? (
              <Empty>Nothing yet.</Empty>
            ) : (
              <ol className="grid gap-3" data-testid="timeline">
                {entries.map((e) => (
                  <li key={`${e.kind}-${e.key}`} className="grid gap-1">
                    <time dateTime={e.at} className="text-xs text-muted-foreground">
                      {formatInstant(e.at, tz)}
                    </time>
                    {e.kind === 'event' ? <p className="text-sm font-medium">{e.node}</p> : e.node}
                  </li>
                ))}
              </ol>
            )}
            {messages.nextCursor && <p className="mt-3 text-sm text-muted-foreground">Only the first 200 messages are shown.</p>}
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
                <dd>{c.teamId ? (teams.get(c.teamId) ?? '—') : '—'}</dd>
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
