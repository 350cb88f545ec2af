import { createHmac, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoTenant, type Platform, SCREENSHOTS, screenshots, seriousViolations, signedIn as signIn, startPlatform } from './support/platform.ts';

/**
 * The dashboard in a real browser against the real platform, started as `npm start` starts
 * it (test/support/platform.ts: run-platform with the demo, `next start`, Debian's Chromium),
 * over a database of its own.
 */

let platform: Platform;
let urls: Platform['urls'];
let demo: DemoTenant;

beforeAll(async () => {
  platform = await startPlatform('dashboard_e2e', { history: false });
  ({ urls, demo } = platform);
}, 180_000);

afterAll(async () => {
  await platform?.stop();
}, 60_000);

const key = (who: string) => demo.keys[who]!;
const signedIn = (who: string, width = 1280) => signIn(platform, key(who), width);

/** A customer writes on the demo tenant's number: a webhook signed as Meta signs it. */
async function customerWrites(waId: string, name: string, body: string) {
  const phoneNumberId = demo.whatsapp?.phoneNumberId ?? demo.phoneNumberId;
  const payload = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'waba-e2e',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '+52 55 1000 0001', phone_number_id: phoneNumberId },
              contacts: [{ wa_id: waId, profile: { name } }],
              messages: [{ from: waId, id: `wamid.${randomUUID()}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body } }],
            },
          },
        ],
      },
    ],
  };
  const raw = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', demo.whatsapp!.appSecret).update(raw).digest('hex')}`;
  const res = await fetch(`${urls.command}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    body: raw,
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

describe('the dashboard in a browser', () => {
  it('refuses a bad key with a message, and keeps the key out of reach of the page', async () => {
    const context = await platform.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${urls.dashboard}/live`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.getByLabel('API key').fill(`prl_${'0'.repeat(32)}_${'1'.repeat(32)}_${'x'.repeat(43)}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#sign-in-error').textContent()).toContain('unknown or has been revoked');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'sign-in-error');

    // Signed in, the session cookie is httpOnly and SameSite=strict: page scripts never see the key.
    await page.getByLabel('API key').fill(key('supervisor:Sofia'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/live');
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'parley_session', httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.value).not.toContain(key('supervisor:Sofia'));
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await context.close();
  });

  it('signs a supervisor in to the live page, which shows a new customer message within 5 s', async () => {
    const { context, page } = await signedIn('supervisor:Sofia');
    expect(new URL(page.url()).pathname).toBe('/live');
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Live', 'Conversations', 'SLA', 'Volumes', 'Agents', 'CSAT', 'My stats', 'Settings']);
    const waiting = page.getByTestId('stat-waiting');
    const before = Number(await waiting.textContent());
    const updatedBefore = await page.getByTestId('updated-at').getAttribute('datetime');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'live');

    const sent = Date.now();
    await customerWrites('5215599990001', 'Paula Prueba', 'Hola, ¿me ayudan con mi pedido?');
    await expect.poll(async () => Number(await waiting.textContent()), { timeout: 5000, interval: 200 }).toBe(before + 1);
    expect(Date.now() - sent).toBeLessThan(5000);
    await expect.poll(() => page.getByTestId('unassigned').textContent()).toContain('Paula Prueba');
    expect(await page.getByTestId('updated-at').getAttribute('datetime')).not.toBe(updatedBefore);

    // A team whose urgent conversations must be answered within a second (no business hours: wall-clock time).
    const admin = { authorization: `Bearer ${key('admin')}`, 'content-type': 'application/json' };
    const night = await (await fetch(`${urls.command}/v1/teams`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'Night' }) })).json();
    const policy = { firstResponseSeconds: 1, resolutionSeconds: 86_400 };
    await fetch(`${urls.command}/v1/teams/${night.teamId}/sla-policies/urgent`, { method: 'PUT', headers: admin, body: JSON.stringify(policy) });
    const found = await (await fetch(`${urls.query}/v1/conversations?q=ayudan`, { headers: admin })).json();
    const paula = found.items[0].id as string;
    for (const [command, body] of [
      ['queue', { teamId: night.teamId }],
      ['priority', { priority: 'urgent' }],
    ] as const) {
      const res = await fetch(`${urls.command}/v1/conversations/${paula}/${command}`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
    }
    const breachedStat = page.getByTestId('stat-sla-breached');
    await expect.poll(async () => (await breachedStat.textContent())?.trim(), { timeout: 6000, interval: 200 }).toBe('1');
    await breachedStat.getByRole('link').click();
    const breachedList = page.getByTestId('sla-breached');
    expect(await breachedList.locator('li').count()).toBe(1);
    expect(await breachedList.getByRole('link').getAttribute('href')).toBe(`/conversations/${paula}`);
    expect(await breachedList.textContent()).toContain('First reply · Night · urgent');
    await screenshots(page, 'live-sla');

    // The chart of the queues, with the table as its text alternative.
    await page.getByRole('button', { name: 'Chart' }).click();
    await page.locator('.recharts-surface').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'live-chart-desktop.png'), fullPage: true });
    await page.getByRole('button', { name: 'Table' }).click();

    // The figure opens the conversations behind it: as many rows as it counts, in the list and in its CSV export.
    await waiting.getByRole('link').click();
    await page.waitForURL('**/conversations?**');
    await expect.poll(() => page.getByTestId('conversations').locator('tbody tr').count()).toBe(before + 1);
    const csv = await page.request.get(`${urls.dashboard}/api/conversations.csv${new URL(page.url()).search}`);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^id,contactName,contactWaId,status,/);
    expect(lines).toHaveLength(before + 2);
    expect(lines.some((l) => l.includes('Paula Prueba'))).toBe(true);
    await context.close();
  });

  it("shows a conversation's timeline, and a supervisor's note and assignment land on it", async () => {
    const { context, page } = await signedIn('supervisor:Sofia');
    await page.goto(`${urls.dashboard}/conversations?q=${encodeURIComponent('pedido')}`);
    await expect.poll(() => page.getByTestId('conversations').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'conversations');

    await page.goto(`${urls.dashboard}/conversations?status=new,queued&sort=longest_waiting`);
    await page.getByRole('link', { name: 'Paula Prueba' }).click();
    await page.waitForURL(/\/conversations\/[0-9a-f-]{36}/);
    const timeline = page.getByTestId('timeline');
    await expect.poll(() => timeline.textContent()).toContain('Hola, ¿me ayudan con mi pedido?');
    expect(await timeline.textContent()).toContain('Conversation opened');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'conversation');

    await page.getByLabel('Private note').fill('Called the courier');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => timeline.textContent()).toContain('Called the courier');
    await page.getByLabel('Agent', { exact: true }).selectOption({ label: 'Ana' });
    await page.getByRole('button', { name: 'Assign' }).click();
    await expect.poll(() => page.getByTestId('assignee').textContent()).toBe('Ana');
    expect(await page.getByTestId('status').textContent()).toBe('Assigned');
    // Both actions are entries of the timeline, by whom and to whom, after the customer's message.
    const note = timeline.locator('li[data-type="NoteAdded"]');
    expect(await note.textContent()).toContain('Called the courier');
    expect(await note.textContent()).toContain('Private note · Sofia');
    const assigned = timeline.locator('li[data-type="ConversationAssigned"]');
    expect(await assigned.locator('p').textContent()).toBe('Assigned to Ana by Sofia');
    const types = await timeline.locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-type')));
    expect(types.indexOf('MessageReceived')).toBeLessThan(types.indexOf('NoteAdded'));
    expect(types.indexOf('NoteAdded')).toBeLessThan(types.indexOf('ConversationAssigned'));
    expect(types.at(-1)).toBe('ConversationAssigned');
    // Its SLA clock: the Night team's 1 s first-response target is past due (nobody replied), its resolution is not.
    const clock = page.getByTestId('sla-clock');
    await expect
      .poll(
        async () => {
          await page.reload();
          return clock.textContent();
        },
        { timeout: 15_000 },
      )
      .toMatch(/First response.*Breached.*Target1s \(calendar\).*Breached by.*Resolution.*On track.*Left/);
    expect(await clock.textContent()).toContain('Calendar time: every hour counts.');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'conversation-timeline');
    await context.close();
  });

  it("answers 404 for another tenant's conversation and for an unknown one, without their data", async () => {
    const other = platform.demos[1]!;
    const theirs = await (await fetch(`${urls.query}/v1/conversations?limit=1`, { headers: { authorization: `Bearer ${other.keys.admin}` } })).json();
    const theirId = theirs.items[0].id as string;
    const { context, page } = await signedIn('supervisor:Sofia');
    for (const id of [theirId, randomUUID(), 'not-an-id']) {
      const res = await page.goto(`${urls.dashboard}/conversations/${id}`);
      expect(res!.status(), id).toBe(404);
      expect(await page.locator('body').textContent()).toContain('could not be found');
      expect(await page.locator('body').textContent()).not.toContain(theirs.items[0].contactName ?? theirId);
    }
    // Their conversation's timeline through the API, with our key: 404 too.
    const api = await fetch(`${urls.query}/v1/conversations/${theirId}/activity`, { headers: { authorization: `Bearer ${key('supervisor:Sofia')}` } });
    expect(api.status).toBe(404);
    await context.close();
  });

  it('works from the keyboard: skip link, navigation, filters', async () => {
    const { context, page } = await signedIn('supervisor:Sofia');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(new URL(page.url()).hash).toBe('#main');
    // The navigation's links are reachable, and Enter follows one.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Conversations' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL('**/conversations');
    // Filters changed from the keyboard put the view in the URL.
    await page.getByLabel('Status').focus();
    await page.getByLabel('Status').selectOption({ label: 'Waiting for an agent' });
    await page.getByLabel('Search messages').focus();
    await page.keyboard.type('pedido');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('q') === 'pedido' && u.searchParams.get('status') === 'new,queued');
    await context.close();
  });

  it('keeps an agent to their own page: a supervisor page by URL is a 403', async () => {
    const { context, page } = await signedIn('agent:Ana');
    expect(new URL(page.url()).pathname).toBe('/me');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['My stats']);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'my-stats');
    for (const path of ['/live', '/conversations']) {
      const res = await page.goto(`${urls.dashboard}${path}`);
      expect(res!.status(), path).toBe(403);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Not available for your role');
    }
    const api = await page.request.get(`${urls.dashboard}/api/live`);
    expect(api.status()).toBe(403);
    await context.close();
  });

  it('signs out, and a revoked key lands on the sign-in page', async () => {
    const { context, page } = await signedIn('supervisor:Sofia');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in?reason=signed-out');
    expect(await context.cookies()).toEqual([]);
    await page.goto(`${urls.dashboard}/live`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await context.close();

    // Luis's key is rotated while he is signed in: his next page is the sign-in page, saying why.
    const luis = await signedIn('agent:Luis');
    const me = await (await fetch(`${urls.query}/v1/me`, { headers: { authorization: `Bearer ${key('agent:Luis')}` } })).json();
    const rotated = await fetch(`${urls.command}/v1/users/${me.userId}/api-key/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key('admin')}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(rotated.status).toBe(200);
    const { position } = await rotated.json();
    // Wait until the read side has the rotation (the query API refuses the old key from then on).
    await fetch(`${urls.query}/v1/me?minPosition=${position}`, { headers: { authorization: `Bearer ${key('admin')}` } });
    await luis.page.goto(`${urls.dashboard}/me`);
    await luis.page.waitForURL('**/sign-in?reason=expired');
    expect(await luis.page.locator('main').textContent()).toContain('no longer valid');
    await luis.context.close();
  });
});
