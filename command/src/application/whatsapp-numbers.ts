import { decodeEvent, type EventStore, type Position } from '@parley/events';
import { constantTimeEquals, sha256Hex } from '@parley/kit';
import type { SecretBox } from '../auth/secret-box.ts';
import { numberIdFor, streams } from '../domain/ids.ts';
import {
  type MessageTemplate,
  templateKey,
  type WhatsAppNumberCommand,
  type WhatsAppNumberEvent,
  type WhatsAppNumberState,
  whatsappNumberDecider,
} from '../domain/whatsapp-number.ts';
import { type CommandContext, CommandHandler } from '../handling/command-handler.ts';

const VERIFY_TOKEN_REREAD_MS = 5_000;

/** What the webhook needs to know about a number. */
export interface ConnectedNumber {
  tenantId: string;
  numberId: string;
  phoneNumberId: string;
  appSecret: string;
}

export interface SendingCredentials {
  tenantId: string;
  numberId: string;
  accessToken: string;
  /** The token as the log holds it: names which token a refusal was about. */
  tokenSealed: string;
}

export class WhatsAppNumbers {
  private readonly numbers: CommandHandler<WhatsAppNumberCommand, WhatsAppNumberState, WhatsAppNumberEvent>;
  private readonly opened = new Map<string, ConnectedNumber>();
  private verifyTokens: { hashes: Set<string>; readAt: number } | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly secrets: SecretBox,
    private readonly clock: () => Date,
  ) {
    this.numbers = new CommandHandler(store, whatsappNumberDecider, { cacheSize: 10_000 });
  }

  async connect(
    input: { phoneNumberId: string; displayPhoneNumber: string; appSecret: string; verifyToken: string; accessToken?: string | null },
    context: CommandContext,
  ): Promise<{ numberId: string; position: Position }> {
    const numberId = numberIdFor(input.phoneNumberId);
    const result = await this.numbers.handle(
      streams.whatsappNumber(input.phoneNumberId),
      {
        type: 'ConnectNumber',
        data: {
          tenantId: context.tenantId,
          numberId,
          phoneNumberId: input.phoneNumberId,
          displayPhoneNumber: input.displayPhoneNumber,
          appSecretSealed: this.secrets.seal(input.appSecret),
          verifyTokenSha256: sha256Hex(input.verifyToken),
        },
        accessTokenSealed: input.accessToken ? this.secrets.seal(input.accessToken) : null,
      },
      context,
    );
    this.verifyTokens?.hashes.add(sha256Hex(input.verifyToken));
    return { numberId, position: result.position };
  }

  /** Replaces the number's access token (rotation, or after the Cloud API refused the old one). */
  async setAccessToken(phoneNumberId: string, accessToken: string, context: CommandContext): Promise<{ position: Position; events: string[] }> {
    const result = await this.numbers.handle(
      streams.whatsappNumber(phoneNumberId),
      { type: 'SetAccessToken', tenantId: context.tenantId, accessTokenSealed: this.secrets.seal(accessToken) },
      context,
    );
    return { position: result.position, events: result.events.map((e) => e.type) };
  }

  /**
   * What a send needs: the number's tenant and its access token, read from the log (a
   * rotation elsewhere is seen at once). null: not connected, or no usable token now.
   */
  async sendingCredentials(phoneNumberId: string): Promise<SendingCredentials | null> {
    const { state } = await this.numbers.load(streams.whatsappNumber(phoneNumberId));
    if (state.status !== 'connected' || state.accessTokenSealed === null) return null;
    return {
      tenantId: state.tenantId,
      numberId: state.numberId,
      accessToken: this.secrets.open(state.accessTokenSealed),
      tokenSealed: state.accessTokenSealed,
    };
  }

  /** The Cloud API refused `credentials`' token (error 190): the number waits for a new one. */
  async rejectAccessToken(phoneNumberId: string, credentials: SendingCredentials, reason: string, context: CommandContext): Promise<void> {
    await this.numbers.handle(streams.whatsappNumber(phoneNumberId), { type: 'RejectAccessToken', tokenSealed: credentials.tokenSealed, reason }, context);
  }

  /** Registers (or replaces) one of the number's message templates as Meta approved, paused or rejected it. */
  async setTemplate(phoneNumberId: string, template: MessageTemplate, context: CommandContext): Promise<{ position: Position; events: string[] }> {
    const result = await this.numbers.handle(streams.whatsappNumber(phoneNumberId), { type: 'SetTemplate', tenantId: context.tenantId, template }, context);
    return { position: result.position, events: result.events.map((e) => e.type) };
  }

  /** Sets how many messages a second the number may send (as Meta raised its throughput). */
  async setRate(phoneNumberId: string, messagesPerSecond: number, context: CommandContext): Promise<{ position: Position; events: string[] }> {
    const result = await this.numbers.handle(
      streams.whatsappNumber(phoneNumberId),
      { type: 'SetRate', tenantId: context.tenantId, messagesPerSecond },
      context,
    );
    return { position: result.position, events: result.events.map((e) => e.type) };
  }

  /** A template of the number, as sending checks it; null: not registered. */
  async template(phoneNumberId: string, name: string, language: string): Promise<MessageTemplate | null> {
    const { state } = await this.numbers.load(streams.whatsappNumber(phoneNumberId));
    return state.status === 'connected' ? (state.templates.get(templateKey(name, language)) ?? null) : null;
  }

  /** The number behind a webhook's phone_number_id; null when no tenant connected it. */
  async resolve(phoneNumberId: string): Promise<ConnectedNumber | null> {
    const known = this.opened.get(phoneNumberId);
    if (known) return known;
    const { state } = await this.numbers.load(streams.whatsappNumber(phoneNumberId));
    if (state.status !== 'connected') return null;
    const number = {
      tenantId: state.tenantId,
      numberId: state.numberId,
      phoneNumberId,
      appSecret: this.secrets.open(state.appSecretSealed),
    };
    // Connections are immutable today; disconnect/rotate will have to evict this.
    this.opened.set(phoneNumberId, number);
    return number;
  }

  /**
   * Meta's subscription handshake names no number, only the verify token: accept it when
   * any connected number was registered with that token. The known token hashes are read
   * from the log at most every few seconds, so an unauthenticated endpoint cannot make
   * the service scan the log on every request.
   */
  async isKnownVerifyToken(token: string): Promise<boolean> {
    const wanted = sha256Hex(token);
    const now = this.clock().getTime();
    if (!this.verifyTokens || (!this.verifyTokens.hashes.has(wanted) && now - this.verifyTokens.readAt > VERIFY_TOKEN_REREAD_MS)) {
      this.verifyTokens = { hashes: await this.readVerifyTokenHashes(), readAt: now };
    }
    for (const hash of this.verifyTokens.hashes) if (constantTimeEquals(hash, wanted)) return true;
    return false;
  }

  private async readVerifyTokenHashes(): Promise<Set<string>> {
    const hashes = new Set<string>();
    let after: Position | undefined;
    for (;;) {
      const page = await this.store.readAll({ after, maxCount: 1000, filter: { eventTypes: ['WhatsAppNumberConnected'] } });
      for (const recorded of page.events) {
        const { event } = decodeEvent(recorded);
        if (event.type === 'WhatsAppNumberConnected') hashes.add(event.data.verifyTokenSha256);
      }
      if (page.events.length < 1000) return hashes;
      after = page.next;
    }
  }
}
