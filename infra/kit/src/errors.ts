/**
 * Typed errors carrying their HTTP status. The domain throws them; the HTTP edge maps
 * them to responses in one place (see http/error-handler.ts).
 */
export type ErrorCode = 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'unprocessable' | 'too_many_requests';

const statusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  too_many_requests: 429,
};

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.status = statusOf[code];
  }
}

export const badRequest = (m: string) => new AppError('bad_request', m);
export const unauthorized = (m: string) => new AppError('unauthorized', m);
export const forbidden = (m: string) => new AppError('forbidden', m);
export const notFound = (m: string) => new AppError('not_found', m);
export const conflict = (m: string) => new AppError('conflict', m);
export const unprocessable = (m: string) => new AppError('unprocessable', m);
export const tooManyRequests = (m: string) => new AppError('too_many_requests', m);

/** A page cursor this API did not issue, or issued for another sort or other filters: a 400. */
export class InvalidCursorError extends AppError {
  constructor(message: string) {
    super('bad_request', message);
  }
}
