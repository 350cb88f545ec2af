import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  connectionString: string;
  /** The database's name, e.g. for pg_stat_activity. */
  name: string;
  /** Ends every session of this database (pg_terminate_backend), as a server restart does; the number ended. */
  terminateSessions(): Promise<number>;
  /**
   * An outage of this database alone, for `ms`: new sessions are refused
   * (ALLOW_CONNECTIONS false) and open ones ended, again every `killEveryMs` so that
   * nothing that got in before the door closed survives. The server itself, which other
   * tests use, keeps running.
   */
  outage(ms: number, options?: { killEveryMs?: number }): Promise<void>;
  drop(): Promise<void>;
}

/**
 * A fresh PostgreSQL database for one test file, dropped afterwards. The server is the
 * one `infra/ensure-services.sh` starts; PARLEY_TEST_ADMIN_URL points elsewhere.
 */
export async function createTestDatabase(
  label: string,
  adminUrl = process.env.PARLEY_TEST_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
): Promise<TestDatabase> {
  const name = `parley_test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const asAdmin = async <T>(work: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      return await work(c);
    } finally {
      await c.end();
    }
  };
  const terminate = async (c: pg.Client) =>
    (await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name])).rowCount ?? 0;
  return {
    connectionString: url.toString(),
    name,
    terminateSessions: () => asAdmin(terminate),
    outage: (ms, { killEveryMs = 250 } = {}) =>
      asAdmin(async (c) => {
        await c.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
        try {
          const end = Date.now() + ms;
          do {
            await terminate(c);
            await new Promise((r) => setTimeout(r, Math.min(killEveryMs, Math.max(0, end - Date.now()))));
          } while (Date.now() < end);
        } finally {
          await c.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
        }
      }),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
