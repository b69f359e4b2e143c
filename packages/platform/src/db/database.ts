import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Schema } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

/**
 * The store port: one Kysely query layer over either SQLite (embedded) or PostgreSQL
 * (cluster). Repositories are written once against `db` and run on both.
 */
export interface Database {
  readonly dialect: DialectName;
  readonly db: Kysely<Schema>;
  /** Cheap round trip used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… for PostgreSQL, otherwise a path to the SQLite file (or ':memory:'). */
  url: string;
  /** SQLite synchronous mode: NORMAL survives process crashes, FULL also power loss. */
  sqliteSynchronous?: 'NORMAL' | 'FULL';
  poolSize?: number;
}

const INT8_OID = 20;

export function createDatabase(options: DatabaseOptions): Database {
  return /^postgres(ql)?:\/\//.test(options.url) ? createPostgres(options) : createSqlite(options);
}

function createSqlite(options: DatabaseOptions): Database {
  const file = new BetterSqlite3(options.url);
  file.pragma('journal_mode = WAL');
  file.pragma(`synchronous = ${options.sqliteSynchronous ?? 'NORMAL'}`);
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: file }) });
  return {
    dialect: 'sqlite',
    db,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}

function createPostgres(options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    // Millisecond timestamps are BIGINT; they fit a JS number until the year 287396.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: 'postgres',
    db,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
