import { createHash } from 'node:crypto';
import { DEFAULT_DEAD_LETTER_LIMITS, type DeadLetterLimits } from '@parley/kit';
import type pg from 'pg';

export type DeadLetterReason = 'unknown_phone_number_id' | 'unhandled_field' | 'unhandled_status' | 'whatsapp_errors' | 'invalid_payload';

export interface DeadLetter {
  reason: DeadLetterReason;
  phoneNumberId: string | null;
  /** Whether the signature was checked and matched (unknown numbers cannot be checked). */
  signatureVerified: boolean;
  detail: string | null;
  payload: unknown;
}

export interface StoredDeadLetter extends DeadLetter {
  id: string;
  receivedAt: Date;
  /** Size of the payload JSON as received (null: kept before sizes were recorded). */
  payloadBytes: number | null;
  /** The payload is the first bytes of its JSON, as one string. */
  payloadTruncated: boolean;
}

export interface DeadLetterCount {
  hour: Date;
  reason: DeadLetterReason;
  /** `(other)`: numbers beyond the first hundred counted in that hour. */
  phoneNumberId: string | null;
  letters: number;
  bytes: number;
  lastAt: Date;
}

/** Numbers counted on rows of their own per hour; the rest share one, so counters stay bounded too. */
const COUNTED_NUMBERS_PER_HOUR = 100;
const OTHER_NUMBERS = '(other)';
/** A phone_number_id nobody connected is whatever the sender wrote: kept this long at most. */
const UNSIGNED_NUMBER_CHARS = 64;
const UNSIGNED_LOCK_KEY = 7_240_519_101;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Row {
  reason: DeadLetterReason;
  phoneNumberId: string | null;
  signatureVerified: boolean;
  detail: string | null;
  payload: string;
  payloadBytes: number;
  payloadTruncated: boolean;
  fingerprint: string;
  /** The fingerprint of earlier versions, which kept one copy across tenants and numbers. */
  legacyFingerprint: string;
}

/**
 * Webhook content Parley cannot act on is kept here: payloads for numbers nobody connected
 * (yet), fields and statuses we do not handle, WhatsApp's error reports. Signed content is
 * kept whole, always. Unsigned content can come from anyone, so it is bounded (see
 * DeadLetterLimits): a sample is kept and the rest counted.
 */
