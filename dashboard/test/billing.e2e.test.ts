import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, screenshots, seriousViolations, signedIn as signedInWith, startPlatform } from './support/platform.ts';

/**
 * The billing pages (usage, invoices, payments) in a real browser against the real
 * platform as `npm start` runs it, with the demo's history: the demo gives each tenant a
 * plan a month back in simulated time (so a period has ended and the billing job on the
 * workers invoices it) and a Stripe subscription through the fake Stripe.
 */

let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform('dashboard_billing_e2e', { history: true });
}, 180_000);

afterAll(() => platform?.stop(), 60_000);

const BILLING = 'billing:Beto';

async function api<T>(path: string, key: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${platform.urls.query}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as T };
}

interface Plan {
  planKey: string;
  name: string;
  timeZone: string;
  currentPeriod: { start: string; end: string };
  /** The terms of the version the tenant is on (the catalog may have moved on). */
  terms: { charges: { meter: string; includedUnits: number }[] };
}
interface Usage {
  meters: { meter: string; aggregation: string; items: { quantity: number }[] }[];
}
interface Daily {
  items: { day: string; meter: string; quantity: number }[];
}

const total = (m: Usage['meters'][number]) =>
  m.aggregation === 'max' ? Math.max(0, ...m.items.map((i) => i.quantity)) : m.items.reduce((n, i) => n + i.quantity, 0);

const localDate = (iso: string, tz: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date(iso));

/** The plan, its included units, and this period's usage per meter as the APIs answer, once the usage projection has caught up (two equal reads). */
async function settledUsage(key: string) {
  const plan = (await api<{ subscription: Plan | null }>('/v1/billing/plan', key)).body.subscription;
  expect(plan, 'the demo chooses a plan for each tenant').not.toBeNull();
  const { start, end } = plan!.currentPeriod;
  const read = async () =>
    Object.fromEntries(
      (await api<Usage>(`/v1/usage/current?from=${encodeURIComponent(start)}&to=${encodeURIComponent(end)}`, key)).body.meters.map((m) => [m.meter, total(m)]),
    );
  let last = JSON.stringify(await read());
  const deadline = Date.now() + 20_000;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = JSON.stringify(await read());
    if ((now === last && (JSON.parse(now) as Record<string, number>).messages_received! > 0) || Date.now() > deadline) break;
    last = now;
  }
  const included = Object.fromEntries(plan!.terms.charges.map((c) => [c.meter, c.includedUnits]));
  return { plan: plan!, used: JSON.parse(last) as Record<string, number>, included, read };
}

const navLinks = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();

