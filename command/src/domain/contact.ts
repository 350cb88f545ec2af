import type { EventOf } from '@parley/events';
import { assertNever, type Decider } from './decider.ts';

export type ContactEvent = EventOf<'ContactCreated' | 'ContactUpdated'>;

export type ContactState =
  | { status: 'unknown' }
  | { status: 'known'; contactId: string; waId: string | null; userId: string | null; profileName: string | null };

/** WhatsApp tells us who wrote: the first sighting creates the contact, a new profile name updates it. */
export type ContactCommand = {
  type: 'ObserveContact';
  contactId: string;
  waId: string | null;
  userId: string | null;
  profileName: string | null;
};

export const contactDecider: Decider<ContactCommand, ContactState, ContactEvent> = {
  initialState: () => ({ status: 'unknown' }),

  decide(command, state) {
    switch (command.type) {
      case 'ObserveContact': {
        const { contactId, waId, userId, profileName } = command;
        if (state.status === 'unknown') return [{ type: 'ContactCreated', data: { contactId, waId, userId, profileName } }];
        // A message without a profile name says nothing about the name.
        if (profileName !== null && profileName !== state.profileName) {
          return [{ type: 'ContactUpdated', data: { contactId, profileName } }];
        }
        return [];
      }
      default:
        return assertNever(command.type);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ContactCreated':
        return { status: 'known', ...event.data };
      case 'ContactUpdated':
        return state.status === 'known' ? { ...state, profileName: event.data.profileName } : state;
      default:
        return assertNever(event);
    }
  },
};
