import { createHash } from 'node:crypto';
import { type ConversationStatus, deliveryStatusRank, type Priority } from '@parley/events';
import { InvalidCursorError } from '@parley/kit';
import { rolesFor } from '@parley/kit/roles';
import type pg from 'pg';
import { z } from 'zod';
import type {
  ActivityEntry,
  ActivityType,
  AgentWorkload,
  Contact,
  ConversationDetail,
  ConversationSummary,
  Me,
  MessageView,
  Page,
  TeamQueue,
  TeamSettings,
  TenantUser,
} from './inbox-rows.ts';

/**
 * The queries that read the inbox tables. The pool's search_path points at the live
 * schema (see `inboxReadPool`), so a rebuild's swap is picked up by the next query.
 * Every query takes the tenant first and filters on it.
 */

export type ConversationSort = 'last_activity' | 'longest_waiting' | 'priority';

/**
 * Keyset cursors: the sort key of the last row served and its id. Rows are compared by
 * value, never by offset, so inserts and moves elsewhere in the inbox neither repeat nor
 * skip rows that did not move themselves.
 */
/** `f`: a fingerprint of the filters the cursor's pages were computed with. */
const Filters = z.string().max(32);
/**
 * Cursors hold exactly what this module wrote, so a forged one is refused here rather
 * than by PostgreSQL (a 500): instants as toISOString writes them (PostgreSQL refuses
 * offsets past ±15:59 and year 0, which ISO allows), the four priorities' ranks, and
 * order keys as the projector makes them (replayed events' keys are the longest).
 */
const Instant = z.iso.datetime({ precision: 3 }).refine((s) => !s.startsWith('0000-'));
const Rank = z.number().int().min(0).max(3);
const OrderKey = z
  .string()
  .max(100)
  .regex(/^[0-9/]+(\+replay\+[0-9]+)?$/);
const CursorPayload = z.discriminatedUnion('s', [
  z.object({ s: z.literal('last_activity'), f: Filters, at: Instant, id: z.uuid() }),
  z.object({ s: z.literal('longest_waiting'), f: Filters, w: Instant.nullable(), id: z.uuid() }),
  z.object({ s: z.literal('priority'), f: Filters, r: Rank, w: Instant.nullable(), id: z.uuid() }),
  z.object({ s: z.literal('messages'), k: OrderKey, id: z.uuid(), o: z.enum(['asc', 'desc']) }),
  z.object({ s: z.literal('activity'), at: Instant, k: OrderKey, id: z.uuid() }),
]);
type CursorPayload = z.infer<typeof CursorPayload>;

const encodeCursor = (c: CursorPayload) => Buffer.from(JSON.stringify(c)).toString('base64url');

/** Same filters, same fingerprint: a cursor used with other filters would skip or repeat rows. */
const fingerprint = (filter: ConversationFilter): string =>
  createHash('sha256')
    .update(
      JSON.stringify(
        Object.entries(filter)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => a.localeCompare(b)),
      ),
    )
    .digest('base64url')
    .slice(0, 16);

function decodeCursor<S extends CursorPayload['s']>(cursor: string, sort: S): Extract<CursorPayload, { s: S }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is not one this API issued');
  }
  const result = CursorPayload.safeParse(parsed);
  if (!result.success) throw new InvalidCursorError('cursor is not one this API issued');
  if (result.data.s !== sort) throw new InvalidCursorError(`cursor was issued for sort "${result.data.s}", not "${sort}"`);
  return result.data as Extract<CursorPayload, { s: S }>;
}

export interface ConversationFilter {
  status?: readonly ConversationStatus[];
  /** 'unassigned', or an agent's user id ('me' is resolved by the caller). */
  assignee?: string;
  teamId?: string;
  tag?: string;
  priority?: readonly Priority[];
  unread?: boolean;
  /** Full-text search over the conversation's message text. */
  text?: string;
  contactId?: string;
}

