import BetterSqlite3 from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteStatement,
  sql,
} from 'kysely';
import pg from 'pg';
import type { Schema } from './schema.ts';
import { startCheckpointer } from './sqlite-checkpointer.ts';

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
  let stopCheckpointer: (() => Promise<void>) | undefined;
  if (!file.memory) {
    file.pragma('wal_autocheckpoint = 0');
    stopCheckpointer = startCheckpointer(file.name, () => {
      if (file.open) file.pragma('wal_autocheckpoint = 1000');
    });
  }
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(file) }) });
  return {
    dialect: 'sqlite',
    db,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await stopCheckpointer?.();
      await db.destroy();
    },
  };
}

const STATEMENT_CACHE_SIZE = 1000;

/**
 * Kysely prepares every query anew, and preparing costs better-sqlite3 about as much as
 * running a small statement (a sixth of the server's time at a steady 2,000 msgs/s in
 * bench/ws-roundtrip). Statements are reused by SQL text: safe because this single
 * connection runs one query at a time and Kysely only streams on request, which Kefu
 * never does. Bounded; the oldest entry goes first.
 */
function withStatementCache(file: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => file.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (!stmt) {
        stmt = file.prepare(text);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
        cache.set(text, stmt);
      }
      return stmt as unknown as SqliteStatement;
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
