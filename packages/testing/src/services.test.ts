import { createDatabase, type Database, migrateToLatest } from '@kefu/platform';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { freshPostgresSchema, postgresAvailable } from './services.ts';

const pgUp = await postgresAvailable();

async function hasTenantsTable(database: Database): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables
    where table_schema = current_schema() and table_name = 'tenants'`.execute(database.db);
  return rows[0]!.n === 1;
}

it.skipIf(!pgUp)('a fresh schema isolates migrations from other test files', async () => {
  const a = await freshPostgresSchema();
  const b = await freshPostgresSchema();
  const dbA = createDatabase({ url: a.url });
  const dbB = createDatabase({ url: b.url });
  try {
    await migrateToLatest(dbA);
    expect(await hasTenantsTable(dbA)).toBe(true);
    expect(await hasTenantsTable(dbB)).toBe(false);
  } finally {
    await dbA.close();
    await dbB.close();
    await a.drop();
    await b.drop();
  }
});
