import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../errors.ts';
import type { ErrorBody } from './wire.ts';

/** The one place where errors become HTTP answers. 5xx answers never show internals. */
export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      return reply.status(error.status).send({ error: error.code, message: error.message } satisfies ErrorBody);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const message = error.validation
        .slice(0, 5)
        .map((v) => `${[error.validationContext ?? 'request', ...v.instancePath.split('/').filter(Boolean)].join('.')}: ${v.message ?? 'invalid'}`)
        .join('; ');
      return reply.status(400).send({ error: 'bad_request', message } satisfies ErrorBody);
    }
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send({ error: 'bad_request', message: error.message } satisfies ErrorBody);
    }
    const answered = status >= 500 && status < 600 ? status : 500;
    // Logged whatever the log setting: the answer hides the cause, so this line is all there is.
    request.log.error({ err: error, req: request.raw, status: answered }, 'request failed');
    return reply.status(answered).send({
      error: 'internal',
      message: `internal error (request ${request.id})`,
    } satisfies ErrorBody);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url}` } satisfies ErrorBody),
  );
}
