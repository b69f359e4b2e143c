import { type Migration, type MigrationResult, Migrator, sql } from 'kysely';
import type { Database } from './database.ts';
import * as initial from './migrations/0001-initial.ts';
import * as nlu from './migrations/0002-nlu.ts';

/** Every migration in order. Each one runs on SQLite and PostgreSQL alike. */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-nlu': nlu,
};

/** Names of every migration, oldest first: what a fully migrated store has applied. */
export const migrationNames: readonly string[] = Object.keys(migrations);

/**
 * Apply pending migrations. Each runs in its own transaction (both dialects support
 * transactional DDL) and applied ones are recorded, so calling this again is a no-op;
 * on PostgreSQL, concurrent callers (several nodes starting) are serialised by a lock.
 */
export async function migrateToLatest(database: Database): Promise<MigrationResult[]> {
  // Kysely looks for its bookkeeping tables in every schema unless told which; pin it to
  // the current one so two installs (or test schemas) in one PostgreSQL database stay apart.
  const schema =
    database.dialect === 'postgres'
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(database.db)).rows[0]?.s
      : undefined;
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'kefu_migrations',
    migrationLockTableName: 'kefu_migrations_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return results ?? [];
}
