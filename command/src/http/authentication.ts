import type { UserRole } from '@parley/events';
import type { FastifyRequest } from 'fastify';
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
}
