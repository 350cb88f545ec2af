import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { Authenticator, accessFor, authentication, type IdentityPort, type PlatformKeys } from '../auth/authentication.ts';
import { edgeServerOptions, registerEdge } from './edge.ts';

export interface ApiOptions {
  /** OpenAPI title and description. */
  title: string;
  description: string;
  /** Resolves tenant users' keys; absent: the API serves only public and platform routes. */
  identity?: IdentityPort;
  /** The current key, or during a rotation the current and the previous one. */
  platformAdminKey: PlatformKeys;
  platformAnalystKey?: PlatformKeys | null;
  /** Request logs (PARLEY_LOG=true). Off, 5xx answers are still logged. */
  requestLog?: boolean;
  bodyLimit?: number;
}

const typed = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>();
/** A Fastify app whose routes take their types from zod schemas. */
export type Api = ReturnType<typeof typed>;

const noIdentity: IdentityPort = { authenticate: async () => null };

/**
 * A Fastify app with what every Parley API shares, in load order: the edge (request ids,
 * error answers, input guard), zod validation and serialization, OpenAPI at
 * /openapi.json, and authentication by each route's declared `access`.
 */
export async function createApi(options: ApiOptions): Promise<Api> {
  const app = Fastify({ ...edgeServerOptions({ requestLog: options.requestLog ?? false }), ...(options.bodyLimit && { bodyLimit: options.bodyLimit }) });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerEdge(app);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: options.title, version: '1.0.0', description: options.description },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(authentication, { auth: new Authenticator(options.identity ?? noIdentity, options.platformAdminKey, options.platformAnalystKey ?? null) });
  const api = typed(app);
  api.get('/openapi.json', { config: accessFor('public'), schema: { hide: true } }, async () => app.swagger());
  return api;
}
