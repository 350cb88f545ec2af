import { UserRole } from '@parley/events';

/**
 * The one role policy: what each permission admits. Routes, deciders and read models
 * name a permission and derive their role lists from here, so "supervisors" means the
 * same thing on every side.
 */
export const ROLE_POLICY = {
  /** Any user of the tenant: their own profile and key. */
  anyUser: UserRole.options,
  /** Users, keys and deactivation; WhatsApp numbers. */
  manageTenant: ['admin'],
  /** Teams' SLA targets and business hours. */
  manageServiceLevels: ['admin', 'supervisor'],
  /** Act on conversations, and be assigned them. */
  workConversations: ['admin', 'supervisor', 'agent'],
  /** Belong to a team. */
  joinTeams: ['agent', 'supervisor'],
  /** Read the inbox: conversations, messages, contacts. */
  readInbox: ['admin', 'supervisor', 'agent', 'analyst'],
  /** Live queues and agents' workload. */
  watchQueues: ['admin', 'supervisor'],
  /** SLA, volume and agent reports, their drill-downs and exports. */
  readReports: ['admin', 'supervisor', 'analyst'],
  /** SQL over their tenant's analytics rows. */
  queryAnalytics: ['analyst'],
  /** The tenant's plan, subscription, payments and metered usage (platform admins see every tenant's). */
  readBilling: ['admin', 'billing'],
} as const satisfies Record<string, readonly UserRole[]>;

export type Permission = keyof typeof ROLE_POLICY;

export const rolesFor = (permission: Permission): readonly UserRole[] => ROLE_POLICY[permission];

export const may = (role: UserRole, permission: Permission): boolean => rolesFor(permission).includes(role);
