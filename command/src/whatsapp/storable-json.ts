/**
 * PostgreSQL's jsonb rejects U+0000 and lone UTF-16 surrogates (`\ud800`), and EventStoreDB
 * consumers parsing our JSON may too. A WhatsApp customer can send either, and refusing the
 * webhook would lose their message for good (WhatsApp redelivers the same bytes for days),
 * so what they wrote is stored repaired: U+0000 becomes U+FFFD, and lone surrogates become
 * U+FFFD as `String.prototype.toWellFormed` makes them.
 */

// ES2024 String methods, present in Node 20; the shared tsconfig's lib stops at ES2023.
declare global {
  interface String {
    isWellFormed(): boolean;
    toWellFormed(): string;
  }
}

export function storableText(text: string): string {
  const wellFormed = text.isWellFormed() ? text : text.toWellFormed();
  return wellFormed.includes('\u0000') ? wellFormed.replaceAll('\u0000', '\uFFFD') : wellFormed;
}

/**
 * Makes every string of `value`, keys included, storable, in place: `value` is what
 * JSON.parse just returned, nobody else holds it. Iterative, so a hostile nesting depth
 * cannot overflow the stack.
 */
export function repairJson(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  const pending: object[] = typeof value === 'object' && value !== null ? [value] : [];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        if (typeof v === 'string') node[i] = storableText(v);
        else if (typeof v === 'object' && v !== null) pending.push(v);
      }
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const v = record[key];
      if (typeof v === 'object' && v !== null) pending.push(v);
      const repaired = typeof v === 'string' ? storableText(v) : v;
      const storableKey = storableText(key);
      if (storableKey !== key) {
        delete record[key];
        // Defined, not assigned: a repaired key may read "__proto__", and stays a key.
        Object.defineProperty(record, storableKey, { value: repaired, writable: true, enumerable: true, configurable: true });
      } else if (repaired !== v) {
        record[key] = repaired;
      }
    }
  }
  return value;
}

/**
 * Whether a raw JSON body may hold U+0000 or a lone surrogate. JSON can carry them only as
 * `\u` escapes (raw control characters are invalid JSON; invalid UTF-8 decodes to U+FFFD),
 * so a body without `\u` needs no repair: the common case costs one byte scan.
 */
export const mayNeedRepair = (raw: Buffer): boolean => raw.includes('\\u');
