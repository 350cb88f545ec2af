export { createCommandPlatform, type CommandPlatform, type CommandPlatformOptions } from './command-platform.ts';
export { loadConfig, type Config } from './config.ts';
// The HTTP edge the query side shares: same API keys, same error answers.
export { Tenancy, type Principal, type TenancyOptions } from './application/tenancy.ts';
export { Authenticator, registerAuthentication, principalOf, type Access, type PlatformKeys } from './http/authentication.ts';
export { registerErrorHandler, type ErrorBody } from './http/error-handler.ts';
export { edgeServerOptions, registerEdge, type EdgeOptions } from './http/edge.ts';
export * from './errors.ts';
export { seedDemo, type DemoTenant } from './demo/seed-demo.ts';
