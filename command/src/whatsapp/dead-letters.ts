import { createHash } from 'node:crypto';
import type pg from 'pg';

export type DeadLetterReason =
  | 'unknown_phone_number_id'
  | 'unhandled_field'
  | 'unhandled_status'
  | 'whatsapp_errors'
  | 'invalid_payload';

export interface DeadLetter {
  reason: DeadLetterReason;
  phoneNumberId: string | null;
  /** Whether the signature was checked and matched (unknown numbers cannot be checked). */
  signatureVerified: boolean;
  detail: string | null;
  payload: unknown;
}

/**
 * Webhook content Parley cannot act on is kept here, never dropped: payloads for numbers
 * nobody connected (yet), fields and statuses we do not handle, WhatsApp's error reports.
 */
export class DeadLetters {
  constructor(private readonly pool: pg.Pool) {}

  async migrate(): Promise<void> {
    await this.pool.query(`CREATE TABLE IF NOT EXISTS webhook_dead_letters (
      id bigserial PRIMARY KEY,
      received_at timestamptz NOT NULL DEFAULT now(),
      reason text NOT NULL,
      phone_number_id text,
      signature_verified boolean NOT NULL,
      detail text,
      payload jsonb NOT NULL,
      -- WhatsApp redelivers: the same content for the same reason is kept once.
      fingerprint text NOT NULL UNIQUE
    )`);
  }

  async add(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.pool.query(
      `INSERT INTO webhook_dead_letters (reason, phone_number_id, signature_verified, detail, payload, fingerprint)
       SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[], $5::jsonb[], $6::text[])
       ON CONFLICT (fingerprint) DO NOTHING`,
      [
        letters.map((l) => l.reason),
        letters.map((l) => l.phoneNumberId),
        letters.map((l) => l.signatureVerified),
        letters.map((l) => l.detail),
        letters.map((l) => JSON.stringify(l.payload)),
        letters.map((l) => createHash('sha256').update(`${l.reason}\u001f${l.detail ?? ''}\u001f${JSON.stringify(l.payload)}`).digest('hex')),
      ],
    );
  }

  async list(limit = 100): Promise<Array<DeadLetter & { id: string; receivedAt: Date }>> {
    const res = await this.pool.query<{
      id: string;
      received_at: Date;
      reason: DeadLetterReason;
      phone_number_id: string | null;
      signature_verified: boolean;
      detail: string | null;
      payload: unknown;
    }>('SELECT * FROM webhook_dead_letters ORDER BY id DESC LIMIT $1', [limit]);
    return res.rows.map((r) => ({
      id: r.id,
      receivedAt: r.received_at,
      reason: r.reason,
      phoneNumberId: r.phone_number_id,
      signatureVerified: r.signature_verified,
      detail: r.detail,
      payload: r.payload,
    }));
  }
}
