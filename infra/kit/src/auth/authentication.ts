import type { UserRole } from '@parley/events';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { forbidden, unauthorized } from '../errors.ts';
import { constantTimeEquals } from './api-keys.ts';
import { type Permission, rolesFor } from './roles.ts';

/** Who is calling: resolved from the API key; the tenant never comes from the request body. */
export interface Principal {
  tenantId: string;
  userId: string;
  role: UserRole;
}

/**
 * Resolves a tenant user's API key. The write side answers from its tenant fold, the
 * read side from the identity read model; a revoked key or a deactivated user's is null.
 */
export interface IdentityPort {
  authenticate(apiKey: string): Promise<Principal | null>;
}

const bearer = (request: FastifyRequest): string => {
  const header = request.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!m) throw unauthorized('send an API key as "Authorization: Bearer <key>"');
  return m[1]!;
};

/**
 * A platform key, or the keys accepted during its rotation (the current one and the
 * previous one, until the previous one is removed from the configuration).
 */
export type PlatformKeys = string | readonly string[];

const keyList = (keys: PlatformKeys | null): readonly string[] => (keys === null ? [] : typeof keys === 'string' ? [keys] : keys);

/** Compares with every key, so the time taken does not tell which one matched. */
const matchesAny = (given: string, keys: readonly string[]) => keys.reduce((hit, key) => constantTimeEquals(given, key) || hit, false);

export class Authenticator {
  private readonly platformAdminKeys: readonly string[];
  private readonly platformAnalystKeys: readonly string[];

  constructor(
    private readonly identity: IdentityPort,
    platformAdminKey: PlatformKeys,
    /** Platform-level analyst (read-only SQL over all tenants); null: nobody holds it. */
    platformAnalystKey: PlatformKeys | null = null,
  ) {
    this.platformAdminKeys = keyList(platformAdminKey);
    this.platformAnalystKeys = keyList(platformAnalystKey);
    if (this.platformAdminKeys.length === 0) throw new Error('a platform admin key is required');
  }

  /** The caller's principal, when its role is one of `roles`. */
  async require(request: FastifyRequest, roles: readonly UserRole[]): Promise<Principal> {
    const principal = await this.identity.authenticate(bearer(request));
    if (!principal) throw unauthorized('unknown or revoked API key');
    if (!roles.includes(principal.role)) throw forbidden(`this needs one of the roles: ${roles.join(', ')}`);
    return principal;
  }

  /** Whether the caller holds the platform admin key (compared in constant time). */
  isPlatformAdmin(request: FastifyRequest): boolean {
    return matchesAny(bearer(request), this.platformAdminKeys);
  }

  requirePlatformAdmin(request: FastifyRequest): void {
    if (!matchesAny(bearer(request), this.platformAdminKeys)) throw unauthorized('platform admin key required');
  }

  /** Whether the caller holds the platform analyst key (compared in constant time). */
  isPlatformAnalyst(request: FastifyRequest): boolean {
    return matchesAny(bearer(request), this.platformAnalystKeys);
  }

  requirePlatformAnalyst(request: FastifyRequest): void {
    if (!matchesAny(bearer(request), this.platformAnalystKeys)) throw unauthorized('platform analyst key required');
  }
}

/** Who may call a route; declared per route, checked before the body is even parsed. */
export type Access =
  | { kind: 'public' }
  | { kind: 'platform-admin' }
  | { kind: 'platform-analyst' }
  /** The platform analyst key (principal null: every tenant) or a tenant's analyst (their tenant). */
  | { kind: 'analyst' }
  | { kind: 'roles'; roles: readonly UserRole[] }
  /** A tenant user of one of the roles (their tenant), or the platform admin key (principal null: the route names the tenant). */
  | { kind: 'roles-or-platform-admin'; roles: readonly UserRole[] };

/** A route's config for a permission of the role policy. */
export const allow = (permission: Permission): { access: Access } => ({ access: { kind: 'roles', roles: rolesFor(permission) } });
/** A route's config for a permission of the role policy, or the platform admin acting on a tenant it names. */
export const allowOrPlatformAdmin = (permission: Permission): { access: Access } => ({
  access: { kind: 'roles-or-platform-admin', roles: rolesFor(permission) },
});
/** A route's config for a kind of caller other than a tenant user's role. */
export const accessFor = (kind: Exclude<Access['kind'], 'roles' | 'roles-or-platform-admin'>): { access: Access } => ({ access: { kind } as Access });

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/**
 * Authenticates every request in onRequest, so an unauthenticated caller learns nothing
 * about a route's body schema (401/403 come before 400). Routes without a declared
 * access are refused: forgetting it fails closed.
 */
export const authentication = fp<{ auth: Authenticator }>(
  async (app: FastifyInstance, { auth }) => {
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      const access = request.routeOptions.config.access;
      if (!request.routeOptions.url) return; // 404s: the not-found handler answers
      if (!access) throw forbidden('route has no access rule');
      if (access.kind === 'platform-admin') auth.requirePlatformAdmin(request);
      else if (access.kind === 'platform-analyst') auth.requirePlatformAnalyst(request);
      else if (access.kind === 'analyst') request.principal = auth.isPlatformAnalyst(request) ? null : await auth.require(request, rolesFor('queryAnalytics'));
      else if (access.kind === 'roles') request.principal = await auth.require(request, access.roles);
      else if (access.kind === 'roles-or-platform-admin') request.principal = auth.isPlatformAdmin(request) ? null : await auth.require(request, access.roles);
    });
  },
  { name: 'parley-authentication' },
);

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized('authentication required');
  return request.principal;
}
