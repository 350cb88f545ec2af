import type { UserRole } from '@parley/events';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { constantTimeEquals } from '../auth/api-keys.ts';
import { forbidden, unauthorized } from '../errors.ts';
import type { Principal, Tenancy } from '../application/tenancy.ts';

const bearer = (request: FastifyRequest): string => {
  const header = request.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!m) throw unauthorized('send an API key as "Authorization: Bearer <key>"');
  return m[1]!;
};

export class Authenticator {
  constructor(
    private readonly tenancy: Tenancy,
    private readonly platformAdminKey: string,
    /** Platform-level analyst (read-only SQL over all tenants); null: nobody holds it. */
    private readonly platformAnalystKey: string | null = null,
  ) {}

  /** The caller's principal, when its role is one of `roles`. */
  async require(request: FastifyRequest, roles: readonly UserRole[]): Promise<Principal> {
    const principal = await this.tenancy.authenticate(bearer(request));
    if (!principal) throw unauthorized('unknown or revoked API key');
    if (!roles.includes(principal.role)) throw forbidden(`this needs one of the roles: ${roles.join(', ')}`);
    return principal;
  }

  requirePlatformAdmin(request: FastifyRequest): void {
    if (!constantTimeEquals(bearer(request), this.platformAdminKey)) throw unauthorized('platform admin key required');
  }

  requirePlatformAnalyst(request: FastifyRequest): void {
    const key = this.platformAnalystKey;
    if (key === null || !constantTimeEquals(bearer(request), key)) throw unauthorized('platform analyst key required');
  }
}

/** Who may call a route; declared per route, checked before the body is even parsed. */
export type Access =
  | { kind: 'public' }
  | { kind: 'platform-admin' }
  | { kind: 'platform-analyst' }
  | { kind: 'roles'; roles: readonly UserRole[] };

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
export function registerAuthentication(app: FastifyInstance, auth: Authenticator) {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!request.routeOptions.url) return; // 404s: the not-found handler answers
    if (!access) throw forbidden('route has no access rule');
    if (access.kind === 'platform-admin') auth.requirePlatformAdmin(request);
    else if (access.kind === 'platform-analyst') auth.requirePlatformAnalyst(request);
    else if (access.kind === 'roles') request.principal = await auth.require(request, access.roles);
  });
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized('authentication required');
  return request.principal;
}
