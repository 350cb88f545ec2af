/**
 * The dashboard's report pages over the analytics bench's data set
 * (`npm run bench -- --only=dashboard --dashboard-facts=10000000`):
 *   1. the platform as `npm start` runs it (infra/src/run-platform.ts: the APIs, and the
 *      dashboard's production build under `next start`), the demo's tenants seeded without
 *      history; then stopped, N message facts and N/10 conversations bulk-loaded into its
 *      chDB directory (`bulkLoadClickHouse`, the first demo tenant is one of the 20 tenants:
 *      N/20 facts), and started again;
 *   2. for the SLA and the volumes page of that tenant (90 days, by day), 20 loads each of
 *      (a) the page's server response: the whole HTML (every streamed section) over fetch
 *          with the session cookie,
 *      (b) the query API calls behind it, made as the page makes them (GET /v1/me, then
 *          every read of `dashboard/src/lib/page-reads.ts` at once), alternating with (a),
 *      (c) first chart paint in Chromium (below);
 *   p50/p95 of each and the page / API ratio.
 *
 * First chart paint: from navigation start (performance.timeOrigin) to the first frame
 * painted after a recharts bar exists in the document: an init script watches the DOM
 * (MutationObserver) for the first `.recharts-surface path.recharts-rectangle` (a drawn
 * bar), then waits for the next animation frame and a task after it (rAF → setTimeout 0:
 * the frame holding the bar has been painted) and takes performance.now(). Its breakdown:
 * first byte, the first chart's section in the document (its <figure>, streamed from the
 * server before the browser draws it), its first bar in the DOM, the page received. The page is
 * opened in one tab again and again, so its scripts come from the browser's cache, as for
 * a supervisor who opened the dashboard before.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '@parley/events/testing';
import { createClickHouseClient } from '@parley/projections/analytics';
import { chromium } from 'playwright-core';
import { type PageReaders, slaPageReads, volumesPageReads } from '../../dashboard/src/lib/page-reads.ts';
import { REPORTS, type ReportName, reportSearch } from '../../dashboard/src/lib/reports.ts';
import { parseView } from '../../dashboard/src/lib/view-params.ts';
import { bulkLoadClickHouse } from './analytics-bench.ts';

export interface DashboardBenchOptions {
  facts: number;
  loads?: number;
  log: (line: string) => void;
}

const RUN_PLATFORM = fileURLToPath(new URL('../../infra/src/run-platform.ts', import.meta.url));
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** The bulk load's 90 days (analytics-bench.ts: from 2026-01-01), by day. */
const VIEW = 'range=custom&from=2026-01-01&to=2026-03-31&group=day';
const PAGES = [
  { name: 'SLA', path: '/sla', reads: slaPageReads },
  { name: 'volumes', path: '/volumes', reads: volumesPageReads },
] as const;

/** The init script of every browser load: `window.__chartPaint` resolves to the first chart paint (see above). */
const FIRST_CHART_PAINT = `window.__chartPaint = new Promise((resolve) => {
  const found = () => {
    // The first chart's section streamed in (server-rendered, before the browser draws it).
    if (window.__chartHtml === undefined && document.querySelector('main figure')) window.__chartHtml = performance.now();
    if (!document.querySelector('.recharts-surface path.recharts-rectangle')) return false;
    window.__chartBars = performance.now();
    requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
    return true;
  };
  const observer = new MutationObserver(() => found() && observer.disconnect());
  observer.observe(document, { childList: true, subtree: true });
});`;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? Number.NaN;
};
const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')}`;

interface RunningPlatform {
  urls: { query: string; dashboard: string };
  stop: () => Promise<void>;
}

