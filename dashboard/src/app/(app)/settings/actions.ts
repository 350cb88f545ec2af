'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { ApiError, callApi, SESSION_EXPIRED_PATH, sessionKey } from '@/lib/api';
import { getConfig } from '@/lib/config';
import { PRIORITIES, WEEKDAYS } from './settings-shared';

export interface SettingsActionState {
  error: string | null;
}

const Id = z.uuid();
/** A duration typed in minutes or hours; blank: not given. */
const optionalAmount = (unit: string) =>
  z
    .string()
    .trim()
    .transform((s, ctx) => {
      if (s === '') return null;
      const n = Number(s);
      if (!Number.isFinite(n) || n <= 0) {
        ctx.addIssue({ code: 'custom', message: `a positive number of ${unit}` });
        return z.NEVER;
      }
      return n;
    });
const Time = z.string().regex(/^\d{2}:\d{2}$/, 'a time as HH:MM');

type Done = 'team' | 'member-added' | 'member-removed' | 'sla' | 'hours';

/** One call to the command API with the session's key: its position, or the API's reason. */
async function command(method: string, path: string, body: unknown, idempotencyKey: string): Promise<{ position: string } | { error: string }> {
  const key = await sessionKey();
  try {
    const answer = await callApi<{ position: string }>(
      getConfig().commandUrl,
      key,
      method,
      path,
      body,
      /^[\x21-\x7e]{8,200}$/.test(idempotencyKey) ? { 'idempotency-key': idempotencyKey } : {},
    );
    return { position: answer.position };
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) redirect(SESSION_EXPIRED_PATH);
    return { error: e instanceof ApiError ? e.message : `The command API could not be reached: ${(e as Error).message}` };
  }
}

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
};

const issues = (e: z.ZodError) => e.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');

/** Then the page reads at the change's position (read your writes), so it shows it at once. */
const done = (what: Done, position: string): never => redirect(`/settings?at=${encodeURIComponent(position)}&done=${what}`);

/** Create a team (admins). */
export async function createTeam(_previous: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const name = z.string().trim().min(1, 'Give the team a name.').max(200).safeParse(text(form, 'name'));
  if (!name.success) return { error: issues(name.error) };
  const r = await command('POST', '/v1/teams', { name: name.data }, text(form, 'idempotencyKey'));
  if ('error' in r) return r;
  return done('team', r.position);
}

/** Add a user to a team, or remove one (admins). */
export async function changeMember(_previous: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const parsed = z
    .object({ change: z.enum(['add', 'remove']), teamId: Id, userId: Id })
    .safeParse({ change: text(form, 'change'), teamId: text(form, 'teamId'), userId: text(form, 'userId') });
  if (!parsed.success) return { error: text(form, 'userId') === '' ? 'Choose a user to add.' : issues(parsed.error) };
  const { change, teamId, userId } = parsed.data;
  const r =
    change === 'add'
      ? await command('POST', `/v1/teams/${teamId}/agents`, { userId }, text(form, 'idempotencyKey'))
      : await command('DELETE', `/v1/teams/${teamId}/agents/${userId}`, undefined, text(form, 'idempotencyKey'));
  if ('error' in r) return r;
  return done(change === 'add' ? 'member-added' : 'member-removed', r.position);
}

/**
 * A team's SLA targets: one PUT per priority that has its targets filled in (first response
 * and resolution; next response is optional). A priority left blank keeps what it has.
 */
export async function setSlaTargets(_previous: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const teamId = Id.safeParse(text(form, 'teamId'));
  if (!teamId.success) return { error: 'Unknown team.' };
  const rows = [];
  for (const { value: priority, label } of PRIORITIES) {
    const row = z
      .object({ first: optionalAmount('minutes'), next: optionalAmount('minutes'), resolution: optionalAmount('hours') })
      .safeParse({ first: text(form, `${priority}.first`), next: text(form, `${priority}.next`), resolution: text(form, `${priority}.resolution`) });
    if (!row.success) return { error: `${label}: ${issues(row.error)}` };
    const { first, next, resolution } = row.data;
    if (first === null && next === null && resolution === null) continue;
    if (first === null || resolution === null) return { error: `${label}: give both a first response and a resolution target, or leave the row blank.` };
    rows.push({
      priority,
      label,
      body: {
        firstResponseSeconds: Math.round(first * 60),
        nextResponseSeconds: next === null ? null : Math.round(next * 60),
        resolutionSeconds: Math.round(resolution * 3600),
      },
    });
  }
  if (rows.length === 0) return { error: 'Fill in the targets of at least one priority.' };
  let position = '';
  for (const row of rows) {
    const r = await command('PUT', `/v1/teams/${teamId.data}/sla-policies/${row.priority}`, row.body, `${text(form, 'idempotencyKey')}-${row.priority}`);
    if ('error' in r) return { error: `${row.label}: ${r.error}` };
    position = r.position;
  }
  return done('sla', position);
}

/** A team's business hours, replaced whole: time zone, one period per open weekday, holidays. */
export async function setBusinessHours(_previous: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const teamId = Id.safeParse(text(form, 'teamId'));
  if (!teamId.success) return { error: 'Unknown team.' };
  const timeZone = text(form, 'timeZone');
  if (!timeZone) return { error: 'Choose a time zone.' };
  const periods = [];
  for (const { day, label } of WEEKDAYS) {
    if (text(form, `day${day}.open`) !== 'on') continue;
    const times = z.object({ open: Time, close: Time }).safeParse({ open: text(form, `day${day}.from`), close: text(form, `day${day}.to`) });
    if (!times.success) return { error: `${label}: give an opening and a closing time.` };
    periods.push({ day, ...times.data });
  }
  const holidays = [...new Set(form.getAll('holiday').filter((h): h is string => typeof h === 'string' && h !== ''))].sort();
  // The API judges the rest (a period that opens and closes at the same time, a holiday twice): its reason shows.
  const r = await command('PUT', `/v1/teams/${teamId.data}/business-hours`, { timeZone, periods, holidays }, text(form, 'idempotencyKey'));
  if ('error' in r) return r;
  return done('hours', r.position);
}
