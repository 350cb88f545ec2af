// The platform kit: what every Parley process shares at its edge. It imports only
// `events`; `command`, `projections` and `query` import it, never each other's edges.

export { constantTimeEquals, issueApiKey, type ParsedApiKey, parseApiKey, secretMatches, sha256Hex } from './auth/api-keys.ts';
export {
  type Access,
  accessFor,
  allow,
  allowOrPlatformAdmin,
  type IdentityPort,
  type PlatformKeys,
  type Principal,
  principalOf,
} from './auth/authentication.ts';
export { may, type Permission, ROLE_POLICY, rolesFor } from './auth/roles.ts';
export {
  type Config,
  DEFAULT_DEAD_LETTER_LIMITS,
  DEFAULT_DUNNING_POLICY,
  DEFAULT_INVOICE_POLICY,
  type DeadLetterLimits,
  type DunningPolicy,
  type InvoicePolicy,
  loadConfig,
} from './config.ts';
export * from './errors.ts';
export { createEventStore } from './event-store.ts';
export { type Api, type ApiOptions, createApi } from './http/create-api.ts';
export { MAX_NESTING } from './http/edge.ts';
export { type WebhookTargetPolicy, webhookTargetProblem } from './http/webhook-target.ts';
export { ErrorBody, errorResponses, LogPosition } from './http/wire.ts';
export { closeOnSignals } from './process.ts';
