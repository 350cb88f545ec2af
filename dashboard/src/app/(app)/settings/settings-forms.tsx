'use client';

import { XIcon } from 'lucide-react';
import type * as React from 'react';
import { startTransition, useActionState, useId, useState } from 'react';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import type { BusinessHours, SlaPolicy, TeamSettings } from '@/lib/types';
import { changeMember, createTeam, type SettingsActionState, setBusinessHours, setSlaTargets } from './actions';
import { inUnits, PRIORITIES, WEEKDAYS } from './settings-shared';

type Action = (previous: SettingsActionState, form: FormData) => Promise<SettingsActionState>;

/** The API's reason (or the form's own), next to the form that caused it. */
function FormError({ error, id }: { error: string | null; id: string }) {
  if (!error) return null;
  return (
    <Alert variant="destructive" id={id}>
      <AlertDescription className="text-destructive">{error}</AlertDescription>
    </Alert>
  );
}

/** A form posting to a server action, with its idempotency key; submitting twice is one change. */
function ActionForm({
  action,
  idempotencyKey,
  label,
  submit,
  className,
  disabled = false,
  children,
}: {
  action: Action;
  idempotencyKey: string;
  label: string;
  submit: string;
  className?: string;
  /** Nothing to submit (an empty picker). */
  disabled?: boolean;
  children: React.ReactNode;
}) {
  const [state, formAction, pending] = useActionState<SettingsActionState, FormData>(action, { error: null });
  const errorId = useId();
  return (
    <form
      // Submitted by hand rather than through `action`: React resets a form after its action,
      // and a refused value must stay in the form so that it can be corrected.
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        startTransition(() => formAction(data));
      }}
      aria-label={label}
      aria-describedby={state.error ? errorId : undefined}
      className={className ?? 'grid gap-3'}
    >
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      {children}
      <FormError error={state.error} id={errorId} />
      <Button type="submit" disabled={pending || disabled} className="w-fit">
        {pending ? 'Saving…' : submit}
      </Button>
    </form>
  );
}

export function CreateTeamForm({ formKey }: { formKey: string }) {
  return (
    <ActionForm action={createTeam} idempotencyKey={`${formKey}-team`} label="Create a team" submit="Create team" className="flex flex-wrap items-end gap-3">
      <div className="grid min-w-56 flex-1 gap-2">
        <Label htmlFor="new-team-name">Team name</Label>
        <Input id="new-team-name" name="name" required maxLength={200} autoComplete="off" />
      </div>
    </ActionForm>
  );
}

/** A member with a Remove button (admins), or just their name. */
function MemberRow({ team, member, formKey, canManage }: { team: TeamSettings; member: TeamSettings['members'][number]; formKey: string; canManage: boolean }) {
  const [state, formAction, pending] = useActionState<SettingsActionState, FormData>(changeMember, { error: null });
  const errorId = useId();
  return (
    <li className="grid gap-1 py-2">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{member.name}</span>
        <Badge variant="secondary">{member.role}</Badge>
        {!member.active && <Badge variant="warning">deactivated</Badge>}
        {canManage && (
          <form action={formAction} className="ml-auto">
            <input type="hidden" name="idempotencyKey" value={`${formKey}-remove-${member.userId}`} />
            <input type="hidden" name="change" value="remove" />
            <input type="hidden" name="teamId" value={team.teamId} />
            <input type="hidden" name="userId" value={member.userId} />
            <Button type="submit" variant="outline" size="sm" disabled={pending} aria-label={`Remove ${member.name} from ${team.name}`}>
              <XIcon aria-hidden="true" />
              {pending ? 'Removing…' : 'Remove'}
            </Button>
          </form>
        )}
      </div>
      <FormError error={state.error} id={errorId} />
    </li>
  );
}

