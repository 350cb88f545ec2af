import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contactIdFor, conversationIdFor, deterministicId, numberIdFor, parseConversationId, threadKeyFor } from '../../src/domain/ids.ts';

const TENANT = '11111111-1111-4111-8111-111111111111';
const CONTACT = '22222222-2222-4222-8222-222222222222';
const MAX_SEQ = 2 ** 26 - 1;

const Uuid = z.uuid();
const UuidV5 = z.uuid({ version: 'v5' });

const threadKeys = [
  threadKeyFor(TENANT, '106540352242922', CONTACT),
  threadKeyFor(TENANT, '106540352242923', CONTACT),
  threadKeyFor('another-tenant', '1', '2'),
  '000000000000000000000000',
  '000000000000000000000001',
  'ffffffffffffffffffffffff',
  '0123456789abcdef01234567',
  '800000000000000000000000',
];

describe('threadKeyFor', () => {
  it('is 24 lowercase hex characters, stable, and differs by its inputs', () => {
    const key = threadKeyFor(TENANT, '106540352242922', CONTACT);
    expect(key).toMatch(/^[0-9a-f]{24}$/);
    expect(threadKeyFor(TENANT, '106540352242922', CONTACT)).toBe(key);
    expect(threadKeyFor(TENANT, '106540352242923', CONTACT)).not.toBe(key);
  });
});

describe('conversationIdFor / parseConversationId', () => {
  for (const threadKey of threadKeys) {
    for (const seq of [1, 2, 3, 1000, MAX_SEQ]) {
      it(`round-trips thread ${threadKey}, conversation ${seq}`, () => {
        const id = conversationIdFor(threadKey, seq);
        expect(parseConversationId(id)).toEqual({ threadKey, seq });
        expect(parseConversationId(id.toUpperCase())).toEqual({ threadKey, seq });
      });
    }
  }

  it('produces valid v8 UUIDs', () => {
    for (const threadKey of threadKeys) {
      for (const seq of [1, 2, MAX_SEQ]) {
        const id = conversationIdFor(threadKey, seq);
        expect(Uuid.safeParse(id).success, id).toBe(true);
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }
    }
  });

  it('gives distinct ids to distinct conversations', () => {
    const ids = new Set<string>();
    for (const threadKey of threadKeys) for (const seq of [1, 2, 3, MAX_SEQ]) ids.add(conversationIdFor(threadKey, seq));
    expect(ids.size).toBe(threadKeys.length * 4);
  });

  it('is deterministic', () => {
    expect(conversationIdFor(threadKeys[0]!, 7)).toBe(conversationIdFor(threadKeys[0]!, 7));
  });

  it('rejects conversation number 0, negatives and numbers beyond 26 bits', () => {
    for (const seq of [0, -1, MAX_SEQ + 1, 2 ** 32]) {
      expect(() => conversationIdFor(threadKeys[0]!, seq), String(seq)).toThrow(RangeError);
    }
  });

  it('returns null for random v4 UUIDs', () => {
    for (let i = 0; i < 50; i++) expect(parseConversationId(randomUUID())).toBeNull();
  });

  it('returns null for garbage', () => {
    const garbage = [
      '',
      'not-a-uuid',
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      'zzzzzzzz-zzzz-8zzz-8zzz-zzzzzzzzzzzz',
      `${conversationIdFor(threadKeys[0]!, 1)}0`,
      conversationIdFor(threadKeys[0]!, 1).replace(/-/g, ''),
      ` ${conversationIdFor(threadKeys[0]!, 1)}`,
      // a v8 UUID with a wrong variant
      conversationIdFor(threadKeys[0]!, 1).replace(/-[89ab]([0-9a-f]{3})-/, '-c$1-'),
    ];
    for (const id of garbage) expect(parseConversationId(id), id).toBeNull();
  });

  it('returns null for a v8 UUID whose conversation number is 0', () => {
    // Thread key 0, seq 0: every payload bit is zero.
    expect(parseConversationId('00000000-0000-8000-8000-000000000000')).toBeNull();
  });
});

describe('deterministicId', () => {
  it('is stable for the same parts', () => {
    expect(deterministicId('message', 'wamid.1')).toBe(deterministicId('message', 'wamid.1'));
    expect(contactIdFor(TENANT, { waId: '16315551234', userId: null })).toBe(contactIdFor(TENANT, { waId: '16315551234', userId: null }));
    expect(numberIdFor('106540352242922')).toBe(numberIdFor('106540352242922'));
  });

  it('differs for different parts', () => {
    const ids = [
      deterministicId('message', 'wamid.1'),
      deterministicId('message', 'wamid.2'),
      deterministicId('status', 'wamid.1'),
      deterministicId('messagewamid.1'),
      deterministicId('message', 'wamid', '1'),
      contactIdFor(TENANT, { waId: '16315551234', userId: null }),
      contactIdFor(TENANT, { waId: null, userId: '16315551234' }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is a valid v5 UUID', () => {
    for (const id of [
      deterministicId('message', 'wamid.1'),
      deterministicId(''),
      numberIdFor('106540352242922'),
      contactIdFor(TENANT, { waId: null, userId: 'u' }),
    ]) {
      expect(Uuid.safeParse(id).success, id).toBe(true);
      expect(UuidV5.safeParse(id).success, id).toBe(true);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('is not mistaken for a conversation id', () => {
    expect(parseConversationId(deterministicId('message', 'wamid.1'))).toBeNull();
  });
});
