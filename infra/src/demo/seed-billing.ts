import { FakeStripe, invoiceObject, paymentIntentObject, subscriptionObject } from '@parley/command/testing';
import type { DemoTenant } from './seed-demo.ts';

const DAY_S = 86_400;

/**
 * A Stripe subscription per demo tenant, driven through the command API's Stripe webhook
 * by the local fake Stripe, as Stripe would have sent it over the last three weeks: a
 * trial, a paid first invoice, and for the second tenant a renewal that failed two days
 * ago (past due, still inside the dunning grace: its marketing sends still go out).
 */
export async function seedBilling(commandUrl: string, signingSecret: string, tenants: readonly DemoTenant[]): Promise<string[]> {
  const stripe = new FakeStripe(`${commandUrl}/webhooks/stripe`, signingSecret);
  const summary: string[] = [];
  for (const [i, t] of tenants.entries()) {
    const slug = t.tenantId.replace(/-/g, '').slice(0, 12);
    const customer = `cus_demo${slug}`;
    const subscription = `sub_demo${slug}`;
    // Trial from 21 to 7 days ago, then the first paid month, a week into it now.
    const periodStart = new Date(Date.now() - 7 * DAY_S * 1000);
    const periodEnd = new Date(periodStart.getTime() + 30 * DAY_S * 1000);
    const sub = (status: string) =>
      subscriptionObject({
        id: subscription,
        customer,
        status,
        tenantId: t.tenantId,
        priceId: 'price_parley_pro_monthly',
        periodStart,
        periodEnd,
        trialEnd: periodStart,
      });
    const events = [
      stripe.event('customer.subscription.created', sub('trialing'), { secondsAgo: 21 * DAY_S }),
      stripe.event('customer.subscription.updated', sub('active'), { secondsAgo: 7 * DAY_S }),
      stripe.event('invoice.paid', invoiceObject({ id: `in_demo${slug}a`, customer, subscription, amount: 4900, paid: true }), { secondsAgo: 7 * DAY_S }),
      stripe.event('payment_intent.succeeded', paymentIntentObject({ id: `pi_demo${slug}a`, customer, amount: 4900, succeeded: true }), {
        secondsAgo: 7 * DAY_S,
      }),
    ];
    if (i === 1) {
      events.push(
        stripe.event('invoice.payment_failed', invoiceObject({ id: `in_demo${slug}b`, customer, subscription, amount: 4900, paid: false }), {
          secondsAgo: 2 * DAY_S,
        }),
        stripe.event(
          'payment_intent.payment_failed',
          paymentIntentObject({
            id: `pi_demo${slug}b`,
            customer,
            amount: 4900,
            succeeded: false,
            failure: { message: 'Your card was declined.', code: 'card_declined', declineCode: 'insufficient_funds' },
          }),
          { secondsAgo: 2 * DAY_S },
        ),
      );
    }
    for (const event of events) {
      const answer = await stripe.send(event);
      if (answer.status !== 200) throw new Error(`demo Stripe ${event.type} → ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    summary.push(`${t.name}: ${i === 1 ? 'past due (a renewal failed 2 days ago)' : 'active'}`);
  }
  return summary;
}
