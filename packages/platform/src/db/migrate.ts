import { type Migration, type MigrationResult, Migrator } from 'kysely';
import type { Database } from './database.ts';
import * as initial from './migrations/0001-initial.ts';

/** Every migration in order. Each one runs on SQLite and PostgreSQL alike. */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
};

/**
 * Apply pending migrations. Each runs in its own transaction (both dialects support
 * transactional DDL) and applied ones are recorded, so calling this again is a no-op;
 * on PostgreSQL, concurrent callers (several nodes starting) are serialised by a lock.
 */
export async function migrateToLatest(database: Database): Promise<MigrationResult[]> {
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'kefu_migrations',
    migrationLockTableName: 'kefu_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return results ?? [];
}
