import type { OutboundContent } from '@parley/events';

/**
 * What the WhatsApp Cloud API answered one send: the wamid, or Meta's error (code,
 * message, details). A network failure or a timeout is neither: it throws, because
 * whether Meta sent the message is then unknown.
 */
export type CloudApiAnswer = { ok: true; wamid: string } | { ok: false; httpStatus: number; code: number; title: string; details: string | null };

export interface CloudApiSend {
  phoneNumberId: string;
  accessToken: string;
  to: string;
  content: OutboundContent;
  /** Echoed back in status webhooks as biz_opaque_callback_data: our message id. */
  callbackData: string;
}

/** The request body the Cloud API documents for a text or template message. */
export function messageBody(send: Pick<CloudApiSend, 'to' | 'content' | 'callbackData'>): Record<string, unknown> {
  const { content } = send;
  const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: send.to, biz_opaque_callback_data: send.callbackData };
  if (content.type === 'text') return { ...base, type: 'text', text: { preview_url: content.previewUrl, body: content.body } };
  return { ...base, type: 'template', template: { name: content.name, language: { code: content.languageCode }, components: content.components } };
}

export class CloudApiClient {
  constructor(
    /** The Graph API's base, e.g. https://graph.facebook.com; the fake's in tests and the demo. */
    private readonly baseUrl: string,
    private readonly version = 'v21.0',
    private readonly timeoutMs = 10_000,
  ) {}

  async send(send: CloudApiSend): Promise<CloudApiAnswer> {
    const res = await fetch(`${this.baseUrl}/${this.version}/${encodeURIComponent(send.phoneNumberId)}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${send.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(messageBody(send)),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    if (res.ok) {
      const wamid = (json as { messages?: { id?: unknown }[] } | null)?.messages?.[0]?.id;
      if (typeof wamid === 'string' && wamid.length > 0) return { ok: true, wamid };
      throw new Error(`Cloud API answered ${res.status} without a message id`);
    }
    const error = (json as { error?: { code?: unknown; message?: unknown; error_data?: { details?: unknown } } } | null)?.error;
    return {
      ok: false,
      httpStatus: res.status,
      code: typeof error?.code === 'number' ? error.code : res.status,
      title: typeof error?.message === 'string' ? error.message.slice(0, 1000) : `HTTP ${res.status}`,
      details: typeof error?.error_data?.details === 'string' ? error.error_data.details.slice(0, 4000) : null,
    };
  }
}
