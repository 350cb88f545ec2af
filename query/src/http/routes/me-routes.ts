import { type Api, allow, principalOf, unauthorized } from '@parley/kit';
import { Consistency, errors, Me } from '../query-schemas.ts';

/** Who the key belongs to: what a client (the dashboard) needs to greet its user and pick what to show. */
export async function meRoutes(api: Api) {
  const { inbox } = api;

  api.get(
    '/v1/me',
    {
      config: { ...allow('anyUser'), readYourWrites: true },
      schema: {
        summary: "The key's tenant and user, their role, the tenant's teams and its default time zone",
        tags: ['identity'],
        querystring: Consistency,
        response: { 200: Me, ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const me = await inbox.me(principal.tenantId, principal.userId);
      // The key authenticated from the same tables a moment ago: a user gone since is a revoked key.
      if (!me) throw unauthorized('unknown or revoked API key');
      return me;
    },
  );
}
