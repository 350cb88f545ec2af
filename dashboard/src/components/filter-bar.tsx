'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import type * as React from 'react';
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { timeZones } from '@/lib/time-zones';
import { GROUPS, parseView, viewSearch } from '@/lib/view-params';

export type FilterControl = 'range' | 'tz' | 'team' | 'agent' | 'group';

export interface FilterBarProps {
  /** Which of the shared controls this page uses. */
  show: readonly FilterControl[];
  /** The tenant's default time zone (GET /v1/me). */
  defaultTimeZone: string;
  teams: readonly { teamId: string; name: string }[];
  agents?: readonly { agentId: string; name: string }[];
  /** Offer "Unassigned" among agents (the inbox's filter; reports have no such filter). */
  unassigned?: boolean;
  /** Page-specific controls (search, status) that share this form and its URL. */
  children?: React.ReactNode;
}

const RANGE_LABELS = { '7d': 'Last 7 days', '30d': 'Last 30 days', '90d': 'Last 90 days', custom: 'Custom' } as const;

/**
 * The filters every page shares. Their state is the URL: the bar is a GET form (it works
 * without JavaScript); with JavaScript a change navigates at once to the parsed, normalized
 * URL (ViewParams), so a link reproduces the view. Changing a filter starts the list over.
 */
export function FilterBar({ show, defaultTimeZone, teams, agents = [], unassigned = true, children }: FilterBarProps) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const view = parseView(search);
  const form = useRef<HTMLFormElement>(null);
  const tz = view.tz ?? defaultTimeZone;

  const submit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const next = new URLSearchParams(search);
    next.delete('cursor');
    for (const [k, v] of data.entries()) {
      if (typeof v !== 'string') continue;
      if (v === '') next.delete(k);
      else next.set(k, v);
    }
    // The tenant's default zone is no choice: keep the URL short, and the link the tenant's.
    if (next.get('tz') === defaultTimeZone) next.delete('tz');
    router.push(`${pathname}${viewSearch(parseView(next))}`);
  };
  const change = () => form.current?.requestSubmit();

  return (
    <form
      key={search.toString()}
      ref={form}
      method="get"
      onSubmit={submit}
      className="mb-6 flex flex-wrap items-end gap-3 rounded-lg border bg-card p-3"
      aria-label="Filters"
    >
      {show.includes('range') && (
        <div className="grid gap-1.5">
          <Label htmlFor="f-range">Date range</Label>
          <NativeSelect id="f-range" name="range" defaultValue={view.range} onChange={change} className="w-40">
            {Object.entries(RANGE_LABELS).map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </NativeSelect>
        </div>
      )}
      {show.includes('range') && view.range === 'custom' && (
        <>
          <div className="grid gap-1.5">
            <Label htmlFor="f-from">From</Label>
            <Input id="f-from" name="from" type="date" defaultValue={view.from} className="w-40" required />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="f-to">To</Label>
            <Input id="f-to" name="to" type="date" defaultValue={view.to} className="w-40" required />
          </div>
        </>
      )}
      {show.includes('group') && (
        <div className="grid gap-1.5">
          <Label htmlFor="f-group">Group by</Label>
          <NativeSelect id="f-group" name="group" defaultValue={view.group} onChange={change} className="w-28">
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {g[0]!.toUpperCase() + g.slice(1)}
              </option>
            ))}
          </NativeSelect>
        </div>
      )}
      {show.includes('team') && (
        <div className="grid gap-1.5">
          <Label htmlFor="f-team">Team</Label>
          <NativeSelect id="f-team" name="team" defaultValue={view.team ?? ''} onChange={change} className="w-44">
            <option value="">All teams</option>
            {teams.map((t) => (
              <option key={t.teamId} value={t.teamId}>
                {t.name}
              </option>
            ))}
          </NativeSelect>
        </div>
      )}
      {show.includes('agent') && (
        <div className="grid gap-1.5">
          <Label htmlFor="f-agent">Agent</Label>
          <NativeSelect id="f-agent" name="agent" defaultValue={view.agent ?? ''} onChange={change} className="w-44">
            <option value="">Everyone</option>
            {unassigned && <option value="unassigned">Unassigned</option>}
            {agents.map((a) => (
              <option key={a.agentId} value={a.agentId}>
                {a.name}
              </option>
            ))}
          </NativeSelect>
        </div>
      )}
      {show.includes('tz') && (
        <div className="grid gap-1.5">
          <Label htmlFor="f-tz">Time zone</Label>
          <TimeZoneSelect id="f-tz" name="tz" value={tz} defaultTimeZone={defaultTimeZone} onChange={change} className="w-64" />
        </div>
      )}
      {children}
      <Button type="submit" variant="secondary">
        Apply
      </Button>
    </form>
  );
}

/**
 * The time zones, from the browser's own list (Intl, as the server's): the page sends only
 * the zone shown, the tenant's and UTC (a few hundred options would weigh on every page's
 * HTML and payload), and the browser adds the others once the page runs. Without
 * JavaScript the form still offers those three.
 */
function TimeZoneSelect({
  value,
  defaultTimeZone,
  ...props
}: { value: string; defaultTimeZone: string } & Omit<React.ComponentProps<typeof NativeSelect>, 'value' | 'defaultValue' | 'children'>) {
  const [zones, setZones] = useState(() => [...new Set([value, defaultTimeZone, 'UTC'])]);
  useEffect(() => {
    const all = timeZones();
    setZones(all.includes(value) ? all : [value, ...all]);
  }, [value]);
  return (
    <NativeSelect defaultValue={value} {...props}>
      {zones.map((z) => (
        <option key={z} value={z}>
          {z === defaultTimeZone ? `${z} (default)` : z}
        </option>
      ))}
    </NativeSelect>
  );
}
