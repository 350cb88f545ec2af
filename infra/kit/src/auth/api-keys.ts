import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `prl_<tenant>_<key id>_<secret>`: the tenant and key id say where to
 * look, the secret proves possession. Only the SHA-256 of the secret is stored; the
 * secret has 256 random bits, so a fast hash is enough.
 */
export interface ParsedApiKey {
  tenantId: string;
  keyId: string;
  secret: string;
}

const hex32ToUuid = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
const uuidToHex32 = (u: string) => u.replace(/-/g, '');

export const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

export function issueApiKey(tenantId: string, keyId: string): { key: string; secretSha256: string } {
  const secret = randomBytes(32).toString('base64url');
  return { key: `prl_${uuidToHex32(tenantId)}_${uuidToHex32(keyId)}_${secret}`, secretSha256: sha256Hex(secret) };
}

export function parseApiKey(key: string): ParsedApiKey | null {
  const m = /^prl_([0-9a-f]{32})_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/.exec(key);
  if (!m) return null;
  return { tenantId: hex32ToUuid(m[1]!), keyId: hex32ToUuid(m[2]!), secret: m[3]! };
}

export function secretMatches(secret: string, secretSha256: string): boolean {
  const a = Buffer.from(sha256Hex(secret), 'hex');
  const b = Buffer.from(secretSha256, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEquals(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
