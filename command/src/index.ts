export { type AttemptResult, Outbound, type OutboundSend, type SendingCredentials, type SendOutcome } from './application/outbound.ts';
export { type CommandPlatform, type CommandPlatformOptions, commandPlatformOptions, createCommandPlatform } from './command-platform.ts';
