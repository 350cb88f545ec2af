// Builders of WhatsApp webhook bodies and their signatures, for other packages' tests and benchmarks.
export * from './whatsapp/webhook-fixtures.ts';
