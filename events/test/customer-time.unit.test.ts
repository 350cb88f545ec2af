import { describe, expect, it } from 'vitest';
import { customerSentAt, MAX_DELIVERY_AGE_MS } from '../src/index.ts';

const recorded = '2026-03-02T10:00:00.000Z';
const at = (sentAt: string) => new Date(customerSentAt({ sentAt }, { occurredAt: recorded })).toISOString();

describe('customer time of a received message', () => {
  it('is WhatsApp’s send time when the message reached us late', () => {
    expect(at('2026-03-02T09:40:00.000Z')).toBe('2026-03-02T09:40:00.000Z');
    expect(at('2026-02-23T10:00:00.000Z')).toBe('2026-02-23T10:00:00.000Z');
  });

  it('is never after we recorded the message (a send time ahead of our clock)', () => {
    expect(at('2026-03-02T10:04:00.000Z')).toBe(recorded);
    expect(at(recorded)).toBe(recorded);
  });

  it('is never more than 30 days before we recorded it (stamps stored before the webhook bounded them)', () => {
    expect(MAX_DELIVERY_AGE_MS).toBe(30 * 86_400_000);
    expect(at('1970-01-01T00:00:00.000Z')).toBe('2026-01-31T10:00:00.000Z');
    expect(at('2026-01-31T10:00:00.001Z')).toBe('2026-01-31T10:00:00.001Z');
  });
});
