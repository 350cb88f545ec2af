import { UserRole } from '@parley/events';
import { type Api, accessFor, allow, LogPosition, type Principal, principalOf } from '@parley/kit';
import { z } from 'zod';
import type { CommandContext } from '../../handling/command-handler.ts';
import { commandContext, platformAdminContext } from '../command-context.ts';
import { Email, errors, Id, Name, UserParams, Written } from '../command-schemas.ts';

const admins = allow('manageTenant');

/** Tenants, their users and API keys, and teams. */
export async function tenantRoutes(api: Api) {
  const { tenancy } = api;

  api.post(
    '/v1/tenants',
    {
      config: accessFor('platform-admin'),
      schema: {
        summary: 'Register a tenant with its first admin (platform admin key)',
        tags: ['tenants'],
        body: z.strictObject({ name: Name, admin: z.strictObject({ name: Name, email: Email }) }),
        response: { 201: z.object({ tenantId: Id, userId: Id, apiKey: z.string(), position: LogPosition }), ...errors },
      },
    },
    async (request, reply) => {
      return reply.status(201).send(await tenancy.registerTenant(request.body, platformAdminContext(request)));
    },
  );

  api.post(
    '/v1/users',
    {
      config: admins,
      schema: {
        summary: 'Add a user; the answer carries the only copy of their API key',
        tags: ['tenants'],
        body: z.strictObject({ name: Name, email: Email, role: UserRole }),
        response: { 201: z.object({ userId: Id, apiKey: z.string(), position: LogPosition }), ...errors },
      },
    },
    async (request, reply) => {
      return reply.status(201).send(await tenancy.addUser(request.body, commandContext(request, principalOf(request))));
    },
  );

  // Keys and users: every tenant user may rotate their own key, admins anyone's; the
  // decider checks who is asked about (403 for another user's key, 404 outside the tenant).
  api.post(
    '/v1/users/:id/api-key/rotate',
    {
      config: allow('anyUser'),
      schema: {
        summary: "Replace a user's API key (your own, or as admin anyone's); the answer carries the only copy of the new key",
        tags: ['tenants'],
        params: UserParams,
        body: z.strictObject({}),
        response: { 200: Written.extend({ userId: Id, apiKey: z.string() }), ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return tenancy.rotateApiKey(request.params.id, principal, commandContext(request, principal));
    },
  );
  api.delete(
    '/v1/users/:id/api-key',
    {
      config: admins,
      schema: {
        summary: "Revoke a user's API key: it stops working on every Parley process within a second",
        tags: ['tenants'],
        params: UserParams,
        response: { 200: Written, ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return tenancy.revokeApiKey(request.params.id, principal, commandContext(request, principal));
    },
  );
  const userChanges = {
    deactivate: {
      summary: 'Deactivate a user: their key stops working and they get no more conversations',
      run: (id: string, by: Principal, c: CommandContext) => tenancy.deactivateUser(id, by, c),
    },
    reactivate: {
      summary: 'Reactivate a user: their current key works again',
      run: (id: string, by: Principal, c: CommandContext) => tenancy.reactivateUser(id, by, c),
    },
  };
  for (const [path, { summary, run }] of Object.entries(userChanges)) {
    api.post(
      `/v1/users/:id/${path}`,
      {
        config: admins,
        schema: { summary, tags: ['tenants'], params: UserParams, body: z.strictObject({}), response: { 200: Written, ...errors } },
      },
      async (request) => {
        const principal = principalOf(request);
        return run(request.params.id, principal, commandContext(request, principal));
      },
    );
  }

  api.post(
    '/v1/teams',
    {
      config: admins,
      schema: {
        summary: 'Create a team',
        tags: ['tenants'],
        body: z.strictObject({ name: Name }),
        response: { 201: z.object({ teamId: Id, position: LogPosition }), ...errors },
      },
    },
    async (request, reply) => {
      return reply.status(201).send(await tenancy.createTeam(request.body, commandContext(request, principalOf(request))));
    },
  );

  api.post(
    '/v1/teams/:id/agents',
    {
      config: admins,
      schema: {
        summary: 'Add an agent or supervisor to a team',
        tags: ['tenants'],
        params: z.object({ id: Id }),
        body: z.strictObject({ userId: Id }),
        response: { 200: z.object({ position: LogPosition }), ...errors },
      },
    },
    async (request) => {
      return tenancy.addAgentToTeam(request.params.id, request.body.userId, commandContext(request, principalOf(request)));
    },
  );

  api.delete(
    '/v1/teams/:id/agents/:userId',
    {
      config: admins,
      schema: {
        summary: 'Remove a member from a team (the conversations they hold stay theirs)',
        tags: ['tenants'],
        params: z.object({ id: Id, userId: Id }),
        response: { 200: Written, ...errors },
      },
    },
    async (request) => {
      const { id, userId } = request.params;
      return tenancy.removeAgentFromTeam(id, userId, commandContext(request, principalOf(request)));
    },
  );
}
