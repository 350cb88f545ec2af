// Test support for other packages' tests, the demo and benchmarks: WhatsApp webhook
// bodies as Meta documents them, their signatures, and where the command side files
// what they carry.

export { contactIdFor, conversationIdFor, threadKeyFor } from '../src/domain/ids.ts';
export * from './stripe-fake.ts';
export * from './webhook-fixtures.ts';