export class DeadLetters {
  constructor(
    private readonly pool: pg.Pool,
    private readonly limits: DeadLetterLimits = DEFAULT_DEAD_LETTER_LIMITS,
    private readonly clock: () => Date = () => new Date(),
  ) {}

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
    await this.pool.query(`ALTER TABLE webhook_dead_letters
      ADD COLUMN IF NOT EXISTS payload_bytes integer,
      ADD COLUMN IF NOT EXISTS payload_truncated boolean NOT NULL DEFAULT false`);
    await this.pool.query('CREATE INDEX IF NOT EXISTS webhook_dead_letters_unsigned ON webhook_dead_letters (received_at) WHERE NOT signature_verified');
    await this.pool.query(`CREATE TABLE IF NOT EXISTS webhook_dead_letter_counts (
      hour timestamptz NOT NULL,
      reason text NOT NULL,
      phone_number_id text NOT NULL,
      letters bigint NOT NULL,
      bytes bigint NOT NULL,
      last_at timestamptz NOT NULL,
      PRIMARY KEY (hour, reason, phone_number_id)
    )`);
  }

  async add(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const signed = letters.filter((l) => l.signatureVerified);
    const unsigned = letters.filter((l) => !l.signatureVerified);
    const now = this.clock();
    if (signed.length > 0)
      await this.insert(
        this.pool,
        now,
        signed.map((l) => this.row(l)),
      );
    if (unsigned.length > 0)
      await this.addUnsigned(
        now,
        unsigned.map((l) => this.row(l)),
      );
  }

  private row(letter: DeadLetter): Row {
    const json = JSON.stringify(letter.payload);
    const bytes = Buffer.byteLength(json);
    const cut = !letter.signatureVerified && bytes > this.limits.unsignedMaxPayloadBytes;
    const phoneNumberId = letter.signatureVerified ? letter.phoneNumberId : (letter.phoneNumberId?.slice(0, UNSIGNED_NUMBER_CHARS) ?? null);
    return {
      reason: letter.reason,
      phoneNumberId,
      signatureVerified: letter.signatureVerified,
      detail: letter.detail,
      // Cut JSON is no JSON: the head is kept as a JSON string.
      payload: cut ? JSON.stringify(Buffer.from(json).subarray(0, this.limits.unsignedMaxPayloadBytes).toString('utf8')) : json,
      payloadBytes: bytes,
      payloadTruncated: cut,
      // The number and whether it was signed are part of what was received: the same
      // content for two tenants' numbers is two letters, and an unsigned copy never
      // stands in for a signed one.
      fingerprint: sha256(JSON.stringify([letter.reason, letter.phoneNumberId, letter.signatureVerified, letter.detail, json])),
      legacyFingerprint: sha256(`${letter.reason}\u001f${letter.detail ?? ''}\u001f${json}`),
    };
  }

  private async insert(db: pg.Pool | pg.PoolClient, now: Date, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    await db.query(
      `INSERT INTO webhook_dead_letters
         (received_at, reason, phone_number_id, signature_verified, detail, payload, payload_bytes, payload_truncated, fingerprint)
       SELECT $1, x.reason, x.number, x.signed, x.detail, x.payload, x.bytes, x.cut, x.fp
       FROM unnest($2::text[], $3::text[], $4::boolean[], $5::text[], $6::jsonb[], $7::integer[], $8::boolean[], $9::text[], $10::text[])
         AS x(reason, number, signed, detail, payload, bytes, cut, fp, legacy_fp)
       -- A letter kept before the fingerprint named its number is still kept once.
       WHERE NOT EXISTS (SELECT 1 FROM webhook_dead_letters o WHERE o.fingerprint = x.legacy_fp
                          AND o.phone_number_id IS NOT DISTINCT FROM x.number AND o.signature_verified = x.signed)
       ON CONFLICT (fingerprint) DO NOTHING`,
      [
        now,
        rows.map((r) => r.reason),
        rows.map((r) => r.phoneNumberId),
        rows.map((r) => r.signatureVerified),
        rows.map((r) => r.detail),
        rows.map((r) => r.payload),
        rows.map((r) => r.payloadBytes),
        rows.map((r) => r.payloadTruncated),
        rows.map((r) => r.fingerprint),
        rows.map((r) => r.legacyFingerprint),
      ],
    );
  }

  /**
   * Stores unsigned letters within the rate and count bounds and counts the others. One
   * lock serializes this across processes, so the bounds hold exactly; the rate is read
   * from the rows stored in the last minute, which the bound itself keeps few.
   */
  private async addUnsigned(now: Date, rows: readonly Row[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [UNSIGNED_LOCK_KEY]);
      const recent = await client.query<{ number: string; n: number }>(
        `SELECT coalesce(phone_number_id, '') AS number, count(*)::int AS n FROM webhook_dead_letters
         WHERE NOT signature_verified AND received_at > $1 GROUP BY 1`,
        [new Date(now.getTime() - 60_000)],
      );
      const perNumber = new Map(recent.rows.map((r) => [r.number, r.n]));
      let overall = recent.rows.reduce((n, r) => n + r.n, 0);
      let total: number | undefined;
      const keep: Row[] = [];
      const count: Row[] = [];
      for (const row of rows) {
        const number = row.phoneNumberId ?? '';
        const n = perNumber.get(number) ?? 0;
        if (overall >= this.limits.unsignedPerMinute || n >= this.limits.unsignedPerNumberPerMinute) {
          count.push(row);
          continue;
        }
        // Only read while the rate lets letters through: a flood is turned away above.
        total ??= (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_dead_letters WHERE NOT signature_verified')).rows[0]?.n ?? 0;
        if (total >= this.limits.unsignedMaxRows) {
          count.push(row);
          continue;
        }
        keep.push(row);
        perNumber.set(number, n + 1);
        overall += 1;
        total += 1;
      }
      await this.insert(client, now, keep);
      await this.count(client, now, count);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async count(client: pg.PoolClient, now: Date, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
    const counted = new Set(
      (await client.query<{ n: string }>('SELECT phone_number_id AS n FROM webhook_dead_letter_counts WHERE hour = $1', [hour])).rows.map((r) => r.n),
    );
    const keyOf = (row: Row) => {
      const number = row.phoneNumberId ?? '';
      if (counted.has(number)) return number;
      if (counted.size >= COUNTED_NUMBERS_PER_HOUR) return OTHER_NUMBERS;
      counted.add(number);
      return number;
    };
    const keys = rows.map(keyOf);
    await client.query(
      `INSERT INTO webhook_dead_letter_counts AS c (hour, reason, phone_number_id, letters, bytes, last_at)
       SELECT $1, x.reason, x.number, count(*), sum(x.bytes), $2
       FROM unnest($3::text[], $4::text[], $5::bigint[]) AS x(reason, number, bytes) GROUP BY x.reason, x.number
       ON CONFLICT (hour, reason, phone_number_id)
       DO UPDATE SET letters = c.letters + EXCLUDED.letters, bytes = c.bytes + EXCLUDED.bytes, last_at = EXCLUDED.last_at`,
      [hour, now, rows.map((r) => r.reason), keys, rows.map((r) => r.payloadBytes)],
    );
  }

  /** Unsigned dead letters counted instead of stored, newest hour first. */
  async counts(limit = 100): Promise<DeadLetterCount[]> {
    const res = await this.pool.query<{
      hour: Date;
      reason: DeadLetterReason;
      phone_number_id: string;
      letters: string;
      bytes: string;
      last_at: Date;
    }>('SELECT * FROM webhook_dead_letter_counts ORDER BY hour DESC, letters DESC LIMIT $1', [limit]);
    return res.rows.map((r) => ({
      hour: r.hour,
      reason: r.reason,
      phoneNumberId: r.phone_number_id === '' ? null : r.phone_number_id,
      letters: Number(r.letters),
      bytes: Number(r.bytes),
      lastAt: r.last_at,
    }));
  }

  async list(limit = 100): Promise<StoredDeadLetter[]> {
    const res = await this.pool.query<{
      id: string;
      received_at: Date;
      reason: DeadLetterReason;
      phone_number_id: string | null;
      signature_verified: boolean;
      detail: string | null;
      payload: unknown;
      payload_bytes: number | null;
      payload_truncated: boolean;
    }>('SELECT * FROM webhook_dead_letters ORDER BY id DESC LIMIT $1', [limit]);
    return res.rows.map((r) => ({
      id: r.id,
      receivedAt: r.received_at,
      reason: r.reason,
      phoneNumberId: r.phone_number_id,
      signatureVerified: r.signature_verified,
      detail: r.detail,
      payload: r.payload,
      payloadBytes: r.payload_bytes,
      payloadTruncated: r.payload_truncated,
    }));
  }
}
