// The platform kit: what every Parley process shares at its edge. It imports only
// `events`; `command`, `projections` and `query` import it, never each other's edges.
export { loadConfig, type Config, type DeadLetterLimits, DEFAULT_DEAD_LETTER_LIMITS } from './config.ts';
export * from './errors.ts';
export { createEventStore } from './event-store.ts';
export { issueApiKey, parseApiKey, secretMatches, sha256Hex, constantTimeEquals, type ParsedApiKey } from './auth/api-keys.ts';
export {
  type Access,
  accessFor,
  allow,
  Authenticator,
  type IdentityPort,
  type PlatformKeys,
  type Principal,
  principalOf,
  registerAuthentication,
} from './auth/authentication.ts';
export { may, type Permission, ROLE_POLICY, rolesFor } from './auth/roles.ts';
export { edgeServerOptions, type EdgeOptions, MAX_NESTING, registerEdge, unstorableInput } from './http/edge.ts';
export { registerErrorHandler } from './http/error-handler.ts';
export { type Api, type ApiOptions, createApi } from './http/create-api.ts';
export { ErrorBody, errorResponses, LogPosition } from './http/wire.ts';
export { closeOnSignals } from './process.ts';
