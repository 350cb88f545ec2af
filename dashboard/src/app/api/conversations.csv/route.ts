import { ApiError, callApi, withSearch } from '@/lib/api';
import { getConfig } from '@/lib/config';
import { inboxSearch } from '@/lib/conversations';
import { toCsv } from '@/lib/csv';
import { csvDownload, refused, refusedBy } from '@/lib/route-responses';
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
  if (!session.key) return refused(401, 'unauthorized', 'sign in first');
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
    if (e instanceof ApiError) return refusedBy(e);
    throw e;
  }
  const flat = rows.slice(0, MAX_ROWS).map((r) => ({ ...r, lastMessage: undefined }));
  return csvDownload(toCsv(COLUMNS, flat), `conversations-${new Date().toISOString().slice(0, 10)}.csv`);
}
