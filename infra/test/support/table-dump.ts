import pg from 'pg';

/** Every row of every table in a schema, as sorted JSON: equal dumps mean equal contents. */
export async function dumpSchema(connectionString: string, schema: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
      [schema],
    );
    const dump: Record<string, string[]> = {};
    for (const { table_name } of tables.rows) {
      const rows = await client.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM "${schema}"."${table_name}" t`);
      dump[table_name] = rows.rows.map((r) => r.row).sort();
    }
    return dump;
  } finally {
    await client.end();
  }
}