export function MembersSection({
  team,
  candidates,
  formKey,
  canManage,
}: {
  team: TeamSettings;
  /** Users who may join and are not members yet (admins only; empty otherwise). */
  candidates: { userId: string; name: string; role: string }[];
  formKey: string;
  canManage: boolean;
}) {
  const selectId = `add-member-${team.teamId}`;
  return (
    <section aria-labelledby={`members-${team.teamId}`} className="grid content-start gap-3">
      <h3 id={`members-${team.teamId}`} className="font-medium">
        Members
      </h3>
      {team.members.length === 0 ? (
        <p className="text-sm text-muted-foreground">No members yet.</p>
      ) : (
        <ul className="divide-y text-sm" data-testid={`members-${team.name}`}>
          {team.members.map((m) => (
            <MemberRow key={m.userId} team={team} member={m} formKey={formKey} canManage={canManage} />
          ))}
        </ul>
      )}
      {canManage && (
        <ActionForm
          action={changeMember}
          idempotencyKey={`${formKey}-add`}
          label={`Add a member to ${team.name}`}
          submit="Add member"
          disabled={candidates.length === 0}
        >
          <input type="hidden" name="change" value="add" />
          <input type="hidden" name="teamId" value={team.teamId} />
          <Label htmlFor={selectId}>Add a member</Label>
          <NativeSelect id={selectId} name="userId" required defaultValue="" disabled={candidates.length === 0}>
            <option value="" disabled>
              {candidates.length === 0 ? 'Every agent and supervisor is a member' : 'Choose an agent or supervisor'}
            </option>
            {candidates.map((u) => (
              <option key={u.userId} value={u.userId}>
                {u.name} ({u.role})
              </option>
            ))}
          </NativeSelect>
        </ActionForm>
      )}
    </section>
  );
}

/** The four priorities' targets: response times in minutes, resolution in hours. */
export function SlaForm({ team, formKey }: { team: TeamSettings; formKey: string }) {
  const policies = new Map<string, SlaPolicy>(team.slaPolicies.map((p) => [p.priority, p]));
  const id = (priority: string, field: string) => `sla-${team.teamId}-${priority}-${field}`;
  return (
    <ActionForm action={setSlaTargets} idempotencyKey={`${formKey}-sla`} label={`SLA targets of ${team.name}`} submit="Save SLA targets">
      <input type="hidden" name="teamId" value={team.teamId} />
      <p className="text-sm text-muted-foreground">
        {team.businessHours ? 'Counted in business hours.' : 'Counted around the clock (the team has no business hours).'} Leave a priority blank for no
        targets; next response is optional.
      </p>
      {PRIORITIES.map(({ value, label }) => {
        const p = policies.get(value);
        return (
          <fieldset key={value} className="grid grid-cols-1 gap-2 rounded-md border p-3 sm:grid-cols-3" data-testid={`sla-${team.name}-${value}`}>
            <legend className="px-1 text-sm font-medium">{label}</legend>
            <div className="grid gap-1">
              <Label htmlFor={id(value, 'first')}>First response (min)</Label>
              <Input
                id={id(value, 'first')}
                name={`${value}.first`}
                type="number"
                inputMode="decimal"
                min="0.1"
                step="any"
                defaultValue={inUnits(p?.firstResponseSeconds, 60)}
              />
            </div>
            <div className="grid gap-1">
              <Label htmlFor={id(value, 'next')}>Next response (min)</Label>
              <Input
                id={id(value, 'next')}
                name={`${value}.next`}
                type="number"
                inputMode="decimal"
                min="0.1"
                step="any"
                defaultValue={inUnits(p?.nextResponseSeconds, 60)}
              />
            </div>
            <div className="grid gap-1">
              <Label htmlFor={id(value, 'resolution')}>Resolution (h)</Label>
              <Input
                id={id(value, 'resolution')}
                name={`${value}.resolution`}
                type="number"
                inputMode="decimal"
                min="0.01"
                step="any"
                defaultValue={inUnits(p?.resolutionSeconds, 3600)}
              />
            </div>
          </fieldset>
        );
      })}
    </ActionForm>
  );
}

/** HH:MM for a time input: 24:00 (a close at midnight) is 00:00 there, which closes at midnight too. */
const timeInput = (t: string) => (t === '24:00' ? '00:00' : t);

