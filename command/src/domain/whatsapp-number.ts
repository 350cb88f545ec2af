import type { EventOf } from '@parley/events';
import { conflict } from '@parley/kit';
import { assertNever, type Decider } from './decider.ts';

/** One stream per Meta phone_number_id: a number belongs to one tenant, platform-wide. */
export type WhatsAppNumberEvent = EventOf<'WhatsAppNumberConnected'>;

export type WhatsAppNumberState = { status: 'unconnected' } | ({ status: 'connected' } & WhatsAppNumberEvent['data']);

export type WhatsAppNumberCommand = { type: 'ConnectNumber'; data: WhatsAppNumberEvent['data'] };

export const whatsappNumberDecider: Decider<WhatsAppNumberCommand, WhatsAppNumberState, WhatsAppNumberEvent> = {
  initialState: () => ({ status: 'unconnected' }),

  decide(command, state) {
    switch (command.type) {
      case 'ConnectNumber':
        if (state.status === 'connected') throw conflict(`phone number ${command.data.phoneNumberId} is already connected`);
        return [{ type: 'WhatsAppNumberConnected', data: command.data }];
      default:
        return assertNever(command.type);
    }
  },

  evolve: (_state, event) => ({ status: 'connected', ...event.data }),
};
