import { randomUUID } from 'node:crypto';
import type { Metadata } from 'next';
import { Empty } from '@/components/empty';
import { PageHeader } from '@/components/page-header';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { queryGet } from '@/lib/api';
import { requirePage } from '@/lib/guard';
import { mayManageTeams } from '@/lib/pages';
import { timeZones } from '@/lib/time-zones';
import type { TeamSettings, TenantUser } from '@/lib/types';
import type { SearchParamsRecord } from '@/lib/view-params';
import { BusinessHoursForm, CreateTeamForm, MembersSection, SlaForm } from './settings-forms';
import { formatTarget, PRIORITIES } from './settings-shared';

export const metadata: Metadata = { title: 'Settings' };

const POSITION = /^[0-9/]{1,64}$/;
const DONE: Record<string, string> = {
  team: 'Team created.',
  'member-added': 'Member added.',
  'member-removed': 'Member removed.',
  sla: 'SLA targets saved.',
  hours: 'Business hours saved.',
};
/** Roles that join teams (the command API's `joinTeams`): the member picker offers only them. */
const JOINS_TEAMS = new Set(['agent', 'supervisor']);

/**
 * The tenant's settings: teams and their members (admins manage them), and per team the SLA
 * targets and business hours (admins and supervisors edit them, as the command API allows).
 */
export default async function SettingsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const search = await searchParams;
  // After a change: read at its position (read your writes), so the page shows it.
  const at = typeof search.at === 'string' && POSITION.test(search.at) ? search.at : undefined;
  const done = typeof search.done === 'string' ? DONE[search.done] : undefined;
  const me = await requirePage('settings');
  const admin = mayManageTeams(me.role);
  const [teams, users] = await Promise.all([
    queryGet<{ items: TeamSettings[] }>('/v1/teams', { minPosition: at }),
    admin ? queryGet<{ items: TenantUser[] }>('/v1/users', { minPosition: at }) : Promise.resolve({ items: [] as TenantUser[] }),
  ]);
  const formKey = randomUUID();
  const zones = timeZones();

  return (
    <>
      <PageHeader
        title="Settings"
        description={
          admin ? 'Teams and their members, SLA targets and business hours.' : 'SLA targets and business hours of each team. Admins manage teams and members.'
        }
      />
      {done && (
        <Alert className="mb-4" role="status">
          <AlertDescription className="text-foreground">{done}</AlertDescription>
        </Alert>
      )}
      {admin && (
        <Card className="mb-6">
          <CardHeader>
            <CardTitle>
              <h2>New team</h2>
            </CardTitle>
            <CardDescription>Team names are unique, ignoring case.</CardDescription>
          </CardHeader>
          <CardContent>
            <CreateTeamForm formKey={formKey} />
          </CardContent>
        </Card>
      )}
      {teams.items.length === 0 ? (
        <Empty>No teams yet.</Empty>
      ) : (
        <div className="grid gap-6">
          {teams.items.map((team) => {
            const candidates = users.items
              .filter((u) => u.active && JOINS_TEAMS.has(u.role) && !team.members.some((m) => m.userId === u.userId))
              .map((u) => ({ userId: u.userId, name: u.name, role: u.role }));
            const targets = new Map(team.slaPolicies.map((p) => [p.priority, p]));
            return (
              <Card key={team.teamId} id={`team-${team.teamId}`} data-testid={`team-${team.name}`} aria-labelledby={`team-title-${team.teamId}`} role="region">
                <CardHeader>
                  <CardTitle>
                    <h2 id={`team-title-${team.teamId}`} className="text-lg">
                      {team.name}
                    </h2>
                  </CardTitle>
                  <CardDescription>
                    {team.members.length} {team.members.length === 1 ? 'member' : 'members'} ·{' '}
                    {team.businessHours ? `business hours in ${team.businessHours.timeZone}` : 'no business hours'} · first response{' '}
                    {PRIORITIES.map((p) => `${p.label.toLowerCase()} ${formatTarget(targets.get(p.value)?.firstResponseSeconds ?? null)}`).join(', ')}
                  </CardDescription>
                </CardHeader>
                <CardContent className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.4fr)]">
                  <MembersSection team={team} candidates={candidates} formKey={`${formKey}-${team.teamId}`} canManage={admin} />
                  <section aria-labelledby={`sla-${team.teamId}`} className="grid content-start gap-3">
                    <h3 id={`sla-${team.teamId}`} className="font-medium">
                      SLA targets
                    </h3>
                    <SlaForm key={JSON.stringify(team.slaPolicies)} team={team} formKey={`${formKey}-${team.teamId}`} />
                  </section>
                  <section aria-labelledby={`hours-${team.teamId}`} className="grid content-start gap-3 lg:col-span-2">
                    <h3 id={`hours-${team.teamId}`} className="font-medium">
                      Business hours
                    </h3>
                    <BusinessHoursForm key={JSON.stringify(team.businessHours)} team={team} formKey={`${formKey}-${team.teamId}`} timeZones={zones} />
                  </section>
                </CardContent>
              </Card>
            );
          })}
        </div>
      )}
    </>
  );
}
