import { customerSentAt } from '@parley/events';
import type { Generated, GeneratedTeam } from '../../../testing/conversation-generator.ts';

/**
 * The SLA figures computed a second time, in plain TypeScript, independently of the
 * projector: its own fold of the events, and business time counted minute by minute
 * on the local clock (instead of the projector's interval arithmetic).
 */

type Calendar = NonNullable<GeneratedTeam['calendar']>;

const offsetCache = new Map<string, number>();
function offsetMs(t: number, tz: string): number {
  const hourKey = `${tz}|${Math.floor(t / 3600_000)}`;
  const hit = offsetCache.get(hourKey);
  if (hit !== undefined) return hit;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })
      .formatToParts(new Date(t))
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
  const off = local - Math.floor(t / 60_000) * 60_000;
  offsetCache.set(hourKey, off);
  return off;
}

const hm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

/** Is the team open during the minute that starts at t (UTC ms, minute-aligned)? */
function isOpen(cal: Calendar, t: number): boolean {
  const local = t + offsetMs(t, cal.timeZone);
  const day = Math.floor(local / 86_400_000);
  const minute = Math.floor((local % 86_400_000) / 60_000);
  const dateOf = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
  const weekday = (d: number) => (new Date(d * 86_400_000).getUTCDay() + 6) % 7;
  for (const p of cal.periods) {
    const open = hm(p.open);
    const close = hm(p.close);
    const overnight = close <= open;
    if (p.day === weekday(day) && !cal.holidays.includes(dateOf(day)) && minute >= open && (overnight || minute < close)) return true;
    if (overnight && p.day === weekday(day - 1) && !cal.holidays.includes(dateOf(day - 1)) && minute < close) return true;
  }
  return false;
}

export function businessSeconds(cal: Calendar | null, from: number, to: number): number {
  if (to <= from) return 0;
  if (!cal) return Math.floor((to - from) / 1000);
  let ms = 0;
  for (let m = Math.floor(from / 60_000) * 60_000; m < to; m += 60_000) {
    if (isOpen(cal, m)) ms += Math.min(m + 60_000, to) - Math.max(m, from);
  }
  return Math.floor(ms / 1000);
}

export function dueAt(cal: Calendar | null, from: number, targetSeconds: number): number | null {
  if (!cal) return from + targetSeconds * 1000;
  let left = targetSeconds * 1000;
  for (let m = Math.floor(from / 60_000) * 60_000; m < from + 400 * 86_400_000; m += 60_000) {
    if (!isOpen(cal, m)) continue;
    const a = Math.max(m, from);
    const span = m + 60_000 - a;
    if (span >= left) return a + left;
    left -= span;
  }
  return null;
}

export interface RefEpisode {
  tenantId: string;
  conversationId: string;
  /** 1, 2, … in the order the waits started. */
  no: number;
  kind: 'first' | 'reopen' | 'next';
  startedAt: number;
  endedAt: number | null;
  responded: boolean;
  agentId: string | null;
  teamId: string | null;
  priority: string;
  wall: number | null;
  business: number | null;
  target: number | null;
  due: number | null;
  met: boolean;
  breached: boolean;
}
export interface RefConversation {
  tenantId: string;
  conversationId: string;
  teamId: string | null;
  priority: string;
  openedAt: number;
  closed: boolean;
  /** The last close; null while open. */
  closedAt: number | null;
  handledBy: string | null;
  csat: number | null;
  fullWall: number | null;
  fullBusiness: number | null;
  firstWall: number | null;
  firstBusiness: number | null;
  target: number | null;
  due: number | null;
  met: boolean;
  breached: boolean;
  firstQueuedAt: number | null;
  firstAssignedAt: number | null;
  /** ms open with an assignee, over finished holds; the running hold starts at holdingSince. */
  handleMs: number;
  holdingSince: number | null;
}

