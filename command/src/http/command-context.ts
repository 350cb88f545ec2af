import { may, type Principal } from '@parley/kit';
import type { FastifyRequest } from 'fastify';
import type { CommandContext } from '../handling/command-handler.ts';

/**
 * The envelope of a tenant user's command. The actor's type follows what the role may
 * do, not its name: any role that may watch queues acts as a supervisor.
 */
export function commandContext(request: FastifyRequest, principal: Principal): CommandContext {
  return {
    tenantId: principal.tenantId,
    actor: { type: may(principal.role, 'watchQueues') ? 'supervisor' : 'agent', id: principal.userId },
    correlationId: request.id,
    causationId: null,
    now: request.server.clock(),
  };
}

/** The envelope of the platform admin's commands: no tenant user acts, so the system does. */
export function platformAdminContext(request: FastifyRequest): Omit<CommandContext, 'tenantId'> {
  return { actor: { type: 'system', id: 'platform-admin' }, correlationId: request.id, causationId: null, now: request.server.clock() };
}