interface ConversationRow {
  conversation_id: string;
  contact_id: string;
  contact_name: string | null;
  contact_wa_id: string | null;
  number_id: string;
  status: ConversationStatus;
  priority: Priority;
  priority_rank: number;
  team_id: string | null;
  assignee_id: string | null;
  last_assignee_id: string | null;
  tags: string[];
  unread_count: number;
  message_count: number;
  last_message_preview: string | null;
  last_message_direction: 'inbound' | 'outbound' | null;
  last_message_at: Date | null;
  last_activity_at: Date;
  waiting_since: Date | null;
  opened_at: Date;
  first_inbound_at: Date | null;
  first_response_at: Date | null;
  closed_at: Date | null;
  first_closed_at: Date | null;
  reopened_count: number;
  close_reason: string | null;
  outcome: string | null;
  csat_score: number | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const toSummary = (r: ConversationRow): ConversationSummary => ({
  id: r.conversation_id,
  contactId: r.contact_id,
  contactName: r.contact_name,
  contactWaId: r.contact_wa_id,
  numberId: r.number_id,
  status: r.status,
  priority: r.priority,
  teamId: r.team_id,
  assigneeId: r.assignee_id,
  lastAssigneeId: r.last_assignee_id,
  tags: r.tags,
  unreadCount: r.unread_count,
  messageCount: r.message_count,
  lastMessage:
    r.last_message_at && r.last_message_direction
      ? { preview: r.last_message_preview ?? '', direction: r.last_message_direction, at: r.last_message_at.toISOString() }
      : null,
  lastActivityAt: r.last_activity_at.toISOString(),
  waitingSince: iso(r.waiting_since),
  openedAt: r.opened_at.toISOString(),
  firstInboundAt: iso(r.first_inbound_at),
  firstResponseAt: iso(r.first_response_at),
  closedAt: iso(r.closed_at),
  firstClosedAt: iso(r.first_closed_at),
  reopenedCount: r.reopened_count,
  closeReason: r.close_reason,
  outcome: r.outcome,
  csatScore: r.csat_score,
});

const CONVERSATION_COLUMNS = `c.conversation_id, c.contact_id, k.name AS contact_name, k.wa_id AS contact_wa_id, c.number_id, c.status,
  c.priority, c.priority_rank, c.team_id, c.assignee_id, c.last_assignee_id, c.tags, c.unread_count, c.message_count, c.last_message_preview,
  c.last_message_direction, c.last_message_at, c.last_activity_at, c.waiting_since, c.opened_at, c.first_inbound_at,
  c.first_response_at, c.closed_at, c.first_closed_at, c.reopened_count, c.close_reason, c.outcome, c.csat_score`;

const CONVERSATION_FROM = `conversations c LEFT JOIN contacts k ON k.tenant_id = c.tenant_id AND k.contact_id = c.contact_id`;

/** Keeps SQL and its positional parameters together while a query is assembled. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const INFINITY = 'infinity';

/** A message row with its delivery statuses (`m`: messages), as `toMessage` reads it. */
const MESSAGE_COLUMNS = `m.message_id, m.direction, m.wamid, m.type, m.body, m.content, m.sender_type, m.sender_id, m.sent_at, m.log_key,
  (SELECT coalesce(json_agg(json_build_object('status', s.status, 'at', s.at, 'errorCode', s.error_code,
            'errorTitle', s.error_title, 'errorDetails', s.error_details, 'billable', s.billable, 'category', s.pricing_category)), '[]')
   FROM message_statuses s WHERE s.tenant_id = m.tenant_id AND s.wamid = m.wamid) AS statuses`;

export class InboxQueries {
  constructor(private readonly pool: pg.Pool) {}