describe('the billing pages', () => {
  it('show a billing user this period’s usage per meter as the usage API counts it, against the plan’s included units, with a forecast, daily rows and their CSV', async () => {
    const { plan, used: settled, included, read } = await settledUsage(platform.key(BILLING));
    let used = settled;
    const { context, page } = await signedInWith(platform, platform.key(BILLING));
    expect(new URL(page.url()).pathname).toBe('/usage');
    expect(await navLinks(page)).toEqual(['Usage', 'Invoices', 'Payments']);
    await page.reload();

    expect(await page.getByTestId('plan-name').textContent()).toBe(plan.name);
    const period = await page.getByTestId('plan-period').textContent();
    const first = new Intl.DateTimeFormat('en-GB', { timeZone: plan.timeZone, day: 'numeric', month: 'short', year: 'numeric' }).format(
      new Date(plan.currentPeriod.start),
    );
    expect(period).toContain(first);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Usage');
    expect(await page.getByText(plan.timeZone, { exact: false }).count()).toBeGreaterThan(0);
    expect(await page.getByText('linear run-rate', { exact: false }).count()).toBe(1);

    // Every meter's figure is the API's, and it is flagged over exactly when the API's figure passes the plan's included units.
    // The live demo still delivers messages: compare a page load with the API reads on either side of it once they agree.
    const meters = Object.keys(used);
    expect(meters.length).toBeGreaterThan(3);
    const shownAll = () => Promise.all(meters.map((m) => page.getByTestId(`used-${m}`).textContent()));
    await expect
      .poll(
        async () => {
          const before = await read();
          await page.reload();
          const shown = await shownAll();
          const after = await read();
          used = before;
          if (JSON.stringify(before) !== JSON.stringify(after)) return 'usage moved during the load';
          const mismatch = meters.filter((m, i) => shown[i] !== before[m]!.toLocaleString('en'));
          return mismatch.length === 0 ? 'equal' : `page ≠ API for ${mismatch.map((m) => `${m} (${shown[meters.indexOf(m)]} ≠ ${before[m]})`).join(', ')}`;
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe('equal');
    for (const meter of meters) {
      const row = page.getByTestId(`meter-${meter}`);
      const over = included[meter] !== undefined && used[meter]! > included[meter]!;
      expect(await row.getAttribute('data-over'), meter).toBe(String(over));
    }
    // The demo's seats (an admin, a supervisor and five agents) pass the plan's five included seats.
    expect(used.agent_seats).toBeGreaterThan(included.agent_seats!);
    expect(
      await page
        .getByTestId('meter-agent_seats')
        .getByText(/over by/)
        .count(),
    ).toBe(1);
    // Past its included units, the seat meter has its 100% quota alert once the workers' billing job has checked it; the row says so.
    const seatAlert = async () =>
      Math.max(
        0,
        ...(
          await api<{ items: { meter: string; threshold: number; period: { start: string } }[] }>('/v1/billing/quota-alerts', platform.key(BILLING))
        ).body.items
          .filter((a) => a.meter === 'agent_seats' && a.period.start === plan.currentPeriod.start)
          .map((a) => a.threshold),
      );
    await expect.poll(seatAlert, { timeout: 60_000 }).toBe(100);
    // The workers' /health reports the billing job's last run (which recorded that alert, or ran since).
    const workersHealth = (await (await fetch(platform.urls.workersHealth)).json()) as {
      billing: { everyMs: number; lastRun: { at: string; tenants: number; failed: number } | null } | null;
    };
    expect(workersHealth.billing?.everyMs).toBeGreaterThan(0);
    expect(workersHealth.billing?.lastRun?.failed).toBe(0);
    expect(workersHealth.billing?.lastRun?.tenants).toBeGreaterThan(0);
    await page.reload();
    expect(await page.getByTestId('alert-agent_seats').textContent()).toMatch(/^100% alert sent /);

    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'usage');

    // The daily rows of one meter, from the keyboard's way in (a link), as a table: they add up to the API's daily rows.
    await page.getByRole('navigation', { name: 'Meter' }).getByRole('link', { name: 'messages received' }).click();
    await page.waitForURL((u) => u.searchParams.get('meter') === 'messages_received');
    await page.getByRole('link', { name: 'Table', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('show') === 'table');
    const cells = await page.getByTestId('daily-table').locator('tbody td').allTextContents();
    const from = localDate(plan.currentPeriod.start, plan.timeZone);
    const to = localDate(plan.currentPeriod.end, plan.timeZone);
    const daily = (await api<Daily>(`/v1/usage/daily?from=${from}&to=${to}&timeZone=${encodeURIComponent(plan.timeZone)}`, platform.key(BILLING))).body;
    const apiSum = daily.items.filter((r) => r.meter === 'messages_received').reduce((n, r) => n + r.quantity, 0);
    expect(cells.reduce((n, c) => n + Number(c.replaceAll(',', '')), 0)).toBe(apiSum);
    expect(apiSum).toBe((await read()).messages_received);
    // The view is the URL: a reload keeps the meter.
    await page.reload();
    expect(await page.getByRole('navigation', { name: 'Meter' }).getByRole('link', { name: 'messages received' }).getAttribute('aria-current')).toBe('true');

    const csv = await page.request.get(`${platform.urls.dashboard}/api/usage.csv`);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('day,timeZone,meter,group,quantity');
    expect(lines.length - 1).toBe(daily.items.length);
    expect(lines.slice(1).every((l) => l.split(',')[1] === plan.timeZone)).toBe(true);
    await context.close();
  });

  it('lists the invoices and opens one with its lines', async () => {
    const key = platform.key(BILLING);
    const { context, page } = await signedInWith(platform, key);
    const res = await page.goto(`${platform.urls.dashboard}/invoices`);
    expect(res!.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Invoices');
    // The demo's tenants chose their plans a month back, so the workers' billing job has a period to invoice:
    // wait for its first run rather than accept an empty list, which would skip every check below.
    const listed = () => api<{ items: { invoiceId: string }[] }>('/v1/billing/invoices', key);
    await expect.poll(async () => (await listed()).body.items.length, { timeout: 60_000 }).toBeGreaterThan(0);
    const invoices = await listed();
    await page.reload();
    expect(await page.getByTestId('invoices-table').locator('tbody tr').count()).toBe(invoices.body.items.length);
    const id = invoices.body.items[0]!.invoiceId;
    const detail = await api<{ lines: unknown[] }>(`/v1/billing/invoices/${id}`, key);
    await page.getByTestId(`invoice-${id}`).getByRole('link').click();
    await page.waitForURL(`**/invoices/${id}`);
    await page.getByTestId('lines-table').waitFor();
    expect(await page.getByTestId('lines-table').locator('tbody tr').count()).toBe(detail.body.lines.length);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'invoice');
    const csv = await page.request.get(`${platform.urls.dashboard}/api/invoices/${id}/csv`);
    expect(csv.status()).toBe(200);
    expect((await csv.text()).trimEnd().split(/\r?\n/).length - 1).toBe(detail.body.lines.length);
    // A usage line opens the daily usage of its meter, narrowed to the line's days.
    const usageLink = page.getByTestId('lines-table').getByRole('link', { name: /^messages_received: .* units × / });
    await usageLink.click();
    await page.waitForURL((u) => u.pathname === '/usage' && u.searchParams.get('range') === 'custom' && u.searchParams.get('meter') === 'messages_received');
    expect(await page.getByTestId('daily').textContent()).toContain('Show the whole current period');
    await page.goto(`${platform.urls.dashboard}/invoices`);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'invoices');
    // An unknown invoice (or any invoice while the API has none) is a real 404, not an empty invoice.
    expect((await page.goto(`${platform.urls.dashboard}/invoices/in_unknown`))!.status()).toBe(404);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Not found');
    await context.close();
  });

  it('shows the subscription, its dunning state and its payments as the API reports them', async () => {
    for (const [i, tenant] of platform.demos.slice(0, 2).entries()) {
      const key = tenant.keys[BILLING]!;
      const [{ body: sub }, { body: payments }] = await Promise.all([
        api<{ subscription: { status: string; pastDueSince: string | null } | null }>('/v1/billing/subscription', key),
        api<{ items: { paymentKey: string; failureReason: string | null }[] }>('/v1/billing/payments', key),
      ]);
      expect(sub.subscription, 'the demo drives a Stripe subscription per tenant').not.toBeNull();
      const { context, page } = await signedInWith(platform, key);
      expect((await page.goto(`${platform.urls.dashboard}/payments`))!.status()).toBe(200);
      const status = await page.getByTestId('subscription-status').textContent();
      expect(status).toBe(i === 1 ? 'Past due' : 'Active');
      expect(sub.subscription!.status).toBe(i === 1 ? 'past_due' : 'active');
      expect(await page.getByTestId('payments-table').locator('tbody tr').count()).toBe(payments.items.length);
      if (i === 1) {
        // The second demo tenant's renewal failed two days ago: past due, still in the grace.
        expect(await page.getByTestId('dunning-state').textContent()).toContain('In grace');
        expect(await page.getByTestId('dunning').textContent()).toContain('Past due since');
        const failed = payments.items.find((p) => p.failureReason);
        expect(await page.getByTestId(`payment-${failed!.paymentKey}`).textContent()).toContain(failed!.failureReason!);
      }
      expect(await seriousViolations(page)).toEqual([]);
      if (i === 1) await screenshots(page, 'payments');
      await context.close();
    }
  });

  it('shows the billing pages to admins, and neither the navigation nor the pages nor the export to agents and supervisors', async () => {
    const admin = await signedInWith(platform, platform.key('admin'));
    expect(await navLinks(admin.page)).toEqual(expect.arrayContaining(['Usage', 'Invoices', 'Payments']));
    expect((await admin.page.goto(`${platform.urls.dashboard}/usage`))!.status()).toBe(200);
    await admin.context.close();

    for (const who of ['agent:Ana', 'supervisor:Sofia']) {
      const { context, page } = await signedInWith(platform, platform.key(who));
      const nav = await navLinks(page);
      for (const label of ['Usage', 'Invoices', 'Payments']) expect(nav, who).not.toContain(label);
      for (const path of ['/usage', '/invoices', '/invoices/in_anything', '/payments']) {
        const res = await page.goto(`${platform.urls.dashboard}${path}`);
        expect(res!.status(), `${who} ${path}`).toBe(403);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Not available for your role');
      }
      expect((await page.request.get(`${platform.urls.dashboard}/api/usage.csv`)).status(), who).toBe(403);
      await context.close();
    }
  });
});
