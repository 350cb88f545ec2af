import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createPgPool } from '@parley/events';
import { PgProjector } from '@parley/projections';
import { inboxProjection } from '@parley/projections/inbox';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxTraffic } from './support/inbox-traffic.ts';
import { RunningPlatform, type TestTenant } from './support/running-platform.ts';
import { dumpSchema } from './support/table-dump.ts';

let platform: RunningPlatform;
let tenant: TestTenant;
let pool: pg.Pool;

beforeAll(async () => {
  // The projector runs in a child process here: this process only writes and reads.
  platform = await RunningPlatform.start('projector_crash', { runProjectors: false });
  tenant = await platform.tenant('crashy');
  pool = createPgPool({ connectionString: platform.db.connectionString, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await platform?.stop();
});

const checkpoint = async () =>
  BigInt((await pool.query<{ position: string }>(`SELECT position FROM projector.checkpoints WHERE projector = 'inbox'`)).rows[0]?.position || '0');
const head = async () => BigInt(await platform.command.store.headPosition());

function startProjectorProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./support/projector-process.ts', import.meta.url))], {
    env: { ...process.env, PARLEY_DATABASE_URL: platform.db.connectionString, BATCH_SIZE: '20' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return child;
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('projector crash and restart', () => {
  it('after SIGKILLs in the middle of a stream, the read model equals one rebuilt from zero', async () => {
    // Traffic keeps flowing while the projector is killed and restarted.
    const traffic = (async () => {
      await inboxTraffic(platform, tenant, 12, 1);
      await inboxTraffic(platform, tenant, 12, 2);
    })().catch((err: unknown) => err);
    // The traffic helper reads its own writes through the query API; with no projector
    // running in the test process it needs the child's progress: so start one now.
    let child = startProjectorProcess();
    let kills = 0;
    for (let round = 0; round < 3; round++) {
      const from = await checkpoint();
      await until(async () => (await checkpoint()) > from + 30n, 'the projector to make progress');
      child.kill('SIGKILL');
      await exited(child);
      kills += 1;
      child = startProjectorProcess();
    }
    const failed = await traffic;
    if (failed) throw failed;
    const end = await head();
    await until(async () => (await checkpoint()) >= end, 'the restarted projector to catch up');
    child.kill('SIGTERM');
    await exited(child);
    expect(kills).toBe(3);

    const afterCrashes = await dumpSchema(platform.db.connectionString, 'inbox');
    expect(afterCrashes.conversations!.length).toBeGreaterThanOrEqual(24);
    expect(afterCrashes.messages!.length).toBeGreaterThan(24);

    const [projector] = platform.query.projectors;
    await projector!.rebuild();
    const rebuilt = await dumpSchema(platform.db.connectionString, 'inbox');
    expect(afterCrashes).toEqual(rebuilt);
  });

  it('interruptions between the read-model writes and the checkpoint leave nothing behind', async () => {
    const live = platform.query.projectors[0]!;
    await live.start();
    await inboxTraffic(platform, tenant, 4, 3);
    await live.stop();
    let interruptions = 0;
    // A second copy of the inbox in its own schema, followed live from zero.
    const projector = new PgProjector({
      pool,
      store: platform.command.store,
      projection: { ...inboxProjection, name: 'inbox_interrupted', schema: 'inbox_interrupted' },
      batchSize: 7,
      beforeCheckpoint: async () => {
        // Every third batch dies after writing its rows, before its checkpoint.
        if (++interruptions % 3 === 0) throw Object.assign(new Error('connection lost (simulated)'), { code: '08006' });
      },
    });
    await projector.start();
    const end = await head();
    await until(async () => {
      const { position } = await projector.status();
      return BigInt(position || '0') >= end;
    }, 'the interrupted projector to catch up');
    await projector.stop();
    expect(interruptions).toBeGreaterThan(10);
    const interrupted = await dumpSchema(platform.db.connectionString, 'inbox_interrupted');
    await platform.query.projectors[0]!.rebuild();
    expect(interrupted).toEqual(await dumpSchema(platform.db.connectionString, 'inbox'));
    expect((await projector.status()).parked).toBe(0);
  });
});
