import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

export const POSTGRES_URL = process.env.KEFU_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.KEFU_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
const inCi = process.env.CI === 'true';

async function reachable(check: () => Promise<void>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the real PostgreSQL is here. Under CI=true its absence fails the run (those
 * suites must never silently skip there); elsewhere the suite skips with a message.
 */
export async function postgresAvailable(): Promise<boolean> {
  const ok = await reachable(async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.end();
  });
  return settle(ok, 'PostgreSQL', POSTGRES_URL);
}

export async function redisAvailable(): Promise<boolean> {
  const ok = await reachable(async () => {
    const r = new Redis(REDIS_URL, {
      lazyConnect: true,
      connectTimeout: 2000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    await r.connect();
    await r.ping();
    r.disconnect();
  });
  return settle(ok, 'Redis', REDIS_URL);
}

function settle(ok: boolean, what: string, url: string): boolean {
  if (ok) return true;
  if (inCi)
    throw new Error(`${what} is not reachable at ${url}, and CI=true requires the ${what} suites to run`);
  console.warn(`[kefu tests] ${what} is not reachable at ${url}: skipping its suites (start it to run them)`);
  return false;
}

/**
 * A PostgreSQL URL bound to a fresh schema of its own, so test files can run in
 * parallel against the one `test` database. Call `drop()` when done.
 */
export async function freshPostgresSchema(): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `kefu_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`drop schema if exists "${schema}" cascade`);
      await c.end();
    },
  };
}

/** A throwaway KEFU_DATA_DIR. */
export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
