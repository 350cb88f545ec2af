import { createHmac, timingSafeEqual } from 'node:crypto';

/** Stripe's default tolerance, applied both ways: a timestamp this far ahead is as suspect as one this far behind. */
export const STRIPE_TOLERANCE_SECONDS = 300;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]` as Stripe documents it: the
 * HMAC-SHA256 of `"{t}.{raw body}"` with the endpoint's signing secret, in hex. Any `v1`
 * matching any of our secrets passes, so both sides can rotate. Written here rather than
 * taken from the `stripe` package: its `constructEvent` takes one secret, accepts any
 * future timestamp, and answers with messages we do not control; the tests prove this
 * check against it (command/test/stripe-webhook.e2e.test.ts).
 */
export function checkStripeSignature(rawBody: Buffer, header: string | undefined, secrets: readonly string[], now: Date): SignatureCheck {
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'no Stripe-Signature header' };
  let timestamp: string | null = null;
  const given: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { ok: false, reason: 'Stripe-Signature is not a list of key=value pairs (t=…,v1=…)' };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') timestamp = value;
    // Other schemes (v0: Stripe's test-mode signature) are not ours to check.
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) given.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === null || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'Stripe-Signature has no timestamp (t=<unix seconds>)' };
  if (given.length === 0) return { ok: false, reason: 'Stripe-Signature has no v1 signature (64 hex digits)' };

  const age = Math.floor(now.getTime() / 1000) - Number(timestamp);
  if (age > STRIPE_TOLERANCE_SECONDS) return { ok: false, reason: `Stripe-Signature timestamp is ${age} s old (more than ${STRIPE_TOLERANCE_SECONDS} s)` };
  if (-age > STRIPE_TOLERANCE_SECONDS) {
    return { ok: false, reason: `Stripe-Signature timestamp is ${-age} s in the future (more than ${STRIPE_TOLERANCE_SECONDS} s)` };
  }

  const signed = Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), rawBody]);
  // Every pair is compared, so the time taken does not tell which secret or signature matched.
  let match = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(signed).digest();
    for (const signature of given) match = timingSafeEqual(signature, expected) || match;
  }
  return match ? { ok: true } : { ok: false, reason: 'no v1 signature in Stripe-Signature matches the payload' };
}
