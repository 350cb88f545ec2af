/**
 * Customer time: when a customer sent a message, as every figure keyed on it counts it
 * (the inbox's waitingSince and firstInboundAt, the SLA waits of the analytics, the
 * reference fold of the tests). Declared here, next to the events it reads, because the
 * command side bounds the same timestamp on its way in and the read side must agree.
 */

/** How far WhatsApp's clock may run ahead of ours before a timestamp counts as absurd. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000;
/** WhatsApp retries a delivery for up to 7 days; older than this is not a real delivery. */
export const MAX_DELIVERY_AGE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * A `MessageReceived`'s `sentAt`, within [`occurredAt` − MAX_DELIVERY_AGE_MS, `occurredAt`],
 * as epoch ms.
 *
 * Not `occurredAt`: a message delivered late (an outage, Meta's retries for days) kept its
 * customer waiting since they sent it, and counting from receipt hides every breach of
 * such a delivery. Never after `occurredAt`: the webhook lets `sentAt` run up to
 * MAX_CLOCK_AHEAD_MS ahead of receipt (clock skew), and a wait must not start after the
 * event that starts it was recorded; so a reply, always later in the log, never ends a
 * wait before it started. The lower bound repeats the webhook's for events stored before
 * it bounded `sentAt`.
 */
export function customerSentAt(data: { sentAt: string }, metadata: { occurredAt: string }): number {
  const recorded = Date.parse(metadata.occurredAt);
  return Math.min(recorded, Math.max(Date.parse(data.sentAt), recorded - MAX_DELIVERY_AGE_MS));
}