  async listConversations(
    tenantId: string,
    filter: ConversationFilter,
    options: { sort: ConversationSort; limit: number; cursor?: string },
  ): Promise<Page<ConversationSummary>> {
    const p = new Params();
    const where = [`c.tenant_id = ${p.add(tenantId)}`];
    if (filter.status?.length) where.push(`c.status = ANY(${p.add(filter.status)}::text[])`);
    // A closed conversation belongs to whoever had it when it closed.
    const holder = `(CASE WHEN c.status = 'closed' THEN c.last_assignee_id ELSE c.assignee_id END)`;
    if (filter.assignee === 'unassigned') where.push(`${holder} IS NULL`);
    else if (filter.assignee) where.push(`${holder} = ${p.add(filter.assignee)}`);
    if (filter.teamId) where.push(`c.team_id = ${p.add(filter.teamId)}`);
    if (filter.tag) where.push(`c.tags @> ARRAY[${p.add(filter.tag)}]::text[]`);
    if (filter.priority?.length) where.push(`c.priority = ANY(${p.add(filter.priority)}::text[])`);
    if (filter.unread === true) where.push('c.unread_count > 0');
    if (filter.unread === false) where.push('c.unread_count = 0');
    if (filter.contactId) where.push(`c.contact_id = ${p.add(filter.contactId)}`);
    if (filter.text) {
      where.push(`EXISTS (SELECT 1 FROM messages m WHERE m.tenant_id = c.tenant_id AND m.conversation_id = c.conversation_id
        AND m.search @@ websearch_to_tsquery('simple', ${p.add(filter.text)}))`);
    }

    const f = fingerprint(filter);
    const cursorFor = <S extends ConversationSort>(sort: S): Extract<CursorPayload, { s: S }> => {
      const c: Extract<CursorPayload, { s: ConversationSort }> = decodeCursor(options.cursor!, sort);
      if (c.f !== f) throw new InvalidCursorError('cursor was issued for other filters: keep the filters while paging');
      return c as Extract<CursorPayload, { s: S }>;
    };
    let order: string;
    switch (options.sort) {
      case 'last_activity': {
        if (options.cursor) {
          const c = cursorFor('last_activity');
          where.push(`(c.last_activity_at, c.conversation_id) < (${p.add(c.at)}::timestamptz, ${p.add(c.id)}::uuid)`);
        }
        order = 'c.last_activity_at DESC, c.conversation_id DESC';
        break;
      }
      case 'longest_waiting': {
        if (options.cursor) {
          const c = cursorFor('longest_waiting');
          where.push(`(coalesce(c.waiting_since, '${INFINITY}'), c.conversation_id) > (${p.add(c.w ?? INFINITY)}::timestamptz, ${p.add(c.id)}::uuid)`);
        }
        order = `coalesce(c.waiting_since, '${INFINITY}'), c.conversation_id`;
        break;
      }
      case 'priority': {
        if (options.cursor) {
          const c = cursorFor('priority');
          where.push(
            `(-c.priority_rank, coalesce(c.waiting_since, '${INFINITY}'), c.conversation_id) > (${p.add(-c.r)}::int, ${p.add(c.w ?? INFINITY)}::timestamptz, ${p.add(c.id)}::uuid)`,
          );
        }
        order = `-c.priority_rank, coalesce(c.waiting_since, '${INFINITY}'), c.conversation_id`;
        break;
      }
    }
    const res = await this.pool.query<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS} FROM ${CONVERSATION_FROM} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${p.add(options.limit + 1)}`,
      p.values,
    );
    const rows = res.rows.slice(0, options.limit);
    const last = rows.at(-1);
    let nextCursor: string | null = null;
    if (res.rows.length > options.limit && last) {
      const w = iso(last.waiting_since);
      nextCursor = encodeCursor(
        options.sort === 'last_activity'
          ? { s: 'last_activity', f, at: last.last_activity_at.toISOString(), id: last.conversation_id }
          : options.sort === 'longest_waiting'
            ? { s: 'longest_waiting', f, w, id: last.conversation_id }
            : { s: 'priority', f, r: last.priority_rank, w, id: last.conversation_id },
      );
    }
    return { items: rows.map(toSummary), nextCursor };
  }

  async conversation(tenantId: string, conversationId: string): Promise<ConversationDetail | null> {
    const res = await this.pool.query<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS} FROM ${CONVERSATION_FROM} WHERE c.tenant_id = $1 AND c.conversation_id = $2`,
      [tenantId, conversationId],
    );
    const row = res.rows[0];
    if (!row) return null;
    const notes = await this.pool.query<{ note_id: string; author_id: string; body: string; created_at: Date }>(
      'SELECT note_id, author_id, body, created_at FROM notes WHERE tenant_id = $1 AND conversation_id = $2 ORDER BY created_at, note_id LIMIT 200',
      [tenantId, conversationId],
    );
    return {
      ...toSummary(row),
      notes: notes.rows.map((n) => ({ id: n.note_id, authorId: n.author_id, body: n.body, createdAt: n.created_at.toISOString() })),
    };
  }

  async messages(
    tenantId: string,
    conversationId: string,
    options: { limit: number; cursor?: string; order: 'asc' | 'desc' },
  ): Promise<Page<MessageView> | null> {
    const exists = await this.pool.query('SELECT 1 FROM conversations WHERE tenant_id = $1 AND conversation_id = $2', [tenantId, conversationId]);
    if (exists.rowCount === 0) return null;
    const p = new Params();
    const where = [`m.tenant_id = ${p.add(tenantId)}`, `m.conversation_id = ${p.add(conversationId)}`];
    if (options.cursor) {
      const c = decodeCursor(options.cursor, 'messages');
      if (c.o !== options.order) throw new InvalidCursorError(`cursor was issued for order "${c.o}", not "${options.order}"`);
      where.push(`(m.log_key, m.message_id) ${options.order === 'asc' ? '>' : '<'} (${p.add(c.k)}, ${p.add(c.id)}::uuid)`);
    }
    const dir = options.order === 'asc' ? 'ASC' : 'DESC';
    const res = await this.pool.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS}
       FROM messages m WHERE ${where.join(' AND ')} ORDER BY m.log_key ${dir}, m.message_id ${dir} LIMIT ${p.add(options.limit + 1)}`,
      p.values,
    );
    const rows = res.rows.slice(0, options.limit);
    const last = rows.at(-1);
    return {
      items: rows.map(toMessage),
      nextCursor: res.rows.length > options.limit && last ? encodeCursor({ s: 'messages', k: last.log_key, id: last.message_id, o: options.order }) : null,
    };
  }

  /**
   * A conversation's timeline, oldest first: its activity events in time order (log order
   * within one instant), messages with their delivery statuses. Null: no such conversation
   * in this tenant.
   */
  async activity(tenantId: string, conversationId: string, options: { limit: number; cursor?: string }): Promise<Page<ActivityEntry> | null> {
    const p = new Params();
    const where = [`a.tenant_id = ${p.add(tenantId)}`, `a.conversation_id = ${p.add(conversationId)}`];
    if (options.cursor) {
      const c = decodeCursor(options.cursor, 'activity');
      where.push(`(a.at, a.log_key, a.event_id) > (${p.add(c.at)}::timestamptz, ${p.add(c.k)}, ${p.add(c.id)}::uuid)`);
    }
    const [exists, res] = await Promise.all([
      this.pool.query('SELECT 1 FROM conversations WHERE tenant_id = $1 AND conversation_id = $2', [tenantId, conversationId]),
      this.pool.query<ActivityRow>(
        `SELECT a.event_id, a.type AS activity_type, a.at, a.log_key AS activity_key, a.actor_type, a.actor_id, a.data, m.message_id IS NOT NULL AS has_message, ${MESSAGE_COLUMNS}
           FROM conversation_activity a
           LEFT JOIN messages m ON m.tenant_id = a.tenant_id AND m.message_id = a.message_id
          WHERE ${where.join(' AND ')}
          ORDER BY a.at, a.log_key, a.event_id LIMIT ${p.add(options.limit + 1)}`,
        p.values,
      ),
    ]);
    if (exists.rowCount === 0) return null;
    const rows = res.rows.slice(0, options.limit);
    const last = rows.at(-1);
    return {
      items: rows.map((r) => ({
        id: r.event_id,
        type: r.activity_type,
        at: r.at.toISOString(),
        actor: { type: r.actor_type, id: r.actor_id },
        data: r.data,
        message: r.has_message ? toMessage(r) : null,
      })),
      nextCursor:
        res.rows.length > options.limit && last ? encodeCursor({ s: 'activity', at: last.at.toISOString(), k: last.activity_key, id: last.event_id }) : null,
    };
  }

  async contact(tenantId: string, contactId: string, conversationLimit = 100): Promise<Contact | null> {
    const res = await this.pool.query<{
      contact_id: string;
      wa_id: string | null;
      whatsapp_user_id: string | null;
      name: string | null;
      first_contact_at: Date | null;
      last_contact_at: Date | null;
      inbound_messages: number;
      outbound_messages: number;
      conversations: number;
      tags: string[];
    }>(
      `SELECT contact_id, wa_id, whatsapp_user_id, name, first_contact_at, last_contact_at, inbound_messages, outbound_messages, conversations, tags
       FROM contacts WHERE tenant_id = $1 AND contact_id = $2`,
      [tenantId, contactId],
    );
    const k = res.rows[0];
    if (!k) return null;
    const history = await this.pool.query<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS} FROM ${CONVERSATION_FROM} WHERE c.tenant_id = $1 AND c.contact_id = $2 ORDER BY c.opened_at DESC, c.conversation_id DESC LIMIT $3`,
      [tenantId, contactId, conversationLimit],
    );
    return {
      id: k.contact_id,
      waId: k.wa_id,
      whatsappUserId: k.whatsapp_user_id,
      name: k.name,
      tags: k.tags,
      firstContactAt: iso(k.first_contact_at),
      lastContactAt: iso(k.last_contact_at),
      messages: { inbound: k.inbound_messages, outbound: k.outbound_messages },
      conversationCount: k.conversations,
      conversations: history.rows.map(toSummary),
    };
  }

  /**
   * Who a key belongs to, with the tenant's teams and its default time zone: the tenant
   * itself has none (no event carries one), so it is the business-hours zone of the first
   * team, by name, that has business hours, else UTC. Null: no such user.
   */
  async me(tenantId: string, userId: string): Promise<Me | null> {
    const [user, teams] = await Promise.all([
      this.pool.query<{ tenant_name: string; name: string; email: string; role: Me['role'] }>(
        `SELECT t.name AS tenant_name, u.name, u.email, u.role
           FROM users u JOIN tenants t ON t.tenant_id = u.tenant_id
          WHERE u.tenant_id = $1 AND u.user_id = $2`,
        [tenantId, userId],
      ),
      this.pool.query<{ team_id: string; name: string; time_zone: string | null }>(
        'SELECT team_id, name, time_zone FROM teams WHERE tenant_id = $1 ORDER BY name, team_id',
        [tenantId],
      ),
    ]);
    const u = user.rows[0];
    if (!u) return null;
    const zoned = teams.rows.find((t) => t.time_zone !== null);
    return {
      tenantId,
      tenantName: u.tenant_name,
      userId,
      name: u.name,
      email: u.email,
      role: u.role,
      timeZone: zoned?.time_zone ?? 'UTC',
      timeZoneSource: zoned ? 'business-hours' : 'default',
      teams: teams.rows.map((t) => ({ teamId: t.team_id, name: t.name, timeZone: t.time_zone })),
    };
  }

  /** The tenant's teams (by name) with their members, SLA targets and business hours: the settings as last set. */
  async teams(tenantId: string): Promise<TeamSettings[]> {
    const res = await this.pool.query<{
      team_id: string;
      name: string;
      time_zone: string | null;
      periods: NonNullable<TeamSettings['businessHours']>['periods'] | null;
      holidays: string[] | null;
      members: TeamSettings['members'];
      sla: TeamSettings['slaPolicies'];
    }>(
      `SELECT t.team_id, t.name, t.time_zone, t.periods, t.holidays,
              coalesce((SELECT json_agg(json_build_object('userId', u.user_id, 'name', u.name, 'role', u.role, 'active', u.active) ORDER BY lower(u.name), u.user_id)
                          FROM team_members m JOIN users u ON u.tenant_id = m.tenant_id AND u.user_id = m.user_id
                         WHERE m.tenant_id = t.tenant_id AND m.team_id = t.team_id AND m.member), '[]') AS members,
              coalesce((SELECT json_agg(json_build_object('priority', p.priority, 'firstResponseSeconds', p.first_response_seconds,
                                'nextResponseSeconds', p.next_response_seconds, 'resolutionSeconds', p.resolution_seconds)
                          ORDER BY array_position(ARRAY['low', 'normal', 'high', 'urgent'], p.priority))
                          FROM sla_policies p WHERE p.tenant_id = t.tenant_id AND p.team_id = t.team_id), '[]') AS sla
         FROM teams t WHERE t.tenant_id = $1 ORDER BY t.name, t.team_id`,
      [tenantId],
    );
    return res.rows.map((r) => ({
      teamId: r.team_id,
      name: r.name,
      members: r.members,
      slaPolicies: r.sla,
      businessHours: r.time_zone === null ? null : { timeZone: r.time_zone, periods: r.periods ?? [], holidays: r.holidays ?? [] },
    }));
  }

  /** Every user of the tenant, deactivated ones too, by name (ignoring case), with the teams they are in. */
  async users(tenantId: string): Promise<TenantUser[]> {
    const res = await this.pool.query<{ user_id: string; name: string; email: string; role: TenantUser['role']; active: boolean; teams: string[] }>(
      `SELECT u.user_id, u.name, u.email, u.role, u.active,
              coalesce((SELECT array_agg(m.team_id ORDER BY m.team_id) FROM team_members m
                         WHERE m.tenant_id = u.tenant_id AND m.user_id = u.user_id AND m.member), '{}') AS teams
         FROM users u WHERE u.tenant_id = $1 ORDER BY lower(u.name), u.user_id`,
      [tenantId],
    );
    return res.rows.map((r) => ({ userId: r.user_id, name: r.name, email: r.email, role: r.role, active: r.active, teamIds: r.teams }));
  }

  /** Per team: the live queue (waiting for an agent) and the open conversations by status. */
  async queues(tenantId: string): Promise<TeamQueue[]> {
    const res = await this.pool.query<{ team_id: string | null; team_name: string | null; status: ConversationStatus; n: string; oldest: Date | null }>(
      `SELECT c.team_id, t.name AS team_name, c.status, count(*) AS n,
              min(CASE WHEN c.status IN ('new', 'queued') THEN coalesce(c.waiting_since, c.opened_at) END) AS oldest
       FROM conversations c LEFT JOIN teams t ON t.tenant_id = c.tenant_id AND t.team_id = c.team_id
       WHERE c.tenant_id = $1 AND c.status <> 'closed'
       GROUP BY c.team_id, t.name, c.status`,
      [tenantId],
    );
    const teams = await this.pool.query<{ team_id: string; name: string }>('SELECT team_id, name FROM teams WHERE tenant_id = $1 ORDER BY name', [tenantId]);
    type Queue = {
      teamId: string | null;
      teamName: string | null;
      waiting: number;
      oldestWaitingSince: string | null;
      open: number;
      byStatus: Record<Exclude<ConversationStatus, 'closed'>, number>;
    };
    const empty = (teamId: string | null, teamName: string | null): Queue => ({
      teamId,
      teamName,
      waiting: 0,
      oldestWaitingSince: null,
      open: 0,
      byStatus: { new: 0, queued: 0, assigned: 0, pending_customer: 0, pending_agent: 0 },
    });
    const byTeam = new Map<string | null, Queue>(teams.rows.map((t) => [t.team_id, empty(t.team_id, t.name)]));
    for (const r of res.rows) {
      let q = byTeam.get(r.team_id);
      if (!q) byTeam.set(r.team_id, (q = empty(r.team_id, r.team_name)));
      const n = Number(r.n);
      if (r.status === 'closed') continue;
      q.byStatus[r.status] += n;
      q.open += n;
      if (r.status === 'new' || r.status === 'queued') {
        q.waiting += n;
        const oldest = iso(r.oldest);
        if (oldest && (!q.oldestWaitingSince || oldest < q.oldestWaitingSince)) q.oldestWaitingSince = oldest;
      }
    }
    return [...byTeam.values()];
  }

  /**
   * Open conversations per user who can hold one (agents, supervisors, admins). With a
   * team: that team's members, counting only that team's conversations.
   */
  async workload(tenantId: string, teamId?: string): Promise<AgentWorkload[]> {
    const res = await this.pool.query<{
      user_id: string;
      name: string;
      role: string;
      teams: string[];
      open: string;
      awaiting_reply: string;
      oldest_waiting: Date | null;
      by_status: Record<string, number> | null;
    }>(
      `SELECT u.user_id, u.name, u.role,
              coalesce((SELECT array_agg(m.team_id ORDER BY m.team_id) FROM team_members m WHERE m.tenant_id = u.tenant_id AND m.user_id = u.user_id AND m.member), '{}') AS teams,
              count(c.conversation_id) AS open,
              count(c.waiting_since) AS awaiting_reply,
              min(c.waiting_since) AS oldest_waiting,
              (SELECT json_object_agg(s.status, s.n) FROM (SELECT status, count(*) AS n FROM conversations x
                 WHERE x.tenant_id = u.tenant_id AND x.assignee_id = u.user_id AND x.status <> 'closed'
                   AND ($2::uuid IS NULL OR x.team_id = $2) GROUP BY status) s) AS by_status
       FROM users u
       LEFT JOIN conversations c ON c.tenant_id = u.tenant_id AND c.assignee_id = u.user_id AND c.status <> 'closed'
         AND ($2::uuid IS NULL OR c.team_id = $2)
       WHERE u.tenant_id = $1 AND u.role = ANY($3::text[])
         AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM team_members m WHERE m.tenant_id = u.tenant_id AND m.user_id = u.user_id AND m.team_id = $2 AND m.member))
       GROUP BY u.tenant_id, u.user_id, u.name, u.role
       ORDER BY count(c.conversation_id) DESC, u.name`,
      [tenantId, teamId ?? null, rolesFor('workConversations')],
    );
    return res.rows.map((r) => ({
      agentId: r.user_id,
      name: r.name,
      role: r.role,
      teamIds: r.teams,
      open: Number(r.open),
      awaitingReply: Number(r.awaiting_reply),
      oldestWaitingSince: iso(r.oldest_waiting),
      byStatus: r.by_status ?? {},
    }));
  }
}

