import type { EventOf } from '@parley/events';
import { conflict, notFound } from '@parley/kit';
import { assertNever, type Decider } from './decider.ts';

/** One stream per Meta phone_number_id: a number belongs to one tenant, platform-wide. */
export type WhatsAppNumberEvent = EventOf<
  'WhatsAppNumberConnected' | 'WhatsAppAccessTokenSet' | 'WhatsAppAccessTokenRejected' | 'WhatsAppTemplateSet' | 'WhatsAppNumberRateSet'
>;

/** A template as sending checks it. */
export type MessageTemplate = Omit<EventOf<'WhatsAppTemplateSet'>['data'], 'numberId' | 'phoneNumberId'>;
export const templateKey = (name: string, language: string) => `${name}\u0000${language}`;

/** The same template, field for field, whatever order a request listed its fields in. */
const canonical = (t: MessageTemplate) => [t.name, t.language, t.category, t.status, t.components.map((c) => [c.type, c.index, c.parameters])];

type Connection = EventOf<'WhatsAppNumberConnected'>['data'];

export type WhatsAppNumberState =
  | { status: 'unconnected' }
  | ({
      status: 'connected';
      /** Sealed; null: the number was connected without one, or the Cloud API refused it. */
      accessTokenSealed: string | null;
      /** Why the last token stopped working, until a new one is set. */
      tokenRejected: string | null;
      /** By templateKey(name, language). */
      templates: Map<string, MessageTemplate>;
      /** Messages a second; null: the platform's default. */
      messagesPerSecond: number | null;
    } & Connection);

export type WhatsAppNumberCommand =
  | { type: 'ConnectNumber'; data: Connection; accessTokenSealed: string | null }
  | { type: 'SetAccessToken'; tenantId: string; accessTokenSealed: string }
  /** `tokenSealed`: the token the refused send used, so a token set since is not withdrawn. */
  | { type: 'RejectAccessToken'; tokenSealed: string; reason: string }
  | { type: 'SetTemplate'; tenantId: string; template: MessageTemplate }
  | { type: 'SetRate'; tenantId: string; messagesPerSecond: number };

export const whatsappNumberDecider: Decider<WhatsAppNumberCommand, WhatsAppNumberState, WhatsAppNumberEvent> = {
  initialState: () => ({ status: 'unconnected' }),

  decide(command, state) {
    switch (command.type) {
      case 'ConnectNumber': {
        if (state.status === 'connected') throw conflict(`phone number ${command.data.phoneNumberId} is already connected`);
        const { numberId, phoneNumberId } = command.data;
        return [
          { type: 'WhatsAppNumberConnected', data: command.data },
          ...(command.accessTokenSealed === null
            ? []
            : [{ type: 'WhatsAppAccessTokenSet' as const, data: { numberId, phoneNumberId, accessTokenSealed: command.accessTokenSealed } }]),
        ];
      }
      case 'SetAccessToken':
        // Another tenant's number looks like one that does not exist.
        if (state.status !== 'connected' || state.tenantId !== command.tenantId) throw notFound('WhatsApp number not found');
        return [
          {
            type: 'WhatsAppAccessTokenSet',
            data: { numberId: state.numberId, phoneNumberId: state.phoneNumberId, accessTokenSealed: command.accessTokenSealed },
          },
        ];
      case 'RejectAccessToken':
        if (state.status !== 'connected' || state.accessTokenSealed !== command.tokenSealed) return [];
        return [{ type: 'WhatsAppAccessTokenRejected', data: { numberId: state.numberId, phoneNumberId: state.phoneNumberId, reason: command.reason } }];
      case 'SetTemplate': {
        if (state.status !== 'connected' || state.tenantId !== command.tenantId) throw notFound('WhatsApp number not found');
        const { template } = command;
        const known = state.templates.get(templateKey(template.name, template.language));
        if (known && JSON.stringify(canonical(known)) === JSON.stringify(canonical(template))) return [];
        return [{ type: 'WhatsAppTemplateSet', data: { numberId: state.numberId, phoneNumberId: state.phoneNumberId, ...template } }];
      }
      case 'SetRate': {
        if (state.status !== 'connected' || state.tenantId !== command.tenantId) throw notFound('WhatsApp number not found');
        if (state.messagesPerSecond === command.messagesPerSecond) return [];
        return [
          {
            type: 'WhatsAppNumberRateSet',
            data: { numberId: state.numberId, phoneNumberId: state.phoneNumberId, messagesPerSecond: command.messagesPerSecond },
          },
        ];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'WhatsAppNumberConnected':
        return { status: 'connected', ...event.data, accessTokenSealed: null, tokenRejected: null, templates: new Map(), messagesPerSecond: null };
      case 'WhatsAppAccessTokenSet':
        return state.status === 'connected' ? { ...state, accessTokenSealed: event.data.accessTokenSealed, tokenRejected: null } : state;
      case 'WhatsAppAccessTokenRejected':
        return state.status === 'connected' ? { ...state, accessTokenSealed: null, tokenRejected: event.data.reason } : state;
      case 'WhatsAppNumberRateSet':
        return state.status === 'connected' ? { ...state, messagesPerSecond: event.data.messagesPerSecond } : state;
      case 'WhatsAppTemplateSet': {
        if (state.status !== 'connected') return state;
        const { numberId: _n, phoneNumberId: _p, ...template } = event.data;
        state.templates.set(templateKey(template.name, template.language), template);
        return state;
      }
      default:
        return assertNever(event);
    }
  },
};
