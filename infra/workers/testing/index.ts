// Test support for other packages' tests and the demo: a local WhatsApp Cloud API.

export * from './fake-cloud-api.ts';
