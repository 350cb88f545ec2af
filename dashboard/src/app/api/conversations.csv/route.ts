import { NextResponse } from 'next/server';
import { ApiError, callApi, withSearch } from '@/lib/api';
import { getConfig } from '@/lib/config';
import { inboxSearch } from '@/lib/conversations';
import { toCsv } from '@/lib/csv';
import { getSession } from '@/lib/session';
import type { ConversationSummary, Page } from '@/lib/types';
import { parseView } from '@/lib/view-params';

/** Rows of one export at most: the inbox pages by 100. */
const MAX_ROWS = 5000;
const COLUMNS = [
  'id',
  'contactName',
  'contactWaId',
  'status',
  'priority',
  'teamId',
  'assigneeId',
  'lastAssigneeId',
  'tags',
  'unreadCount',
  'messageCount',
  'openedAt',
  'firstResponseAt',
  'waitingSince',
  'lastActivityAt',
  'closedAt',
  'closeReason',
  'outcome',
  'csatScore',
] as const;

/** The conversations list of a view (its filters, every page) as CSV. */
export async function GET(request: Request) {
  const session = await getSession();
  if (!session.key) return NextResponse.json({ error: 'unauthorized', message: 'sign in first' }, { status: 401 });
  const view = parseView(new URL(request.url).searchParams);
  const rows: ConversationSummary[] = [];
  let cursor: string | undefined;
  try {
    do {
      const page = await callApi<Page<ConversationSummary>>(
        getConfig().queryUrl,
        session.key,
        'GET',
        withSearch('/v1/conversations', { ...inboxSearch({ ...view, cursor }, 100) }),
      );
      rows.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && rows.length < MAX_ROWS);
  } catch (e) {
    if (e instanceof ApiError)
      return NextResponse.json({ error: e.code, message: e.message }, { status: e.status === 401 || e.status === 403 ? e.status : 502 });
    throw e;
  }
  const flat = rows.slice(0, MAX_ROWS).map((r) => ({ ...r, lastMessage: undefined }));
  return new NextResponse(toCsv(COLUMNS, flat), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="conversations-${new Date().toISOString().slice(0, 10)}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
