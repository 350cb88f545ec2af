import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, SCREENSHOTS, screenshots, seriousViolations, signedIn as signedInWith, startPlatform } from './support/platform.ts';

/** The settings page in a real browser against the real platform, started as `npm start` starts it (without the demo's history). */

let platform: Platform;
let dashboardUrl: string;

beforeAll(async () => {
  platform = await startPlatform('dashboard_settings_e2e', { history: false });
  dashboardUrl = platform.urls.dashboard;
}, 180_000);

afterAll(() => platform?.stop(), 60_000);

const signedIn = (who: string) => signedInWith(platform, platform.key(who));

const saved = (page: Page, message: string) => expect.poll(() => page.getByRole('status').filter({ hasText: message }).count(), { timeout: 10_000 }).toBe(1);

const team = (page: Page, name: string): Locator => page.getByTestId(`team-${name}`);

describe('the settings page', () => {
  it('lets an admin create a team, add a member, set SLA targets and business hours with a holiday, and shows them after a reload', async () => {
    const { context, page } = await signedIn('admin');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toContain('Settings');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL('**/settings');
    // The demo's team, with its seeded targets and hours.
    expect(await team(page, 'Support').getByTestId('members-Support').textContent()).toContain('Sofia');
    expect(await team(page, 'Support').getByTestId('sla-Support-urgent').getByLabel('First response (min)').inputValue()).toBe('5');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'settings');

    // Create a team from the keyboard: type the name, Enter.
    await page.getByLabel('Team name').focus();
    await page.keyboard.type('Escalations');
    await page.keyboard.press('Enter');
    await saved(page, 'Team created.');
    const escalations = team(page, 'Escalations');
    await escalations.waitFor();
    expect(await escalations.textContent()).toContain('No members yet.');

    await escalations.getByLabel('Add a member', { exact: true }).selectOption({ label: 'Luis (agent)' });
    await escalations.getByRole('button', { name: 'Add member' }).click();
    await saved(page, 'Member added.');
    await expect.poll(() => escalations.getByTestId('members-Escalations').textContent()).toContain('Luis');

    const urgent = escalations.getByTestId('sla-Escalations-urgent');
    await urgent.getByLabel('First response (min)').fill('10');
    await urgent.getByLabel('Next response (min)').fill('30');
    await urgent.getByLabel('Resolution (h)').fill('4');
    await escalations.getByRole('button', { name: 'Save SLA targets' }).click();
    await saved(page, 'SLA targets saved.');

    await escalations.getByLabel('Time zone').selectOption('Europe/Madrid');
    await escalations.getByLabel('Monday', { exact: true }).check();
    await escalations.getByLabel('Monday opens at').fill('08:30');
    await escalations.getByLabel('Monday closes at').fill('17:00');
    await escalations.getByLabel('Friday', { exact: true }).check();
    await escalations.getByLabel('Add a holiday').fill('2026-12-25');
    await escalations.getByRole('button', { name: 'Add holiday' }).click();
    expect(await escalations.getByTestId('holidays-Escalations').textContent()).toContain('2026-12-25');
    await escalations.getByRole('button', { name: 'Save business hours' }).click();
    await saved(page, 'Business hours saved.');

    await page.goto(`${dashboardUrl}/settings`);
    const after = team(page, 'Escalations');
    expect(await after.getByTestId('members-Escalations').textContent()).toContain('Luis');
    const urgentAfter = after.getByTestId('sla-Escalations-urgent');
    expect(await urgentAfter.getByLabel('First response (min)').inputValue()).toBe('10');
    expect(await urgentAfter.getByLabel('Next response (min)').inputValue()).toBe('30');
    expect(await urgentAfter.getByLabel('Resolution (h)').inputValue()).toBe('4');
    expect(await after.getByTestId('sla-Escalations-low').getByLabel('First response (min)').inputValue()).toBe('');
    expect(await after.getByLabel('Time zone').inputValue()).toBe('Europe/Madrid');
    expect(await after.getByLabel('Monday', { exact: true }).isChecked()).toBe(true);
    expect(await after.getByLabel('Monday opens at').inputValue()).toBe('08:30');
    expect(await after.getByLabel('Monday closes at').inputValue()).toBe('17:00');
    expect(await after.getByLabel('Friday', { exact: true }).isChecked()).toBe(true);
    expect(await after.getByLabel('Tuesday', { exact: true }).isChecked()).toBe(false);
    expect(await after.getByTestId('holidays-Escalations').textContent()).toContain('2026-12-25');
    expect(await after.textContent()).toContain('business hours in Europe/Madrid');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'settings-saved');

    // A value the API refuses: its reason shows next to the form, and nothing changes.
    await after.getByLabel('Tuesday', { exact: true }).check();
    await after.getByLabel('Tuesday opens at').fill('09:00');
    await after.getByLabel('Tuesday closes at').fill('09:00');
    await after.getByRole('button', { name: 'Save business hours' }).click();
    const refusal = after.getByRole('form', { name: 'Business hours of Escalations' }).getByRole('alert');
    await expect.poll(() => refusal.textContent(), { timeout: 10_000 }).toContain('opens and closes at 09:00');
    // The refused value stays in the form, to be corrected.
    expect(await after.getByLabel('Tuesday', { exact: true }).isChecked()).toBe(true);
    expect(await after.getByLabel('Tuesday closes at').inputValue()).toBe('09:00');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-refused-desktop.png'), fullPage: true });

    // And a member removed.
    await page.goto(`${dashboardUrl}/settings`);
    await team(page, 'Escalations').getByRole('button', { name: 'Remove Luis from Escalations' }).click();
    await saved(page, 'Member removed.');
    expect(await team(page, 'Escalations').textContent()).toContain('No members yet.');
    await context.close();
  }, 120_000);

  it('lets a supervisor edit service levels but not teams, and refuses an agent (403)', async () => {
    const { context, page } = await signedIn('supervisor:Sofia');
    const res = await page.goto(`${dashboardUrl}/settings`);
    expect(res!.status()).toBe(200);
    expect(await page.getByRole('button', { name: 'Create team' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add member' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Remove .* from / }).count()).toBe(0);
    const support = team(page, 'Support');
    await support.getByTestId('sla-Support-low').getByLabel('First response (min)').fill('200');
    await support.getByRole('button', { name: 'Save SLA targets' }).click();
    await saved(page, 'SLA targets saved.');
    expect(await team(page, 'Support').getByTestId('sla-Support-low').getByLabel('First response (min)').inputValue()).toBe('200');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'settings-supervisor');
    await context.close();

    const agent = await signedIn('agent:Ana');
    expect(await agent.page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).not.toContain('Settings');
    const refused = await agent.page.goto(`${dashboardUrl}/settings`);
    expect(refused!.status()).toBe(403);
    expect(await agent.page.getByRole('heading', { level: 1 }).textContent()).toBe('Not available for your role');
    await agent.context.close();
  }, 60_000);
});
