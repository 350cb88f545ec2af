import type * as React from 'react';
import { Empty } from '@/components/empty';
import { formatInstant, statusLabel } from '@/lib/format';
import type { ActivityEntry } from '@/lib/types';

/** How the timeline names people and teams: ids resolved on the server, once per page. */
export interface Names {
  person: (userId: string | null) => string;
  team: (teamId: string | null) => string;
  contact: string;
}

const CLOSE_REASONS: Record<string, string> = { no_response: 'no response' };

/** Who did it, from the event's actor: a user by name, the customer, or Parley itself. */
function actorOf(e: ActivityEntry, names: Names): string {
  switch (e.actor.type) {
    case 'agent':
    case 'supervisor':
      return names.person(e.actor.id);
    case 'customer':
      return names.contact;
    case 'bot':
      return 'a bot';
    case 'system':
      return 'Parley';
    default: {
      const never: never = e.actor.type;
      return never;
    }
  }
}

function Message({ e, names }: { e: Extract<ActivityEntry, { type: 'MessageReceived' | 'MessageQueued' }>; names: Names }) {
  const m = e.message;
  const inbound = m.direction === 'inbound';
  const failed = m.statuses.find((s) => s.error);
  return (
    <div className={inbound ? 'mr-8' : 'ml-8'}>
      <p className="text-xs text-muted-foreground">
        {inbound ? names.contact : m.sender.type === 'agent' ? names.person(m.sender.id) : m.sender.type}
        {!inbound && m.status ? <span data-testid="delivery"> · {m.status}</span> : null}
      </p>
      <p className={`rounded-lg px-3 py-2 ${inbound ? 'bg-muted' : 'bg-primary text-primary-foreground'}`}>{m.text ?? `[${m.type}]`}</p>
      {failed?.error && (
        <p className="text-xs text-destructive">
          Not delivered: {failed.error.title} ({failed.error.code})
        </p>
      )}
    </div>
  );
}

/** One entry's words: what happened, by whom, to whom. */
function describe(e: ActivityEntry, names: Names): React.ReactNode {
  const by = actorOf(e, names);
  switch (e.type) {
    case 'ConversationOpened':
      return e.data.origin === 'inbound' ? 'Conversation opened by the customer' : `Conversation opened by ${by}`;
    case 'MessageReceived':
    case 'MessageQueued':
      return null;
    case 'ConversationQueued':
      return `Queued for ${names.team(e.data.teamId)}, ${e.data.priority} priority`;
    case 'ConversationAssigned':
      return `Assigned to ${names.person(e.data.agentId)} by ${by}`;
    case 'ConversationTransferred': {
      const from = e.data.fromAgentId ? names.person(e.data.fromAgentId) : e.data.fromTeamId ? names.team(e.data.fromTeamId) : 'nobody';
      const to = e.data.toAgentId ? names.person(e.data.toAgentId) : `the ${names.team(e.data.toTeamId ?? e.data.fromTeamId)} queue`;
      return (
        <>
          Transferred from {from} to {to}
          {e.data.toAgentId && e.data.toTeamId ? ` (${names.team(e.data.toTeamId)})` : ''} by {by}
          {e.data.note ? <span className="block font-normal text-muted-foreground">“{e.data.note}”</span> : null}
        </>
      );
    }
    case 'ConversationUnassigned':
      return `Unassigned from ${names.person(e.data.agentId)} by ${by}`;
    case 'ConversationStatusChanged':
      return `Status: ${statusLabel(e.data.from)} → ${statusLabel(e.data.to)} (${by})`;
    case 'ConversationPriorityChanged':
      return `Priority: ${e.data.from} → ${e.data.to} (${by})`;
    case 'ConversationTagged':
      return `Tagged “${e.data.tag}” by ${by}`;
    case 'ConversationUntagged':
      return `Tag “${e.data.tag}” removed by ${by}`;
    case 'NoteAdded':
      return null;
    case 'ConversationClosed':
      return `Closed by ${by}: ${CLOSE_REASONS[e.data.reason] ?? e.data.reason}${e.data.outcome ? ` (${e.data.outcome})` : ''}`;
    case 'ConversationReopened':
      return `Reopened (${statusLabel(e.data.to)})`;
    case 'CsatRecorded':
      return (
        <>
          CSAT {e.data.score}/5{e.data.comment ? <span className="block font-normal text-muted-foreground">“{e.data.comment}”</span> : null}
        </>
      );
    default: {
      const never: never = e;
      return never;
    }
  }
}

function Entry({ e, names }: { e: ActivityEntry; names: Names }) {
  if (e.type === 'MessageReceived' || e.type === 'MessageQueued') return <Message e={e} names={names} />;
  if (e.type === 'NoteAdded') {
    return (
      <div className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2">
        <p className="text-xs text-amber-900">Private note · {names.person(e.actor.id)}</p>
        <p className="whitespace-pre-wrap">{e.data.body}</p>
      </div>
    );
  }
  return <p className="text-sm font-medium">{describe(e, names)}</p>;
}

/** A conversation's activity, oldest first, each entry stamped in the view's time zone. */
export function Timeline({ entries, names, tz, more }: { entries: ActivityEntry[]; names: Names; tz: string; more: boolean }) {
  if (entries.length === 0) return <Empty>Nothing yet.</Empty>;
  return (
    <>
      <ol className="grid gap-3" data-testid="timeline">
        {entries.map((e) => (
          <li key={e.id} className="grid gap-1" data-type={e.type}>
            <time dateTime={e.at} className="text-xs text-muted-foreground">
              {formatInstant(e.at, tz)}
            </time>
            <Entry e={e} names={names} />
          </li>
        ))}
      </ol>
      {more && <p className="mt-3 text-sm text-muted-foreground">Only the first {entries.length} entries are shown.</p>}
    </>
  );
}
