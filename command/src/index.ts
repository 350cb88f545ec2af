export { type InvoiceStep, Invoicing } from './application/invoicing.ts';
export { type AttemptResult, Outbound, type OutboundSend, type SendingCredentials, type SendOutcome } from './application/outbound.ts';
export { type CommandPlatform, type CommandPlatformOptions, commandPlatformOptions, createCommandPlatform } from './command-platform.ts';
export type { InvoiceState } from './domain/invoice.ts';