/** infra/src/run-platform.ts over `env`, until it prints the dashboard's URL. */
async function startPlatform(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<RunningPlatform> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', RUN_PLATFORM], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
  // A first start may build the dashboard (next build): minutes on a busy machine.
  const deadline = Date.now() + 900_000;
  while (!/^dashboard\s+http:\/\/\S+/m.test(output)) {
    const code = await Promise.race([exited, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), 200))]);
    if (code !== 'waiting') throw new Error(`run-platform exited (${code}):\n${output.slice(-4000)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`run-platform did not start the dashboard in time:\n${output.slice(-4000)}`);
    }
  }
  const built = /\[dashboard\] built in .*/.exec(output);
  if (built) log(built[0]);
  const url = (label: string) => new RegExp(`^${label}\\s+(http://\\S+)`, 'm').exec(output)![1]!;
  return { urls: { query: url('query API'), dashboard: url('dashboard') }, stop };
}

interface PageFigures {
  name: string;
  htmlBytes: number;
  page: number[];
  api: number[];
  paint: number[];
  /**
   * The browser loads' breakdown, ms from navigation start: first byte of the page; the
   * first chart's section in the document (streamed, before the browser draws it); its
   * first bar drawn; the whole page received.
   */
  firstByte: number[];
  chartHtml: number[];
  chartBars: number[];
  htmlEnd: number[];
}

export async function runDashboardBench(options: DashboardBenchOptions): Promise<void> {
  const { facts, log } = options;
  const loads = options.loads ?? 20;
  const db = await createTestDatabase('dashboard_bench');
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-dashboard-bench-'));
  const [command, query, workers, dashboard] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PARLEY_DATABASE_URL: db.connectionString,
    PARLEY_ADMIN_KEY: `bench-admin-${randomBytes(12).toString('hex')}`,
    PARLEY_SECRET_KEY: randomBytes(32).toString('base64'),
    PARLEY_DATA_DIR: dataDir,
    PARLEY_DEMO_FILE: join(dataDir, 'demo.json'),
    PARLEY_DEMO_HISTORY: 'off',
    // Nothing is sent: the workers would only compete for the cores.
    PARLEY_WORKERS: 'off',
    COMMAND_PORT: String(command),
    QUERY_PORT: String(query),
    WORKERS_PORT: String(workers),
    DASHBOARD_PORT: String(dashboard),
    DASHBOARD_SESSION_SECRET: randomBytes(32).toString('base64url'),
  };
  let platform: RunningPlatform | null = null;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    // 1. Tenants and keys through the APIs, then the facts into the stopped platform's chDB.
    platform = await startPlatform(env, log);
    await platform.stop();
    const demo = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')) as { tenantId: string; keys: Record<string, string> }[];
    const tenant = demo[0]!;
    const tenants = Array.from({ length: 20 }, (_, i) => demo[i]?.tenantId ?? `t${i}`);
    const client = createClickHouseClient({ url: null, dataDir: join(dataDir, 'chdb'), database: 'parley', cluster: null });
    const loaded = await bulkLoadClickHouse(client, { facts, tenants });
    await client.close();
    log(
      `dashboard bench: ${facts.toLocaleString('en-US')} message facts and ${(facts / 10).toLocaleString('en-US')} conversations bulk-loaded in ${(loaded.factsSeconds + loaded.conversationsSeconds).toFixed(1)} s; the large tenant has ${(facts / 20).toLocaleString('en-US')} facts`,
    );
    platform = await startPlatform(env, log);
    const { urls } = platform;

    // 2. Signed in as the tenant's supervisor, in the browser; fetch reuses its cookie.
    const key = tenant.keys['supervisor:Sofia']!;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await context.newPage();
    await tab.goto(`${urls.dashboard}/sign-in`);
    await tab.getByLabel('API key').fill(key);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.waitForURL((u) => u.pathname !== '/sign-in' && u.pathname !== '/');
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    // Browser code as text: this package's types are Node's, not the DOM's.
    await context.addInitScript({ content: FIRST_CHART_PAINT });

    const api = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${urls.query}${path}`, { headers: { authorization: `Bearer ${key}` } });
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const search = (q: Record<string, string | number | undefined>) =>
      new URLSearchParams(Object.entries(q).flatMap(([k, v]): [string, string][] => (v === undefined || v === '' ? [] : [[k, String(v)]]))).toString();

    const results: PageFigures[] = [];
    const loadBefore = loadavg();
    for (const p of PAGES) {
      const url = `${urls.dashboard}${p.path}?${VIEW}`;
      const view = parseView(Object.fromEntries(new URLSearchParams(VIEW)));
      // The page's calls: who is signed in (its zone makes the range), then every read at once.
      const apiCalls = async () => {
        const me = await api<{ timeZone: string }>('/v1/me');
        const now = new Date();
        const readers: PageReaders = {
          read: <T>(name: ReportName, extra: Record<string, string | number | undefined> = {}) =>
            api<T>(`${REPORTS[name].path}?${search(reportSearch(name, view, me.timeZone, extra, now))}`),
          workload: () => api('/v1/supervisor/workload'),
        };
        await Promise.all(Object.values(p.reads(readers)).flat());
      };
      let htmlBytes = 0;
      const pageLoad = async () => {
        const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
        const html = await res.text();
        if (res.status !== 200) throw new Error(`${p.path}: ${res.status}`);
        htmlBytes = Buffer.byteLength(html);
      };
      const timed = async (run: () => Promise<unknown>) => {
        const t = performance.now();
        await run();
        return performance.now() - t;
      };
      // Warm-up, not measured: JIT, connections, chDB's caches.
      for (let i = 0; i < 2; i++) {
        await pageLoad();
        await apiCalls();
      }
      const figures: PageFigures = { name: p.name, htmlBytes: 0, page: [], api: [], paint: [], firstByte: [], chartHtml: [], chartBars: [], htmlEnd: [] };
      for (let i = 0; i < loads; i++) {
        // Alternating, so that the machine's drift weighs on both alike.
        figures.page.push(await timed(pageLoad));
        figures.api.push(await timed(apiCalls));
      }
      figures.htmlBytes = htmlBytes;
      const browserLoad = async () => {
        await tab.goto(url, { waitUntil: 'commit' });
        const paint = await tab.evaluate<number>('window.__chartPaint');
        await tab.waitForLoadState('load');
        const nav = await tab.evaluate<{ firstByte: number; htmlEnd: number; chartHtml: number; chartBars: number }>(
          `(() => { const n = performance.getEntriesByType('navigation')[0];
            return { firstByte: n.responseStart, htmlEnd: n.responseEnd, chartHtml: window.__chartHtml, chartBars: window.__chartBars }; })()`,
        );
        return { paint, ...nav };
      };
      for (let i = 0; i < 2; i++) await browserLoad();
      for (let i = 0; i < loads; i++) {
        const b = await browserLoad();
        figures.paint.push(b.paint);
        figures.firstByte.push(b.firstByte);
        figures.chartHtml.push(b.chartHtml);
        figures.chartBars.push(b.chartBars);
        figures.htmlEnd.push(b.htmlEnd);
      }
      results.push(figures);
      log(
        `${p.name}: page p50/p95 ${ms(quantile(figures.page, 0.5))}/${ms(quantile(figures.page, 0.95))} ms, API ${ms(quantile(figures.api, 0.5))}/${ms(quantile(figures.api, 0.95))} ms, first chart paint p50/p95 ${ms(quantile(figures.paint, 0.5))}/${ms(quantile(figures.paint, 0.95))} ms`,
      );
    }
    const loadAfter = loadavg();
    await context.close();

    log('');
    log(
      `| page (${(facts / 20).toLocaleString('en-US')} facts of ${facts.toLocaleString('en-US')}, 90 days by day; ${loads} loads) | page response p50 / p95 ms | its API calls p50 / p95 ms | page p95 / API p95 | HTML KB | first chart paint p50 / p95 ms | in the browser, p50 ms: first byte / chart's section in / its bars drawn / page received |`,
    );
    log('|---|---|---|---|---|---|---|');
    for (const r of results) {
      log(
        `| ${r.name} | ${ms(quantile(r.page, 0.5))} / ${ms(quantile(r.page, 0.95))} | ${ms(quantile(r.api, 0.5))} / ${ms(quantile(r.api, 0.95))} | ${(quantile(r.page, 0.95) / quantile(r.api, 0.95)).toFixed(2)}× | ${ms(r.htmlBytes / 1024)} | ${ms(quantile(r.paint, 0.5))} / ${ms(quantile(r.paint, 0.95))} | ${[r.firstByte, r.chartHtml, r.chartBars, r.htmlEnd].map((x) => ms(quantile(x, 0.5))).join(' / ')} |`,
      );
    }
    log(
      `\nload average (1 min) before / after the measured loads: ${loadBefore[0]!.toFixed(2)} / ${loadAfter[0]!.toFixed(2)} (other work may share the cores)`,
    );
  } finally {
    await browser.close();
    await platform?.stop();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  await runDashboardBench({ facts: Number(arg('dashboard-facts') ?? 10_000_000), log: (l) => console.log(l) });
}
