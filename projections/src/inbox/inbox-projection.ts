import { customerSentAt } from '@parley/events';
import type { PgProjection, Sql } from '../runtime/pg-projection.ts';
import type { Projected } from '../runtime/projected-event.ts';
import { INBOX_APPLY_FUNCTION } from './inbox-apply-function.ts';
import { createInboxTables } from './inbox-tables.ts';

export const INBOX_SCHEMA = 'inbox';

/** What `inbox_apply` reads of an event: its data and the envelope fields the handlers use. */
const toRow = (p: Projected) => ({
  t: p.event.type,
  id: p.eventId,
  k: p.orderKey,
  tenant: p.metadata.tenantId,
  at: p.metadata.occurredAt,
  actor: p.metadata.actor.id,
  actorType: p.metadata.actor.type,
  d: p.event.data,
  // Customer time is one TypeScript rule shared with the analytics: computed here rather than mirrored in SQL.
  ...(p.event.type === 'MessageReceived' && { customerAt: new Date(customerSentAt(p.event.data, p.metadata)).toISOString() }),
});

async function applyBatch(sql: Sql, events: readonly Projected[]): Promise<void> {
  if (events.length > 0) await sql.query('SELECT inbox_apply($1::jsonb)', [JSON.stringify(events.map(toRow))]);
}

/** The agents' and supervisors' inbox. */
export const inboxProjection: PgProjection = {
  name: 'inbox',
  schema: INBOX_SCHEMA,
  // 3: customer time (customerSentAt) instead of WhatsApp's raw sentAt; the bump rebuilds existing inboxes.
  // 4: identity (users' active flag, API key hashes) for the query side's authentication.
  // 5: the workers' send outcomes give outbound messages their wamid.
  // 6: teams' business-hours time zone (GET /v1/me: the tenant's default time zone).
  // 7: the tenant's settings: teams' members (with removals), SLA targets, whole business hours.
  // 8: conversation_activity, each conversation's timeline.
  version: 8,
  async createTables(sql) {
    await createInboxTables(sql);
    await sql.query(INBOX_APPLY_FUNCTION);
  },
  apply: (sql, event) => applyBatch(sql, [event]),
  applyBatch,
};
