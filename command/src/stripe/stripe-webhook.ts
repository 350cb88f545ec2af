import type { Position } from '@parley/events';
import { MAX_NESTING } from '@parley/kit';
import type { Billing } from '../application/billing.ts';
import { mayNeedRepair, repairJson } from '../whatsapp/storable-json.ts';
import { nestsDeeperThan } from '../whatsapp/webhook-ingest.ts';
import { formatZodIssues } from '../whatsapp/webhook-payload.ts';
import { mapStripeEvent } from './stripe-mapping.ts';
import { StripeEventEnvelope } from './stripe-payload.ts';
import { checkStripeSignature } from './stripe-signature.ts';

export type StripeOutcome =
  | { status: 200; stripeEventId: string; tenantId: string; events: string[]; position: Position }
  | { status: 200; stripeEventId: string; ignored: string }
  | { status: 400; reason: string };

/**
 * One Stripe webhook delivery: verify the signature over the raw bytes, parse, map,
 * find the tenant, record. Stripe retries anything but a 2xx for three days, so what we
 * will never act on (types we do not use, objects no tenant claims) is answered 200 and
 * said to be ignored; only what is wrong with the delivery itself is a 400.
 */
export class StripeWebhook {
  constructor(
    private readonly billing: Billing,
    private readonly tenants: { exists(tenantId: string): Promise<boolean> },
    private readonly secrets: readonly string[],
    private readonly clock: () => Date,
  ) {}

  async ingest(rawBody: Buffer, signature: string | undefined, correlationId: string): Promise<StripeOutcome> {
    const check = checkStripeSignature(rawBody, signature, this.secrets, this.clock());
    if (!check.ok) return { status: 400, reason: check.reason };
    // Signed by Stripe: still bounded before anything recurses into it.
    if (nestsDeeperThan(rawBody, MAX_NESTING)) return { status: 400, reason: `payload nests deeper than ${MAX_NESTING} levels` };
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return { status: 400, reason: 'body is not valid JSON' };
    }
    // Texts we keep (a decline message, a price id) may hold what jsonb refuses (U+0000, lone surrogates).
    if (mayNeedRepair(rawBody)) body = repairJson(body);
    const envelope = StripeEventEnvelope.safeParse(body);
    if (!envelope.success) return { status: 400, reason: `not a Stripe event: ${formatZodIssues(envelope.error)}` };
    const event = envelope.data;

    const mapped = mapStripeEvent(event);
    if (mapped.kind === 'invalid') return { status: 400, reason: mapped.reason };
    if (mapped.kind === 'ignored') return { status: 200, stripeEventId: event.id, ignored: mapped.reason };
    const tenantId = await this.billing.tenantFor(mapped.route);
    if (!tenantId) {
      return {
        status: 200,
        stripeEventId: event.id,
        ignored: 'no tenant: neither metadata.parley_tenant_id nor a customer, payment intent or charge linked to one',
      };
    }
    // Metadata with a typo would otherwise file a subscription under nobody.
    if (!(await this.tenants.exists(tenantId))) return { status: 200, stripeEventId: event.id, ignored: `no tenant ${tenantId} is registered` };
    const recorded = await this.billing.record(tenantId, mapped.fact, mapped.route, correlationId);
    return { status: 200, stripeEventId: event.id, ...recorded };
  }
}
