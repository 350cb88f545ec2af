import { createPgPool } from '@parley/events';
import type pg from 'pg';
import { INBOX_SCHEMA } from './inbox-projection.ts';

export { InboxIdentity, type InboxIdentityOptions } from './inbox-identity.ts';
export { inboxProjection } from './inbox-projection.ts';
export { type ConversationFilter, type ConversationSort, InboxQueries } from './inbox-queries.ts';
export {
  ACTIVITY_EVENT_TYPES,
  ActivityEntry,
  ActivityType,
  AgentWorkload,
  Contact,
  ConversationDetail,
  ConversationSummary,
  Me,
  MessageView,
  type Page,
  page,
  TeamQueue,
  TeamSettings,
  TenantUser,
} from './inbox-rows.ts';

/**
 * A pool for the inbox's readers. The schema is named on the connection, not in the SQL:
 * after a rebuild swaps schemas, the next query reads the new tables.
 */
export function inboxReadPool(connectionString: string, max = 10): pg.Pool {
  return createPgPool({ connectionString, max, options: `-c search_path=${INBOX_SCHEMA}` });
}
