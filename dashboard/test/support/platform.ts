import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { createTestDatabase, type TestDatabase } from '@parley/events/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * The dashboard's browser tests' harness: the real platform started as `npm start` starts
 * it (infra/src/run-platform.ts: APIs, projectors, workers, the demo seeded through the
 * APIs, and the dashboard built when needed and run with `next start`), over a database of
 * its own, and Debian's Chromium (/usr/bin/chromium, installed by infra/ensure-services.sh).
 */

const RUN_PLATFORM = fileURLToPath(new URL('../../../infra/src/run-platform.ts', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface DemoTenant {
  name: string;
  tenantId: string;
  keys: Record<string, string>;
  phoneNumberId: string;
  whatsapp?: { phoneNumberId: string; appSecret: string };
}

export interface Platform {
  urls: { command: string; query: string; dashboard: string; workersHealth: string };
  /** Every demo tenant (the first is the one the tests sign in to). */
  demos: DemoTenant[];
  demo: DemoTenant;
  adminKey: string;
  browser: Browser;
  /** A demo user's key of the first tenant, by `role:Name` (or `admin`). */
  key: (who: string) => string;
  output: () => string;
  stop: () => Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/**
 * Starts the platform with the demo and a browser; `stop` ends both and drops the database.
 * `history`: the demo's 30 days of traffic too (the reports need it; it adds seconds of seeding).
 */
export async function startPlatform(name: string, options: { history: boolean }): Promise<Platform> {
  const adminKey = `e2e-admin-${randomBytes(12).toString('hex')}`;
  const db: TestDatabase = await createTestDatabase(name);
  const dataDir = mkdtempSync(join(tmpdir(), `parley-${name}-`));
  let platform: ChildProcess | null = null;
  let browser: Browser | null = null;
  let output = '';
  const stop = async () => {
    await browser?.close();
    if (platform && platform.exitCode === null) {
      const p = platform;
      const exited = new Promise((resolve) => p.once('exit', resolve));
      p.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (p.exitCode === null) p.kill('SIGKILL');
    }
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const [command, query, workers, dashboard] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const child = spawn(process.execPath, ['--import', 'tsx', RUN_PLATFORM], {
      env: {
        ...process.env,
        PARLEY_DATABASE_URL: db.connectionString,
        PARLEY_ADMIN_KEY: adminKey,
        PARLEY_SECRET_KEY: randomBytes(32).toString('base64'),
        PARLEY_DATA_DIR: dataDir,
        PARLEY_DEMO_FILE: join(dataDir, 'demo.json'),
        PARLEY_DEMO_HISTORY: options.history ? 'on' : 'off',
        PARLEY_WEBHOOKS_ALLOW_LOOPBACK: 'true',
        REDIS_PREFIX: `parley-${name}-${randomBytes(4).toString('hex')}`,
        COMMAND_PORT: String(command),
        QUERY_PORT: String(query),
        WORKERS_PORT: String(workers),
        DASHBOARD_PORT: String(dashboard),
        DASHBOARD_SESSION_SECRET: randomBytes(32).toString('base64url'),
        // As `npm start` does: a signing secret, so the demo drives a Stripe subscription per tenant through the fake Stripe.
        STRIPE_WEBHOOK_SECRETS: `whsec_${randomBytes(24).toString('hex')}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    platform = child;
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
    const deadline = Date.now() + 150_000;
    while (!/^dashboard\s+http:\/\/\S+/m.test(output)) {
      const code = await Promise.race([exited, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), 200))]);
      if (code !== 'waiting') throw new Error(`run-platform exited (${code}):\n${output.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`run-platform did not start the dashboard in time:\n${output}`);
    }
    const url = (label: string) => new RegExp(`^${label}\\s+(http://\\S+)`, 'm').exec(output)![1]!;
    const urls = { command: url('command API'), query: url('query API'), dashboard: url('dashboard'), workersHealth: url('workers') };
    const demos = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')) as DemoTenant[];
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
    const demo = demos[0]!;
    return { urls, demos, demo, adminKey, browser, key: (who) => demo.keys[who]!, output: () => output, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** A browser context signed in with an API key, landed on the role's first page. */
export async function signedIn(p: Platform, apiKey: string, width = 1280): Promise<{ context: BrowserContext; page: Page }> {
  const context = await p.browser.newContext({ viewport: { width, height: width < 600 ? 844 : 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${p.urls.dashboard}/sign-in`);
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Sign-in leads home, and home to the role's first page.
  await page.waitForURL((u) => u.pathname !== '/sign-in' && u.pathname !== '/');
  return { context, page };
}

/** axe-core's serious and critical violations on the page, one line each. */
export async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Full-page screenshots at 1280 and 390 px; at 390 nothing may be wider than the screen (wide tables scroll in their own box). */
export async function screenshots(page: Page, name: string) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  // Charts follow the new width on their next frame (a ResizeObserver): give them a moment.
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: `${name} at 390 px`, timeout: 3000 }).toBeLessThanOrEqual(390);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}
