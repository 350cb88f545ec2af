import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/** Address ranges an outbound webhook may reach: the public internet only. */
const PUBLIC_RANGES = new Set(['unicast']);

export interface WebhookTargetPolicy {
  /** Development only: loopback targets and plain http are allowed (tests, the demo). */
  allowLoopback: boolean;
}

/**
 * Why Parley must not POST to `url`, or null when it may. The host is resolved and every
 * address it resolves to is checked, so a name pointing at an internal address (or one
 * re-pointed there later: DNS rebinding) is refused like the address itself. Callers
 * check again before every delivery, not only when the URL is registered.
 */
export async function webhookTargetProblem(url: string, policy: WebhookTargetPolicy): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.username || parsed.password) return 'credentials in the URL are not allowed: authenticate with the signature';
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return `cannot resolve ${host}`;
  }
  if (addresses.length === 0) return `cannot resolve ${host}`;
  for (const address of addresses) {
    const range = ipaddr.process(address).range();
    if (range === 'loopback' && policy.allowLoopback) continue;
    if (!PUBLIC_RANGES.has(range)) return `${host} resolves to ${address}, a ${range} address: only public addresses are allowed`;
  }
  const loopbackOnly = addresses.every((a) => ipaddr.process(a).range() === 'loopback');
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && policy.allowLoopback && loopbackOnly)) return 'the URL must be https';
  return null;
}
