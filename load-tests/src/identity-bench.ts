/**
 * `npm run bench -- --only=identity`: what authenticating a tenant key costs the query
 * side now that it reads the inbox's identity tables instead of folding tenant streams.
 * In one run on one database: `InboxIdentity.authenticate` for known keys, for revoked
 * keys, and a bare `SELECT 1` on the same pool (the floor of any lookup), each from the
 * same number of concurrent loops.
 */
import { randomBytes } from 'node:crypto';
import { createCommandPlatform } from '@parley/command';
import { createPgPool } from '@parley/events';
import { createTestDatabase } from '@parley/events/testing';
import { CheckpointWatcher, PgProjector } from '@parley/projections';
import { InboxIdentity, inboxProjection, inboxReadPool } from '@parley/projections/inbox';
import { measure } from './measure.ts';

const ADMIN_KEY = 'bench-platform-admin-key-0123456789';
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export interface IdentityBenchResult {
  loops: number;
  seconds: number;
  users: number;
  known: number;
  revoked: number;
  selectOne: number;
}

export async function identityBench(options: { users: number; loops: number; seconds: number }): Promise<IdentityBenchResult> {
  const db = await createTestDatabase('bench_identity');
  const command = await createCommandPlatform({
    databaseUrl: db.connectionString,
    eventStoreUrl: null,
    platformAdminKey: ADMIN_KEY,
    secretKey: randomBytes(32).toString('base64'),
  });
  const base = await command.app.listen({ host: '127.0.0.1', port: 0 });
  const projectorPool = createPgPool({ connectionString: db.connectionString, max: 2 });
  const readPool = inboxReadPool(db.connectionString);
  const projector = new PgProjector({ pool: projectorPool, store: command.store, projection: inboxProjection });
  const progress = new CheckpointWatcher(projectorPool, command.store, inboxProjection.name);
  try {
    const post = async (path: string, key: string, body: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { apiKey: string; userId: string };
    };
    const tenant = await post('/v1/tenants', ADMIN_KEY, { name: 'Bench', admin: { name: 'Admin', email: 'admin@bench.test' } });
    const keys: string[] = [];
    const revoked: string[] = [];
    for (let i = 0; i < options.users; i++) {
      const user = await post('/v1/users', tenant.apiKey, { name: `agent ${i}`, email: `agent${i}@bench.test`, role: 'agent' });
      if (i % 10 === 9) {
        const res = await fetch(`${base}/v1/users/${user.userId}/api-key`, { method: 'DELETE', headers: { authorization: `Bearer ${tenant.apiKey}` } });
        if (!res.ok) throw new Error(`revoking a key: ${res.status}`);
        revoked.push(user.apiKey);
      } else keys.push(user.apiKey);
    }
    await projector.start();
    if (!(await progress.waitFor(await command.store.headPosition(), 30_000))) throw new Error('the inbox projector did not catch up');
    const identity = new InboxIdentity(readPool, command.store, progress);
    for (const key of keys) if (!(await identity.authenticate(key))) throw new Error('a known key was refused');
    for (const key of revoked) if (await identity.authenticate(key)) throw new Error('a revoked key was accepted');

    const { loops, seconds } = options;
    let turn = 0;
    const once = (call: () => Promise<unknown>) => async () => {
      await call();
      return 1;
    };
    const known = await measure(
      loops,
      seconds,
      once(() => identity.authenticate(keys[turn++ % keys.length]!)),
    );
    const refused = await measure(
      loops,
      seconds,
      once(() => identity.authenticate(revoked[turn++ % revoked.length]!)),
    );
    const selectOne = await measure(
      loops,
      seconds,
      once(() => readPool.query('SELECT 1')),
    );
    console.error(`identity: known ${fmt(known)}/s, revoked ${fmt(refused)}/s, SELECT 1 ${fmt(selectOne)}/s`);
    return { loops, seconds, users: options.users, known, revoked: refused, selectOne };
  } finally {
    await progress.close();
    await projector.stop();
    await readPool.end();
    await projectorPool.end();
    await command.close();
    await db.drop();
  }
}

export function printIdentityResults(r: IdentityBenchResult | undefined) {
  if (!r) return;
  console.log(
    `\n| query-side authentication, ${r.users} users, ${r.loops} concurrent loops, ${r.seconds} s each (inbox read pool of 10) | calls/s | % of SELECT 1 |`,
  );
  console.log('|---|---|---|');
  console.log(`| \`SELECT 1\` on the same pool (the floor of one lookup) | ${fmt(r.selectOne)} | 100% |`);
  console.log(`| \`InboxIdentity.authenticate\`, known keys | ${fmt(r.known)} | ${Math.round((100 * r.known) / r.selectOne)}% |`);
  console.log(
    `| \`InboxIdentity.authenticate\`, revoked keys (looked up again after the head check) | ${fmt(r.revoked)} | ${Math.round((100 * r.revoked) / r.selectOne)}% |`,
  );
}
