import type { UserRole } from '@parley/events';
import { type Permission, rolesFor } from '@parley/kit/roles';

/** The billing pages' permission: the one the query API's usage, plan, invoice and payment routes check. */
const BILLING_PERMISSION: Permission = 'readBilling';

/**
 * Every page of the dashboard and who may see it, declared once: navigation, the home
 * redirect and each page's own check read this table. Roles come from the platform's role
 * policy (infra/kit/src/auth/roles.ts) wherever a permission fits, so "supervisors" means
 * here what it means to the APIs behind the page.
 *
 * Settings (`manageServiceLevels`; teams and members `manageTenant`) is in this table too. `nav: false`: a page
 * reached through links only (the drill-down behind every report figure).
 */
export const PAGES = {
  live: { href: '/live', label: 'Live', roles: rolesFor('watchQueues') },
  conversations: { href: '/conversations', label: 'Conversations', roles: rolesFor('readReports') },
  // Reports: figures only, no actions (analysts see them as supervisors do).
  sla: { href: '/sla', label: 'SLA', roles: rolesFor('readReports') },
  volumes: { href: '/volumes', label: 'Volumes', roles: rolesFor('readReports') },
  agents: { href: '/agents', label: 'Agents', roles: rolesFor('readReports') },
  csat: { href: '/csat', label: 'CSAT', roles: rolesFor('readReports') },
  // The conversations behind any report figure: opened from the reports, not from the navigation.
  drilldown: { href: '/drilldown', label: 'Drill-down', roles: rolesFor('readReports'), nav: false },
  // An agent's own figures; supervisors and admins see every page, this one included.
  mine: { href: '/me', label: 'My stats', roles: rolesFor('workConversations') },
  // Billing: this period's usage against the plan, invoices, the subscription and its payments
  // (the query API's billing and usage routes take the same permission).
  usage: { href: '/usage', label: 'Usage', roles: rolesFor(BILLING_PERMISSION) },
  invoices: { href: '/invoices', label: 'Invoices', roles: rolesFor(BILLING_PERMISSION) },
  payments: { href: '/payments', label: 'Payments', roles: rolesFor(BILLING_PERMISSION) },
  // Teams, SLA targets and business hours: supervisors edit the service levels (as the command
  // API lets them); teams and their members are the admins' (SETTINGS_ADMIN_PERMISSION).
  settings: { href: '/settings', label: 'Settings', roles: rolesFor('manageServiceLevels') },
} as const satisfies Record<string, { href: string; label: string; roles: readonly UserRole[]; nav?: false }>;

export type PageName = keyof typeof PAGES;

/** Supervisor actions on conversations (assign, transfer, close, note) through the command API. */
export const ACTIONS_PERMISSION: Permission = 'workConversations';

export const mayView = (role: UserRole, page: PageName): boolean => PAGES[page].roles.includes(role);

export const mayAct = (role: UserRole): boolean => rolesFor(ACTIONS_PERMISSION).includes(role);

/** On the settings page: creating teams and adding or removing members (the command API's `manageTenant`). */
export const SETTINGS_ADMIN_PERMISSION: Permission = 'manageTenant';

export const mayManageTeams = (role: UserRole): boolean => rolesFor(SETTINGS_ADMIN_PERMISSION).includes(role);

/** The pages a role sees, in navigation order. */
export const navFor = (role: UserRole) =>
  (Object.keys(PAGES) as PageName[])
    .filter((p) => mayView(role, p) && !('nav' in PAGES[p] && PAGES[p].nav === false))
    .map((p) => ({ name: p, href: PAGES[p].href, label: PAGES[p].label }));

/** Where a role lands after signing in: its first page. */
export const homeFor = (role: UserRole): string => navFor(role)[0]?.href ?? '/sign-in';

/** The page a path belongs to (its own path or one below it), if any. */
export const pageOf = (pathname: string): PageName | null =>
  (Object.keys(PAGES) as PageName[]).find((p) => pathname === PAGES[p].href || pathname.startsWith(`${PAGES[p].href}/`)) ?? null;
