import type { Metadata } from 'next';
import { Empty } from '@/components/empty';
import { PageHeader } from '@/components/page-header';
import { Card, CardContent } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { queryGet } from '@/lib/api';
import { statusLabel, waitedFor } from '@/lib/format';
import { requirePage } from '@/lib/guard';
import type { ConversationSummary, Page } from '@/lib/types';
import { OPEN_STATUSES } from '@/lib/view-params';

export const metadata: Metadata = { title: 'My stats' };

const LIMIT = 100;

/** An agent's own figures: their open conversations by status, and what they closed. */
export default async function MyStatsPage() {
  const [me, open, closed] = await Promise.all([
    requirePage('mine'),
    queryGet<Page<ConversationSummary>>('/v1/conversations', { assignee: 'me', status: OPEN_STATUSES.join(','), sort: 'longest_waiting', limit: LIMIT }),
    queryGet<Page<ConversationSummary>>('/v1/conversations', { assignee: 'me', status: 'closed', limit: LIMIT }),
  ]);
  const count = (page: Page<ConversationSummary>) => `${page.items.length}${page.nextCursor ? '+' : ''}`;
  const now = Date.now();
  return (
    <>
      <PageHeader title="My stats" description={`${me.name}: the conversations you hold and the ones you closed.`} />
      <div className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Figure label="Open" value={count(open)} />
        <Figure label="Customer waiting for you" value={String(open.items.filter((c) => c.waitingSince).length)} />
        {OPEN_STATUSES.filter((s) => s !== 'new' && s !== 'queued').map((s) => (
          <Figure key={s} label={statusLabel(s)} value={String(open.items.filter((c) => c.status === s).length)} />
        ))}
        <Figure label="Closed by you" value={count(closed)} />
      </div>
      {open.items.length === 0 ? (
        <Empty>You hold no open conversation.</Empty>
      ) : (
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead scope="col">Contact</TableHead>
              <TableHead scope="col">Status</TableHead>
              <TableHead scope="col">Waiting</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {open.items.map((c) => (
              <TableRow key={c.id}>
                <TableHead scope="row">{c.contactName ?? c.contactWaId ?? 'Unknown contact'}</TableHead>
                <TableCell>{statusLabel(c.status)}</TableCell>
                <TableCell>{waitedFor(c.waitingSince, now)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Card className="gap-1 py-4">
      <CardContent>
        <p className="text-sm text-muted-foreground">{label}</p>
        <p className="text-2xl font-semibold">{value}</p>
      </CardContent>
    </Card>
  );
}
