import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { createTestDatabase, type TestDatabase } from '@parley/events/testing';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The settings page in a real browser against the real platform, started as `npm start`
 * starts it (infra/src/run-platform.ts, the demo seeded), like dashboard.e2e.test.ts: the
 * same start-up, kept short here.
 */

const RUN_PLATFORM = fileURLToPath(new URL('../../infra/src/run-platform.ts', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('../test-results/screenshots/', import.meta.url));
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let db: TestDatabase;
let dataDir: string;
let platform: ChildProcess;
let output = '';
let dashboardUrl: string;
let keys: Record<string, string>;
let browser: Browser;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  db = await createTestDatabase('dashboard_settings_e2e');
  dataDir = mkdtempSync(join(tmpdir(), 'parley-settings-e2e-'));
  const [command, query, workers, dashboard] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  platform = spawn(process.execPath, ['--import', 'tsx', RUN_PLATFORM], {
    env: {
      ...process.env,
      PARLEY_DATABASE_URL: db.connectionString,
      PARLEY_ADMIN_KEY: `e2e-admin-${randomBytes(12).toString('hex')}`,
      PARLEY_SECRET_KEY: randomBytes(32).toString('base64'),
      PARLEY_DATA_DIR: dataDir,
      PARLEY_DEMO_FILE: join(dataDir, 'demo.json'),
      PARLEY_DEMO_HISTORY: 'off',
      PARLEY_WEBHOOKS_ALLOW_LOOPBACK: 'true',
      REDIS_PREFIX: `parley-settings-e2e-${randomBytes(4).toString('hex')}`,
      COMMAND_PORT: String(command),
      QUERY_PORT: String(query),
      WORKERS_PORT: String(workers),
      DASHBOARD_PORT: String(dashboard),
      DASHBOARD_SESSION_SECRET: randomBytes(32).toString('base64url'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  platform.stdout!.on('data', (d) => (output += d));
  platform.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<string>((resolve) => platform.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
  const deadline = Date.now() + 150_000;
  while (!/^dashboard\s+http:\/\/\S+/m.test(output)) {
    const code = await Promise.race([exited, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), 200))]);
    if (code !== 'waiting') throw new Error(`run-platform exited (${code}):\n${output.slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`run-platform did not start the dashboard in time:\n${output}`);
  }
  dashboardUrl = /^dashboard\s+(http:\/\/\S+)/m.exec(output)![1]!;
  keys = (JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')) as { keys: Record<string, string> }[])[0]!.keys;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (platform && platform.exitCode === null) {
    const exited = new Promise((resolve) => platform.once('exit', resolve));
    platform.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (platform.exitCode === null) platform.kill('SIGKILL');
  }
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

async function signedIn(who: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${dashboardUrl}/sign-in`);
  await page.getByLabel('API key').fill(keys[who]!);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname !== '/sign-in' && u.pathname !== '/');
  return { context, page };
}

async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

async function screenshots(page: Page, name: string) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at 390 px`).toBeLessThanOrEqual(390);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

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
