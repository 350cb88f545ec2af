// Test support for other packages' tests and benchmarks: generated conversations with
// known metrics, appended to a store as the command side would.
export * from './conversation-generator.ts';
export * from './usage-generator.ts';
