import type { EventOf } from '@parley/events';
import { assertNever, type Decider } from './decider.ts';

/** One stream per Stripe customer, payment intent or charge: the tenant it belongs to. */
export type StripeLinkEvent = EventOf<'StripeObjectLinked'>;

export type StripeLinkState = { status: 'none' } | { status: 'linked'; tenantId: string };

export type StripeLinkCommand = { type: 'Link'; objectId: string; tenantId: string };

export const stripeLinkDecider: Decider<StripeLinkCommand, StripeLinkState, StripeLinkEvent> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'Link':
        // The first link wins: a later claim by another tenant's metadata is not believed.
        return state.status === 'none' ? [{ type: 'StripeObjectLinked', data: { objectId: command.objectId, tenantId: command.tenantId } }] : [];
      default:
        return assertNever(command.type);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'StripeObjectLinked':
        return state.status === 'none' ? { status: 'linked', tenantId: event.data.tenantId } : state;
      default:
        return assertNever(event.type);
    }
  },
};
