import { describe, expect, it } from 'vitest';
import { eventCatalog, publicWebhookOf, WEBHOOK_EVENT_TYPES } from '../src/index.ts';

describe('public webhooks', () => {
  it('maps UsageQuotaReached to usage.quota_reached, version 1: the period and units, not the internal shape', () => {
    const data = eventCatalog.UsageQuotaReached[1].parse({
      tenantId: '6b0f5a3e-3a44-4d5c-9a57-1d2a3c4b5e6f',
      meter: 'messages_received',
      period: { start: '2026-12-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' },
      threshold: 80,
      includedUnits: 1000,
      usedUnits: 812,
      at: '2026-12-07T12:00:00.000Z',
    });
    const hook = publicWebhookOf({ type: 'UsageQuotaReached', data }, { occurredAt: '2026-12-07T12:00:00.000Z' });
    expect(hook).toEqual({
      type: 'usage.quota_reached',
      timestamp: '2026-12-07T12:00:00.000Z',
      data: {
        meter: 'messages_received',
        periodStart: '2026-12-01T00:00:00.000Z',
        periodEnd: '2027-01-01T00:00:00.000Z',
        thresholdPercent: 80,
        includedUnits: 1000,
        usedUnits: 812,
      },
    });
    expect(WEBHOOK_EVENT_TYPES).toContain(hook?.type);
  });

  it('refuses a threshold other than 80 or 100', () => {
    const base = { tenantId: '6b0f5a3e-3a44-4d5c-9a57-1d2a3c4b5e6f', meter: 'm', period: { start: '2026-12-01T00:00:00Z', end: '2027-01-01T00:00:00Z' } };
    expect(eventCatalog.UsageQuotaReached[1].safeParse({ ...base, threshold: 90, includedUnits: 1, usedUnits: 1, at: '2026-12-07T12:00:00Z' }).success).toBe(
      false,
    );
  });
});
