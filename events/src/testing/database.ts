import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  connectionString: string;
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
  return {
    connectionString: url.toString(),
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