/** Time zone, one period per weekday (a close not after the open runs overnight), holidays with a date picker. */
export function BusinessHoursForm({ team, formKey, timeZones }: { team: TeamSettings; formKey: string; timeZones: string[] }) {
  const hours: BusinessHours | null = team.businessHours;
  const byDay = new Map<number, { open: string; close: string }>();
  let extra = false;
  for (const p of hours?.periods ?? []) {
    if (byDay.has(p.day)) extra = true;
    else byDay.set(p.day, p);
  }
  const [holidays, setHolidays] = useState<string[]>(hours?.holidays ?? []);
  const [picked, setPicked] = useState('');
  const id = (what: string) => `hours-${team.teamId}-${what}`;
  const add = () => {
    if (picked && !holidays.includes(picked)) setHolidays([...holidays, picked].sort());
    setPicked('');
  };
  return (
    <ActionForm action={setBusinessHours} idempotencyKey={`${formKey}-hours`} label={`Business hours of ${team.name}`} submit="Save business hours">
      <input type="hidden" name="teamId" value={team.teamId} />
      {holidays.map((h) => (
        <input key={h} type="hidden" name="holiday" value={h} />
      ))}
      {!hours && <p className="text-sm text-muted-foreground">No business hours yet: SLA targets count around the clock.</p>}
      {extra && <p className="text-sm text-amber-900">Some days have more than one period; this form keeps the first of each day when you save.</p>}
      <div className="grid max-w-sm gap-2">
        <Label htmlFor={id('tz')}>Time zone</Label>
        <NativeSelect id={id('tz')} name="timeZone" defaultValue={hours?.timeZone ?? 'UTC'}>
          {timeZones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </NativeSelect>
      </div>
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-medium">Weekly hours</legend>
        <div className="grid gap-2 md:grid-cols-2">
          {WEEKDAYS.map(({ day, label }) => {
            const p = byDay.get(day);
            return (
              <div key={day} className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md border px-3 py-2" data-testid={`hours-${team.name}-${day}`}>
                <div className="flex w-28 items-center gap-2">
                  <input id={id(`d${day}-open`)} name={`day${day}.open`} type="checkbox" defaultChecked={p !== undefined} className="size-4 accent-primary" />
                  <Label htmlFor={id(`d${day}-open`)}>{label}</Label>
                </div>
                <div className="flex items-center gap-1">
                  <Label htmlFor={id(`d${day}-from`)} className="sr-only">
                    {label} opens at
                  </Label>
                  <Input id={id(`d${day}-from`)} name={`day${day}.from`} type="time" defaultValue={p ? timeInput(p.open) : '09:00'} className="w-36" />
                  <span aria-hidden="true">–</span>
                  <Label htmlFor={id(`d${day}-to`)} className="sr-only">
                    {label} closes at
                  </Label>
                  <Input id={id(`d${day}-to`)} name={`day${day}.to`} type="time" defaultValue={p ? timeInput(p.close) : '18:00'} className="w-36" />
                </div>
              </div>
            );
          })}
        </div>
        <p className="text-xs text-muted-foreground">A closing time not after the opening time runs overnight into the next day.</p>
      </fieldset>
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-medium">Holidays (closed all day)</legend>
        {holidays.length === 0 ? (
          <p className="text-sm text-muted-foreground">No holidays.</p>
        ) : (
          <ul className="flex flex-wrap gap-2" data-testid={`holidays-${team.name}`}>
            {holidays.map((h) => (
              <li key={h} className="flex items-center gap-1 rounded-md border py-0.5 pr-0.5 pl-2 text-sm">
                <time dateTime={h}>{h}</time>
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  className="size-7"
                  aria-label={`Remove holiday ${h}`}
                  onClick={() => setHolidays(holidays.filter((x) => x !== h))}
                >
                  <XIcon aria-hidden="true" />
                </Button>
              </li>
            ))}
          </ul>
        )}
        <div className="flex flex-wrap items-end gap-2">
          <div className="grid gap-1">
            <Label htmlFor={id('holiday')}>Add a holiday</Label>
            <Input
              id={id('holiday')}
              // Named too: a date picked and saved without "Add holiday" is kept as well.
              name="holiday"
              type="date"
              value={picked}
              onChange={(e) => setPicked(e.target.value)}
              onKeyDown={(e) => {
                // Enter adds the date rather than saving the whole form.
                if (e.key === 'Enter') {
                  e.preventDefault();
                  add();
                }
              }}
              className="w-44"
            />
          </div>
          <Button type="button" variant="outline" onClick={add} disabled={!picked}>
            Add holiday
          </Button>
        </div>
        <p className="text-xs text-muted-foreground">Holidays are saved with the business hours.</p>
      </fieldset>
    </ActionForm>
  );
}