export function referenceFold(gen: Generated) {
  const teams = new Map<string, GeneratedTeam>();
  for (const tenant of gen.tenants) for (const team of tenant.teams) teams.set(team.teamId, team);
  const nowMs = gen.now.getTime();
  interface Conv {
    tenantId: string;
    id: string;
    team: string | null;
    priority: string;
    assignee: string | null;
    assigneeAtClose: string | null;
    opened: number;
    firstClose: number | null;
    lastClose: number | null;
    closed: boolean;
    csat: number | null;
    bot: boolean;
    handed: boolean;
    firstQueued: number | null;
    firstAssigned: number | null;
    handleMs: number;
    holdSince: number | null;
    waits: { kind: RefEpisode['kind']; start: number; end: number | null; responded: boolean; agent: string | null; team: string | null; priority: string }[];
  }
  const convs = new Map<string, Conv>();
  /** team and agent: who had the conversation then (the sender, for an agent's message). */
  const volumes: { tenantId: string; at: number; direction: string; type: string; team: string | null; agent: string | null }[] = [];
  for (const { event, metadata } of gen.events) {
    const at = Date.parse(metadata.occurredAt);
    if (event.type === 'ConversationOpened') {
      convs.set(event.data.conversationId, {
        tenantId: metadata.tenantId,
        id: event.data.conversationId,
        team: null,
        priority: 'normal',
        assignee: null,
        assigneeAtClose: null,
        opened: at,
        firstClose: null,
        lastClose: null,
        closed: false,
        csat: null,
        bot: false,
        handed: false,
        waits: [],
        firstQueued: null,
        firstAssigned: null,
        handleMs: 0,
        holdSince: null,
      });
      continue;
    }
    const id = (event.data as { conversationId?: string | null }).conversationId;
    const c = id ? convs.get(id) : undefined;
    if (event.type === 'MessageReceived') {
      volumes.push({ tenantId: metadata.tenantId, at, direction: 'inbound', type: event.data.content.type, team: c?.team ?? null, agent: c?.assignee ?? null });
    }
    if (event.type === 'MessageQueued') {
      const sender = event.data.senderType === 'agent' ? metadata.actor.id : null;
      volumes.push({
        tenantId: metadata.tenantId,
        at,
        direction: 'outbound',
        type: event.data.content.type,
        team: c?.team ?? null,
        agent: sender ?? c?.assignee ?? null,
      });
    }
    if (!c) continue;
    const startHold = () => {
      if (!c.closed && c.assignee !== null) c.holdSince ??= at;
    };
    const endHold = () => {
      if (c.holdSince !== null) c.handleMs += at - c.holdSince;
      c.holdSince = null;
    };
    const open = c.waits.find((w) => w.end === null);
    switch (event.type) {
      case 'MessageReceived':
        // Customer time is a rule of its own (docs/metrics.md, "Time"), shared rather than re-derived here.
        if (!open && !c.closed) {
          c.waits.push({
            kind: c.waits.length ? 'next' : 'first',
            start: customerSentAt(event.data, metadata),
            end: null,
            responded: false,
            agent: null,
            team: c.team,
            priority: c.priority,
          });
        }
        break;
      case 'MessageQueued':
        if (event.data.senderType === 'bot' && !c.handed) c.bot = true;
        if (event.data.senderType === 'agent' && open)
          Object.assign(open, { end: at, responded: true, agent: metadata.actor.id, team: c.team, priority: c.priority });
        break;
      case 'ConversationQueued':
      case 'ConversationAssigned':
        if (event.type === 'ConversationQueued') {
          c.team = event.data.teamId;
          c.priority = event.data.priority;
          c.firstQueued ??= at;
        } else {
          c.assignee = event.data.agentId;
          if (event.data.teamId) c.team = event.data.teamId;
          c.firstAssigned ??= at;
          startHold();
        }
        if (!c.handed) {
          c.handed = true;
          if (c.bot && open && open.kind === 'first') open.start = at;
        }
        if (open) Object.assign(open, { team: c.team, priority: c.priority });
        break;
      case 'ConversationTransferred':
        c.assignee = event.data.toAgentId;
        if (event.data.toTeamId) c.team = event.data.toTeamId;
        if (c.assignee === null) endHold();
        else {
          c.firstAssigned ??= at;
          startHold();
        }
        if (open) Object.assign(open, { team: c.team, priority: c.priority });
        break;
      case 'ConversationPriorityChanged':
        c.priority = event.data.to;
        if (open) open.priority = c.priority;
        break;
      case 'ConversationClosed':
        c.closed = true;
        c.firstClose ??= at;
        c.lastClose = at;
        c.assigneeAtClose = c.assignee;
        c.assignee = null;
        endHold();
        if (open) open.end = at;
        break;
      case 'ConversationReopened':
        c.closed = false;
        c.assignee = c.assigneeAtClose;
        startHold();
        c.waits.push({ kind: 'reopen', start: at, end: null, responded: false, agent: null, team: c.team, priority: c.priority });
        break;
      case 'CsatRecorded':
        c.csat = event.data.score;
        break;
      default:
        break;
    }
  }

  const episodes: RefEpisode[] = [];
  const conversations: RefConversation[] = [];
  for (const c of convs.values()) {
    for (const [i, w] of c.waits.entries()) {
      const team = w.team ? teams.get(w.team) : undefined;
      const cal = team?.calendar ?? null;
      const policy = team?.policies[w.priority as 'normal'];
      const target = policy ? (w.kind === 'next' ? policy.nextResponseSeconds : policy.firstResponseSeconds) : null;
      const measured = w.responded && w.end !== null;
      const business = measured ? businessSeconds(cal, w.start, w.end!) : null;
      const due = target === null ? null : dueAt(cal, w.start, target);
      const met = target !== null && measured && business! <= target;
      const breached = target !== null && ((measured && business! > target) || (!w.responded && due !== null && (w.end ?? nowMs) > due));
      episodes.push({
        tenantId: c.tenantId,
        conversationId: c.id,
        no: i + 1,
        kind: w.kind,
        startedAt: w.start,
        endedAt: w.end,
        responded: w.responded,
        agentId: w.agent,
        teamId: w.team,
        priority: w.priority,
        wall: measured ? Math.floor((w.end! - w.start) / 1000) : null,
        business,
        target,
        due,
        met,
        breached,
      });
    }
    const team = c.team ? teams.get(c.team) : undefined;
    const cal = team?.calendar ?? null;
    const target = team?.policies[c.priority as 'normal']?.resolutionSeconds ?? null;
    const fullEnd = c.closed ? c.lastClose : null;
    const fullBusiness = fullEnd === null ? null : businessSeconds(cal, c.opened, fullEnd);
    const due = target === null ? null : dueAt(cal, c.opened, target);
    conversations.push({
      tenantId: c.tenantId,
      conversationId: c.id,
      teamId: c.team,
      priority: c.priority,
      openedAt: c.opened,
      closed: c.closed,
      closedAt: fullEnd,
      handledBy: c.closed ? c.assigneeAtClose : c.assignee,
      csat: c.csat,
      fullWall: fullEnd === null ? null : Math.floor((fullEnd - c.opened) / 1000),
      fullBusiness,
      firstWall: c.firstClose === null ? null : Math.floor((c.firstClose - c.opened) / 1000),
      firstBusiness: c.firstClose === null ? null : businessSeconds(cal, c.opened, c.firstClose),
      target,
      due,
      firstQueuedAt: c.firstQueued,
      firstAssignedAt: c.firstAssigned,
      handleMs: c.handleMs,
      holdingSince: c.holdSince,
      met: target !== null && c.closed && fullBusiness! <= target,
      breached: target !== null && ((c.closed && fullBusiness! > target) || (!c.closed && due !== null && nowMs > due)),
    });
  }
  return { episodes, conversations, volumes };
}

/** ClickHouse's quantileExact: the value at rank floor(p·n) of the sorted values. */
export function exactQuantile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Local calendar date of an instant in a zone. */
export const localDate = (t: number, tz: string) => new Date(t + offsetMs(t, tz)).toISOString().slice(0, 10);
export const localHour = (t: number, tz: string) => new Date(t + offsetMs(t, tz)).toISOString().slice(0, 13).replace('T', ' ') + ':00:00';
