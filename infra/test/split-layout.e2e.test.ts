import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, RunningPlatform } from './support/running-platform.ts';

let platform: RunningPlatform;
let projectors: ChildProcess;
const port = 39_000 + Math.floor(Math.random() * 1000);

beforeAll(async () => {
  // The query API only reads here; the projectors run as their own process.
  platform = await RunningPlatform.start('split_layout', { runProjectors: false });
  projectors = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../projections/src/main.ts', import.meta.url))], {
    env: {
      ...process.env,
      PARLEY_DATABASE_URL: platform.db.connectionString,
      PARLEY_ADMIN_KEY: ADMIN_KEY,
      PARLEY_SECRET_KEY: randomBytes(32).toString('base64'),
      PROJECTIONS_PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  projectors.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!out.includes('/health')) {
    if (Date.now() > deadline || projectors.exitCode !== null) throw new Error(`projector process did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
});
afterAll(async () => {
  if (projectors && projectors.exitCode === null) {
    projectors.kill('SIGTERM');
    await once(projectors, 'exit');
  }
  await platform?.stop();
});

describe('projectors in their own process', () => {
  it('project what the command API writes for a query API that only reads, and report their lag', async () => {
    const tenant = await platform.tenant('split', 1);
    const { conversationId, position } = await platform.customerWrites(tenant, '4915100000001', 'Guten Tag');
    const detail = await platform.get(`/v1/conversations/${conversationId}?minPosition=${position}`, tenant.adminKey);
    expect(detail.headers.get('parley-consistency')).toBe('fresh');
    expect(detail.body.lastMessage.preview).toBe('Guten Tag');

    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
      ok: boolean;
      projectors: { name: string; eventsBehind: number; running: boolean }[];
    };
    expect(health.ok).toBe(true);
    expect(health.projectors).toEqual([
      expect.objectContaining({ name: 'inbox', eventsBehind: 0, running: true }),
      expect.objectContaining({ name: 'plans', eventsBehind: 0, running: true }),
      expect.objectContaining({ name: 'billing', eventsBehind: 0, running: true }),
      expect.objectContaining({ name: 'invoices', eventsBehind: 0, running: true }),
    ]);
    // The query process reports the same projector as not running there.
    const queryHealth = await platform.get('/health', undefined);
    expect(queryHealth.body.projectors).toEqual([
      expect.objectContaining({ name: 'inbox', running: false }),
      expect.objectContaining({ name: 'plans', running: false }),
      expect.objectContaining({ name: 'billing', running: false }),
      expect.objectContaining({ name: 'invoices', running: false }),
    ]);
  });
});
