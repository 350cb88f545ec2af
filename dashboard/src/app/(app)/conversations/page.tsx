import type { Metadata } from 'next';
import Link from 'next/link';
import { Empty } from '@/components/empty';
import { FilterBar } from '@/components/filter-bar';
import { PageHeader } from '@/components/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { queryGet, queryGetIfAllowed } from '@/lib/api';
import { inboxSearch } from '@/lib/conversations';
import { formatInstant, statusLabel, waitedFor } from '@/lib/format';
import { requirePage } from '@/lib/guard';
import type { AgentWorkload, ConversationSummary, Page } from '@/lib/types';
import { inboxSort, OPEN_STATUSES, parseView, type SearchParamsRecord, STATUSES, viewSearch } from '@/lib/view-params';

export const metadata: Metadata = { title: 'Conversations' };

const STATUS_CHOICES = [
  { value: '', label: 'Any status' },
  { value: OPEN_STATUSES.join(','), label: 'Open (any)' },
  { value: 'new,queued', label: 'Waiting for an agent' },
  ...STATUSES.map((s) => ({ value: s, label: statusLabel(s) })),
];

/** The inbox for supervisors: the query API's filters and search, paged by its cursors. */
export default async function ConversationsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const view = parseView(await searchParams);
  const [me, page, people] = await Promise.all([
    requirePage('conversations'),
    queryGet<Page<ConversationSummary>>('/v1/conversations', inboxSearch(view)),
    // Names for the agent filter and the assignee column; only roles that watch queues may list workload.
    queryGetIfAllowed<{ items: AgentWorkload[] }>('/v1/supervisor/workload', undefined, { items: [] }),
  ]);
  const tz = view.tz ?? me.timeZone;
  const names = new Map(people.items.map((a) => [a.agentId, a.name]));
  const teams = new Map(me.teams.map((t) => [t.teamId, t.name]));
  const now = Date.now();
  const statusValue = view.status?.join(',') ?? '';
  const search = viewSearch(view);
  return (
    <>
      <PageHeader title="Conversations" description="Every conversation of the tenant, filtered and searched as the inbox does.">
        <Button asChild variant="outline" size="sm">
          <a href={`/api/conversations.csv${viewSearch(view, { cursor: undefined })}`} download>
            Export CSV
          </a>
        </Button>
      </PageHeader>
      <FilterBar show={['team', 'agent', 'tz']} defaultTimeZone={me.timeZone} teams={me.teams} agents={people.items}>
        <div className="grid gap-1.5">
          <Label htmlFor="f-status">Status</Label>
          <NativeSelect id="f-status" name="status" defaultValue={STATUS_CHOICES.some((c) => c.value === statusValue) ? statusValue : ''} className="w-52">
            {STATUS_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="f-sort">Sort</Label>
          <NativeSelect id="f-sort" name="sort" defaultValue={inboxSort(view)} className="w-44">
            <option value="last_activity">Latest activity</option>
            <option value="longest_waiting">Longest waiting</option>
            <option value="priority">Priority</option>
          </NativeSelect>
        </div>
        <div className="grid min-w-48 flex-1 gap-1.5">
          <Label htmlFor="f-q">Search messages</Label>
          <Input id="f-q" name="q" type="search" defaultValue={view.q ?? ''} placeholder='invoice 4711, "exact phrase", refund or return' />
        </div>
      </FilterBar>

      {page.items.length === 0 ? (
        <Empty>{view.cursor ? 'No more conversations.' : 'No conversation matches these filters.'}</Empty>
      ) : (
        <Table data-testid="conversations">
          <TableHeader>
            <TableRow>
              <TableHead scope="col">Contact</TableHead>
              <TableHead scope="col">Status</TableHead>
              <TableHead scope="col">Priority</TableHead>
              <TableHead scope="col">Team</TableHead>
              <TableHead scope="col">Agent</TableHead>
              <TableHead scope="col">Last message</TableHead>
              <TableHead scope="col">Waiting</TableHead>
              <TableHead scope="col">Last activity</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {page.items.map((c) => {
              const agent = c.assigneeId ?? c.lastAssigneeId;
              return (
                <TableRow key={c.id}>
                  <TableHead scope="row" className="font-medium">
                    <Link href={`/conversations/${c.id}${search}`} className="underline-offset-4 hover:underline">
                      {c.contactName ?? c.contactWaId ?? 'Unknown contact'}
                    </Link>
                    {c.unreadCount > 0 && (
                      <Badge variant="secondary" className="ml-2">
                        {c.unreadCount} unread
                      </Badge>
                    )}
                  </TableHead>
                  <TableCell>
                    <Badge variant="outline">{statusLabel(c.status)}</Badge>
                  </TableCell>
                  <TableCell>{c.priority}</TableCell>
                  <TableCell>{c.teamId ? (teams.get(c.teamId) ?? '—') : '—'}</TableCell>
                  <TableCell>{agent ? (names.get(agent) ?? 'an agent') : '—'}</TableCell>
                  <TableCell className="max-w-64 truncate">{c.lastMessage?.preview ?? '—'}</TableCell>
                  <TableCell>{c.waitingSince ? waitedFor(c.waitingSince, now) : '—'}</TableCell>
                  <TableCell>{formatInstant(c.lastActivityAt, tz)}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
      <nav aria-label="Pages" className="mt-4 flex gap-3">
        {view.cursor && (
          <Button asChild variant="outline">
            <Link href={`/conversations${viewSearch(view, { cursor: undefined })}`}>First page</Link>
          </Button>
        )}
        {page.nextCursor && (
          <Button asChild variant="outline">
            <Link href={`/conversations${viewSearch(view, { cursor: page.nextCursor })}`}>Next page</Link>
          </Button>
        )}
      </nav>
    </>
  );
}
