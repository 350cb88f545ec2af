import { describe, expect, it } from 'vitest';
import { mayNeedRepair, repairJson, storableText } from '../src/whatsapp/storable-json.ts';

describe('storable text from WhatsApp', () => {
  it('replaces U+0000 and lone surrogates with U+FFFD, keeping pairs and everything else', () => {
    expect(storableText('a\u0000b\u0000')).toBe('a\uFFFDb\uFFFD');
    expect(storableText('\ud800 \udfff \ud83d\udc4d \udc4d\ud83d')).toBe('\uFFFD \uFFFD 👍 \uFFFD\uFFFD');
    expect(storableText('Hola, ¿qué tal? 👋')).toBe('Hola, ¿qué tal? 👋');
  });

  it('repairs every string of a parsed body, keys included, and nothing else', () => {
    const raw = '{"a":["x\\u0000",{"k\\u0000":"\\ud800"}],"n":1,"t":true,"z":null,"__proto__":"p\\u0000"}';
    expect(mayNeedRepair(Buffer.from(raw))).toBe(true);
    const repaired = repairJson(JSON.parse(raw)) as Record<string, unknown>;
    expect(JSON.stringify(repaired)).toBe('{"a":["x\uFFFD",{"k\uFFFD":"\uFFFD"}],"n":1,"t":true,"z":null,"__proto__":"p\uFFFD"}');
    expect(Object.getPrototypeOf(repaired)).toBe(Object.prototype);
    expect(repairJson('\u0000')).toBe('\uFFFD');
  });

  it('walks a hostile nesting depth without overflowing the stack', () => {
    const depth = 200_000;
    const parsed = JSON.parse(`${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)}`) as unknown;
    let node = repairJson(parsed);
    for (let i = 0; i < depth; i++) node = (node as unknown[])[0];
    expect(node).toBe('\uFFFD');
  });

  it('needs no walk for a body without escapes: JSON carries U+0000 and surrogates only as \\u escapes', () => {
    expect(mayNeedRepair(Buffer.from('{"text":{"body":"Hola 👋"}}'))).toBe(false);
    expect(() => JSON.parse('{"a":"\u0000"}')).toThrow();
  });
});
