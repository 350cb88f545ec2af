import type { EventMetadata, ParleyEvent } from '@parley/events';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METERS, groupKey, phoneCountry, readMeter } from '../../src/usage/meters.ts';

const metadata: EventMetadata = {
  eventId: '6f1c1b7e-3a52-4d5e-9f00-1a2b3c4d5e6f',
  tenantId: '0b7f7e0a-1c2d-4e3f-8a9b-0c1d2e3f4a5b',
  schemaVersion: 1,
  occurredAt: '2026-10-25T00:30:00.000Z',
  correlationId: 't',
  causationId: null,
  actor: { type: 'system', id: 't' },
};
const meter = (key: string) => DEFAULT_METERS.find((m) => m.key === key)!;
const delivered = (recipientId: string, pricing: { billable: boolean | null; category: string | null } | null): ParleyEvent => ({
  type: 'MessageDelivered',
  data: {
    wamid: 'wamid.1',
    messageId: null,
    conversationId: null,
    recipientId,
    at: metadata.occurredAt,
    pricing: pricing && { ...pricing, pricingModel: 'PMP', type: 'regular' },
    whatsappConversation: null,
  },
});

describe('meters', () => {
  it('reads a billable delivery by category and the recipient’s country', () => {
    const reading = readMeter(meter('billable_templates_delivered'), {
      event: delivered('14158212345', { billable: true, category: 'marketing' }),
      metadata,
      derived: {},
    });
    expect(reading).toEqual({ group: { category: 'marketing', country: 'US' }, value: 1, subject: '' });
    expect(groupKey(meter('billable_templates_delivered'), reading!.group)).toBe('{"category":"marketing","country":"US"}');
  });

  it('skips what the filters refuse: free, unpriced, or another event type', () => {
    const m = meter('billable_templates_delivered');
    expect(readMeter(m, { event: delivered('14158212345', { billable: false, category: 'service' }), metadata, derived: {} })).toBeNull();
    expect(readMeter(m, { event: delivered('14158212345', { billable: null, category: null }), metadata, derived: {} })).toBeNull();
    expect(readMeter(m, { event: delivered('14158212345', null), metadata, derived: {} })).toBeNull();
    expect(readMeter(meter('messages_sent'), { event: delivered('14158212345', null), metadata, derived: {} })).toBeNull();
  });

  it('tells countries sharing a calling code apart, and names a number outside every plan by its code', () => {
    expect(phoneCountry('14158212345')).toBe('US');
    expect(phoneCountry('16132312345')).toBe('CA');
    expect(phoneCountry('77012345678')).toBe('KZ');
    expect(phoneCountry('4477009012345')).toBe('+44');
    expect(phoneCountry('0')).toBe('unknown');
  });

  it('reads the seat gauge from the projector’s derived value', () => {
    const event: ParleyEvent = { type: 'UserDeactivated', data: { userId: metadata.eventId } };
    expect(readMeter(meter('agent_seats'), { event, metadata, derived: { activeSeats: 3 } })).toEqual({ group: {}, value: 3, subject: '' });
  });
});
