'use client';

import Link from 'next/link';
import type * as React from 'react';
import { useEffect, useState } from 'react';
import { ChartOrTableToggle } from '@/components/chart-or-table-toggle';
import { Empty } from '@/components/empty';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatDuration, formatTime, statusLabel, waitedFor } from '@/lib/format';
import type { LiveSnapshot, OpenStatus, RunningSla } from '@/lib/types';
import { OPEN_STATUSES } from '@/lib/view-params';
import { QueueChart } from './queue-chart';

/** How often the board asks again: an update shows within 5 s of its event. */
export const POLL_MS = 3000;

const conversationsLink = (search: Record<string, string | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(search)) if (v) q.set(k, v);
  return `/conversations?${q.toString()}`;
};

/** A figure that opens the conversations behind it (the same count, through the inbox's filters). */
function Drill({ n, href, label }: { n: number; href: string | null; label: string }) {
  if (!href || n === 0) return <span>{n}</span>;
  return (
    <Link
      href={href}
      className="font-medium underline decoration-dotted underline-offset-4 hover:decoration-solid"
      aria-label={`${n} ${label}: open the conversations`}
    >
      {n}
    </Link>
  );
}

export function LiveBoard({ initial, team, tz, teamNames }: { initial: LiveSnapshot; team?: string; tz: string; teamNames: Record<string, string> }) {
  const [snap, setSnap] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const [now, setNow] = useState(() => new Date(initial.at).getTime());

  useEffect(() => setSnap(initial), [initial]);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const res = await fetch(`/api/live${team ? `?team=${team}` : ''}`, { cache: 'no-store' });
        if (res.status === 401) {
          window.location.assign('/session-expired');
          return;
        }
        if (!res.ok) throw new Error(((await res.json().catch(() => null)) as { message?: string } | null)?.message ?? `answered ${res.status}`);
        const next = (await res.json()) as LiveSnapshot;
        if (!stopped) {
          setSnap(next);
          setNow(Date.now());
          setProblem(null);
        }
      } catch (e) {
        if (!stopped) setProblem((e as Error).message);
      } finally {
        if (!stopped) timer = setTimeout(poll, POLL_MS);
      }
    };
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [team]);

  const waiting = snap.queues.reduce((n, q) => n + q.waiting, 0);
  const open = snap.queues.reduce((n, q) => n + q.open, 0);
  const oldest =
    snap.queues
      .map((q) => q.oldestWaitingSince)
      .filter((x): x is string => x !== null)
      .sort()[0] ?? null;
  const loaded = snap.workload.filter((a) => a.open > 0);
  const sla = snap.sla;
  const breached = sla?.items.filter((i) => i.state === 'breached') ?? [];
  const atRisk = sla?.items.filter((i) => i.state === 'at_risk') ?? [];
  // Teams made since the page loaded are named by the queues.
  const names: Record<string, string> = {
    ...teamNames,
    ...Object.fromEntries(snap.queues.flatMap((q) => (q.teamId && q.teamName ? [[q.teamId, q.teamName]] : []))),
  };
  const slaOf = (teamId: string | null, state: 'breached' | 'at_risk') => sla?.items.filter((i) => i.teamId === teamId && i.state === state).length ?? 0;

  return (
    <div className="grid grid-cols-1 gap-6">
      <div className="flex flex-wrap items-center gap-3 text-sm" aria-live="polite">
        <span className="text-muted-foreground">
          Updated at{' '}
          <time dateTime={snap.at} data-testid="updated-at">
            {formatTime(snap.at, tz)}
          </time>{' '}
          ({tz})
        </span>
        {problem && (
          <Badge variant="warning" role="status">
            Refresh failed: {problem}. Retrying…
          </Badge>
        )}
      </div>

      <section aria-label="Summary" className="grid grid-cols-2 gap-4 md:grid-cols-3 xl:grid-cols-6">
        <Stat
          label="Waiting for an agent"
          value={<Drill n={waiting} href={conversationsLink({ status: 'new,queued', team, sort: 'longest_waiting' })} label="waiting" />}
          testId="stat-waiting"
        />
        <Stat label="Oldest wait" value={waitedFor(oldest, now)} />
        <Stat
          label="Open conversations"
          value={<Drill n={open} href={conversationsLink({ status: OPEN_STATUSES.join(','), team })} label="open" />}
          testId="stat-open"
        />
        <Stat label="Agents with open work" value={String(loaded.length)} />
        <Stat
          label="SLA breached"
          value={sla ? <SlaCount n={breached.length} more={sla.truncated} anchor="sla-breached" label="breached" /> : '—'}
          testId="stat-sla-breached"
        />
        <Stat
          label="SLA at risk"
          value={sla ? <SlaCount n={atRisk.length} more={sla.truncated} anchor="sla-at-risk" label="at risk" /> : '—'}
          testId="stat-sla-at-risk"
        />
      </section>

      <Card>
        <CardHeader>
          <CardTitle>
            <h2>Queues per team</h2>
          </CardTitle>
          <CardDescription>Waiting: open with no agent (new or queued). Every figure opens its conversations.</CardDescription>
        </CardHeader>
        <CardContent>
          {snap.queues.length === 0 ? (
            <Empty>No teams yet.</Empty>
          ) : (
            <ChartOrTableToggle
              label="Open conversations per team, by status"
              initial="table"
              chart={<QueueChart queues={snap.queues} />}
              table={
                <Table data-testid="queues">
                  <TableHeader>
                    <TableRow>
                      <TableHead scope="col">Team</TableHead>
                      <TableHead scope="col" className="text-right">
                        Waiting
                      </TableHead>
                      <TableHead scope="col">Oldest wait</TableHead>
                      <TableHead scope="col" className="text-right">
                        SLA at risk
                      </TableHead>
                      <TableHead scope="col" className="text-right">
                        SLA breached
                      </TableHead>
                      <TableHead scope="col" className="text-right">
                        Open
                      </TableHead>
                      {OPEN_STATUSES.map((s) => (
                        <TableHead key={s} scope="col" className="text-right">
                          {statusLabel(s)}
                        </TableHead>
                      ))}
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {snap.queues.map((q) => {
                      // Conversations with no team have no inbox filter of their own: their figures open nothing.
                      const link = (status: readonly OpenStatus[]) =>
                        q.teamId ? conversationsLink({ team: q.teamId, status: status.join(','), sort: 'longest_waiting' }) : null;
                      return (
                        <TableRow key={q.teamId ?? 'none'}>
                          <TableHead scope="row" className="font-medium">
                            {q.teamName ?? (q.teamId ? (teamNames[q.teamId] ?? q.teamId) : 'Not routed yet')}
                          </TableHead>
                          <TableCell className="text-right">
                            <Drill n={q.waiting} href={link(['new', 'queued'])} label={`waiting in ${q.teamName ?? 'no team'}`} />
                          </TableCell>
                          <TableCell>{waitedFor(q.oldestWaitingSince, now)}</TableCell>
                          <TableCell className="text-right">
                            {sla ? <SlaCount n={slaOf(q.teamId, 'at_risk')} anchor="sla-at-risk" label={`at risk in ${q.teamName ?? 'no team'}`} /> : '—'}
                          </TableCell>
                          <TableCell className="text-right">
                            {sla ? <SlaCount n={slaOf(q.teamId, 'breached')} anchor="sla-breached" label={`breached in ${q.teamName ?? 'no team'}`} /> : '—'}
                          </TableCell>
                          <TableCell className="text-right">
                            <Drill n={q.open} href={link(OPEN_STATUSES)} label={`open in ${q.teamName ?? 'no team'}`} />
                          </TableCell>
                          {OPEN_STATUSES.map((s) => (
                            <TableCell key={s} className="text-right">
                              <Drill n={q.byStatus[s]} href={link([s])} label={`${statusLabel(s)} in ${q.teamName ?? 'no team'}`} />
                            </TableCell>
                          ))}
                        </TableRow>
                      );
                    })}
                  </TableBody>
                </Table>
              }
            />
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>
            <h2>Service levels now</h2>
          </CardTitle>
          <CardDescription>
            Replies and resolutions past their target (breached) or with a quarter of it or less left (at risk), most urgent first. Targets count business
            hours.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid grid-cols-1 gap-6 md:grid-cols-2">
          {sla ? (
            <>
              <SlaList id="sla-breached" title="Breached" items={breached} now={now} teamNames={names} truncated={sla.truncated} />
              <SlaList id="sla-at-risk" title="At risk" items={atRisk} now={now} teamNames={names} truncated={sla.truncated} />
            </>
          ) : (
            <Empty>SLA figures need the analytics (the query API runs with PARLEY_ANALYTICS=off).</Empty>
          )}
        </CardContent>
      </Card>

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>
              <h2>Unassigned conversations</h2>
            </CardTitle>
            <CardDescription>New or queued, longest wait first.</CardDescription>
          </CardHeader>
          <CardContent>
            {snap.unassigned.length === 0 ? (
              <Empty>Nobody is waiting for an agent.</Empty>
            ) : (
              <ul className="grid gap-2" data-testid="unassigned">
                {snap.unassigned.map((c) => (
                  <li key={c.id} className="flex items-center justify-between gap-3 rounded-md border p-3">
                    <div className="min-w-0">
                      <Link href={`/conversations/${c.id}`} className="font-medium underline-offset-4 hover:underline">
                        {c.contactName ?? c.contactWaId ?? 'Unknown contact'}
                      </Link>
                      <p className="truncate text-sm text-muted-foreground">{c.lastMessage?.preview ?? 'No message yet'}</p>
                    </div>
                    <div className="shrink-0 text-right text-sm">
                      <Badge variant="outline">{statusLabel(c.status)}</Badge>
                      <p className="text-muted-foreground">waiting {waitedFor(c.waitingSince ?? c.openedAt, now)}</p>
                    </div>
                  </li>
                ))}
              </ul>
            )}
            {snap.unassignedMore && (
              <Link
                href={conversationsLink({ agent: 'unassigned', status: 'new,queued', team, sort: 'longest_waiting' })}
                className="mt-3 inline-block text-sm underline underline-offset-4"
              >
                See every unassigned conversation
              </Link>
            )}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>
              <h2>Agents' open load</h2>
            </CardTitle>
            <CardDescription>Open conversations per agent; awaiting reply: the customer waits for them.</CardDescription>
          </CardHeader>
          <CardContent>
            {snap.workload.length === 0 ? (
              <Empty>No agents{team ? ' in this team' : ''}.</Empty>
            ) : (
              <Table data-testid="workload">
                <TableHeader>
                  <TableRow>
                    <TableHead scope="col">Agent</TableHead>
                    <TableHead scope="col" className="text-right">
                      Open
                    </TableHead>
                    <TableHead scope="col" className="text-right">
                      Awaiting reply
                    </TableHead>
                    <TableHead scope="col">Oldest wait</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {snap.workload.map((a) => (
                    <TableRow key={a.agentId}>
                      <TableHead scope="row" className="font-medium">
                        {a.name} <span className="text-xs font-normal text-muted-foreground">{a.role}</span>
                      </TableHead>
                      <TableCell className="text-right">
                        <Drill n={a.open} href={conversationsLink({ agent: a.agentId, team, status: OPEN_STATUSES.join(',') })} label={`open with ${a.name}`} />
                      </TableCell>
                      <TableCell className="text-right">{a.awaitingReply}</TableCell>
                      <TableCell>{waitedFor(a.oldestWaitingSince, now)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </CardContent>
        </Card>
      </div>
    </div>
  );
}

function Stat({ label, value, testId }: { label: string; value: React.ReactNode; testId?: string }) {
  return (
    <Card className="gap-1 py-4">
      <CardContent>
        <p className="text-sm text-muted-foreground">{label}</p>
        <p className="text-2xl font-semibold" data-testid={testId}>
          {value}
        </p>
      </CardContent>
    </Card>
  );
}

/** An SLA figure: it opens the list of the same waits on this page (the inbox has no filter for them). */
function SlaCount({ n, anchor, label, more = false }: { n: number; anchor: string; label: string; more?: boolean }) {
  if (n === 0) return <span>0</span>;
  return (
    <a
      href={`#${anchor}`}
      className="font-medium underline decoration-dotted underline-offset-4 hover:decoration-solid"
      aria-label={`${n}${more ? '+' : ''} ${label}: list them`}
    >
      {n}
      {more ? '+' : ''}
    </a>
  );
}

const KIND_LABELS: Record<string, string> = { first: 'First reply', reopen: 'Reply after reopen', next: 'Next reply', resolution: 'Resolution' };

function SlaList({
  id,
  title,
  items,
  now,
  teamNames,
  truncated,
}: {
  id: string;
  title: string;
  items: RunningSla['items'];
  now: number;
  teamNames: Record<string, string>;
  truncated: boolean;
}) {
  return (
    <section aria-labelledby={`${id}-title`} id={id} className="scroll-mt-4">
      <h3 id={`${id}-title`} className="mb-2 font-medium">
        {title} ({items.length}
        {truncated ? '+' : ''})
      </h3>
      {items.length === 0 ? (
        <p className="text-sm text-muted-foreground">None.</p>
      ) : (
        <ul className="grid gap-2" data-testid={id}>
          {items.map((i) => {
            const due = Date.parse(i.dueAt) - now;
            return (
              <li key={`${i.conversationId}-${i.kind}`} className="flex items-center justify-between gap-3 rounded-md border p-2 text-sm">
                <Link href={`/conversations/${i.conversationId}`} className="underline-offset-4 hover:underline">
                  {KIND_LABELS[i.kind] ?? i.kind} · {i.teamId ? (teamNames[i.teamId] ?? 'a team') : 'no team'} · {i.priority}
                </Link>
                <span className={due <= 0 ? 'font-medium text-destructive' : 'text-muted-foreground'}>
                  {due <= 0 ? `${formatDuration(-due)} over` : `due in ${formatDuration(due)}`}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