interface MessageRow {
  message_id: string;
  direction: 'inbound' | 'outbound';
  wamid: string | null;
  type: string;
  body: string | null;
  content: Record<string, unknown>;
  sender_type: string;
  sender_id: string;
  sent_at: Date;
  log_key: string;
  statuses: {
    status: string;
    at: string;
    errorCode: number | null;
    errorTitle: string | null;
    errorDetails: string | null;
    billable: boolean | null;
    category: string | null;
  }[];
}

interface ActivityRow extends MessageRow {
  event_id: string;
  /** Not `type`: the message's columns have one. */
  activity_type: ActivityType;
  at: Date;
  activity_key: string;
  actor_type: ActivityEntry['actor']['type'];
  actor_id: string;
  data: Record<string, unknown>;
  has_message: boolean;
}

const toMessage = (r: MessageRow): MessageView => {
  const statuses = r.statuses
    .map((s) => ({
      status: s.status,
      at: new Date(s.at).toISOString(),
      error: s.errorCode === null ? null : { code: s.errorCode, title: s.errorTitle ?? '', details: s.errorDetails },
      pricing: s.billable === null && s.category === null ? null : { billable: s.billable, category: s.category },
    }))
    // In the order they happened, whatever order WhatsApp posted them in. WhatsApp stamps
    // whole seconds (our own acceptance of a send has milliseconds): within one second,
    // lifecycle order.
    .sort(
      (a, b) => a.at.slice(0, 19).localeCompare(b.at.slice(0, 19)) || deliveryStatusRank(a.status) - deliveryStatusRank(b.status) || a.at.localeCompare(b.at),
    );
  const furthest = statuses.reduce<string | null>((best, s) => (deliveryStatusRank(s.status) > (best ? deliveryStatusRank(best) : 0) ? s.status : best), null);
  return {
    id: r.message_id,
    direction: r.direction,
    wamid: r.wamid,
    type: r.type,
    text: r.body,
    content: r.content,
    sender: { type: r.sender_type, id: r.sender_id },
    sentAt: r.sent_at.toISOString(),
    status: furthest ?? (r.direction === 'outbound' ? 'queued' : null),
    statuses,
  };
};
