export { createCommandPlatform, type CommandPlatform, type CommandPlatformOptions } from './command-platform.ts';
export { loadConfig, type Config } from './config.ts';
// The HTTP edge the query side shares: same API keys, same error answers.
export { Tenancy, type Principal } from './application/tenancy.ts';
export { Authenticator, registerAuthentication, principalOf, type Access } from './http/authentication.ts';
export { registerErrorHandler, type ErrorBody } from './http/error-handler.ts';
export * from './errors.ts';
export { seedDemo, type DemoTenant } from './demo/seed-demo.ts';
