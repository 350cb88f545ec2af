import { allowOrPlatformAdmin, badRequest, forbidden } from '@parley/kit';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';

/**
 * Who reads a tenant's plan, usage, invoices, subscription and payments: the billing role
 * and tenant admins their own tenant, the platform admin key the tenant it names in
 * `?tenantId=`. One style for every billing read.
 */
export const billingAccess = allowOrPlatformAdmin('readBilling');

export const TenantParam = z.uuid().optional().describe('Platform admin key only: the tenant to read (a tenant user reads their own)');

/** The tenant a billing read is for: a user's own; the platform admin names one. */
export function billingTenantOf(request: FastifyRequest, asked: string | undefined): string {
  const principal = request.principal;
  if (!principal) {
    if (!asked) throw badRequest('querystring.tenantId: the platform admin key reads one tenant at a time: name it');
    return asked;
  }
  if (asked !== undefined && asked !== principal.tenantId) throw forbidden('tenantId is for the platform admin key: a tenant user reads their own tenant');
  return principal.tenantId;
}
