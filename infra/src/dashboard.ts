// The dashboard (Next.js) as `npm start` runs it: built when its build is missing or older
// than its sources, then `next start` on DASHBOARD_PORT, pointed at the running APIs.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));
const NEXT_BIN = fileURLToPath(new URL('../../node_modules/next/dist/bin/next', import.meta.url));
/** What a build depends on: the dashboard's sources and config, and the role policy it compiles in. */
const SOURCES = ['src', 'next.config.ts', 'postcss.config.mjs', 'package.json', 'tsconfig.json', '../infra/kit/src/auth/roles.ts'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Why the dashboard needs a build (null: its build is current). */
export function buildReason(dir = DASHBOARD_DIR): string | null {
  const buildId = join(dir, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return 'no build yet';
  const built = statSync(buildId).mtimeMs;
  const changed = SOURCES.find((p) => newestMtime(join(dir, p)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

const run = (args: string[], env: NodeJS.ProcessEnv, stdio: 'inherit' | 'pipe') =>
  spawn(process.execPath, [NEXT_BIN, ...args], {
    cwd: DASHBOARD_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', stdio, stdio],
  });

/** `next build`, when needed; a failed build throws (npm start fails loudly rather than serve a stale dashboard). */
export async function buildDashboard(options: { log?: (line: string) => void; force?: boolean } = {}): Promise<boolean> {
  const log = options.log ?? ((line) => console.log(line));
  const reason = options.force ? 'forced' : buildReason();
  if (!reason) return false;
  log(`[dashboard] building (${reason}): next build`);
  const started = Date.now();
  const child = run(['build'], {}, 'inherit');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the dashboard's build failed (next build exited with ${code}): see its output above`);
  log(`[dashboard] built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

export interface RunningDashboard {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** `next start` with the APIs' URLs; resolves once it answers. */
export async function startDashboard(options: {
  host: string;
  port: number;
  queryUrl: string;
  commandUrl: string;
  /** Seals the session cookie; at least 32 characters. Unset: a random one (sessions end with the process). */
  sessionSecret?: string;
  stdio?: 'inherit' | 'pipe';
}): Promise<RunningDashboard> {
  const sessionSecret = options.sessionSecret || randomBytes(32).toString('base64url');
  const child = run(
    ['start', '--hostname', options.host, '--port', String(options.port)],
    {
      QUERY_URL: options.queryUrl,
      COMMAND_URL: options.commandUrl,
      DASHBOARD_PORT: String(options.port),
      DASHBOARD_SESSION_SECRET: sessionSecret,
      NODE_ENV: 'production',
    },
    options.stdio ?? 'inherit',
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // However this process ends, the dashboard ends with it.
  const orphanGuard = () => child.kill('SIGTERM');
  process.once('exit', orphanGuard);
  void exited.then(() => process.off('exit', orphanGuard));
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`${url}/sign-in`, { redirect: 'manual' })
      .then((r) => r.status === 200)
      .catch(() => false);
    if (up) break;
    const code = await Promise.race([exited, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), 200))]);
    if (code !== 'waiting') throw new Error(`the dashboard (next start) exited with ${code} before answering on ${url}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`the dashboard did not answer on ${url} within 60 s`);
    }
  }
  return {
    url,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
