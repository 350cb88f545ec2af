import { describe, expect, it } from 'vitest';
import { type ContactCommand, type ContactState, contactDecider } from '../../src/domain/contact.ts';

const CONTACT = '22222222-2222-4222-8222-222222222222';

const observe = (profileName: string | null): ContactCommand => ({
  type: 'ObserveContact',
  contactId: CONTACT,
  waId: '16315551234',
  userId: null,
  profileName,
});

function given(...commands: ContactCommand[]): ContactState {
  let state = contactDecider.initialState();
  for (const command of commands) state = contactDecider.decide(command, state).reduce(contactDecider.evolve, state);
  return state;
}

describe('contact decider', () => {
  it('creates the contact on its first observation', () => {
    expect(contactDecider.decide(observe('Ada'), contactDecider.initialState())).toEqual([
      { type: 'ContactCreated', data: { contactId: CONTACT, waId: '16315551234', userId: null, profileName: 'Ada' } },
    ]);
    expect(given(observe('Ada'))).toEqual({ status: 'known', contactId: CONTACT, waId: '16315551234', userId: null, profileName: 'Ada' });
  });

  it('creates the contact even without a profile name', () => {
    expect(contactDecider.decide(observe(null), contactDecider.initialState())).toEqual([
      { type: 'ContactCreated', data: { contactId: CONTACT, waId: '16315551234', userId: null, profileName: null } },
    ]);
  });

  it('does nothing when the name is the same', () => {
    expect(contactDecider.decide(observe('Ada'), given(observe('Ada')))).toEqual([]);
  });

  it('updates the contact on a new name', () => {
    const state = given(observe('Ada'));
    expect(contactDecider.decide(observe('Ada Lovelace'), state)).toEqual([
      { type: 'ContactUpdated', data: { contactId: CONTACT, profileName: 'Ada Lovelace' } },
    ]);
    expect(given(observe('Ada'), observe('Ada Lovelace'))).toMatchObject({ status: 'known', profileName: 'Ada Lovelace' });
  });

  it('ignores a missing profile name on a known contact', () => {
    expect(contactDecider.decide(observe(null), given(observe('Ada')))).toEqual([]);
    expect(given(observe('Ada'), observe(null))).toMatchObject({ profileName: 'Ada' });
  });

  it('names a contact first seen without a name', () => {
    expect(contactDecider.decide(observe('Ada'), given(observe(null)))).toEqual([{ type: 'ContactUpdated', data: { contactId: CONTACT, profileName: 'Ada' } }]);
  });
});
