import { rmSync } from 'node:fs';
import path from 'node:path';
import type { DomainEvent } from '@kefu/contracts';
import {
  type Cache,
  createDatabase,
  type Database,
  type EventBus,
  MemoryBus,
  MemoryCache,
  migrateToLatest,
  RedisBus,
  RedisCache,
} from '@kefu/platform';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { POSTGRES_URL, postgresAvailable, REDIS_URL, redisAvailable, tempDataDir } from './services.ts';

// One probe per test file, however many suites ask: under CI=true a missing service
// rejects here, which fails the file instead of skipping it.
let postgresProbe: Promise<boolean> | undefined;
let redisProbe: Promise<boolean> | undefined;
const postgresUp = () => {
  postgresProbe ??= postgresAvailable();
  return postgresProbe;
};
const redisUp = () => {
  redisProbe ??= redisAvailable();
  return redisProbe;
};

const skippedLabel = (what: string, url: string) =>
  `(skipped: ${what} is not reachable at ${url}; start it, CI=true makes this run mandatory)`;

/** A per-run name no other test file or run shares (Redis channels and key prefixes). */
export const uniqueName = (what: string): string =>
  `kefu:test:${what}:${process.pid}:${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

/** Things a test opened that must be released after it, last opened first. */
class Cleanup {
  private readonly steps: (() => unknown)[] = [];
  add(step: () => unknown): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'test clean-up failed');
  }
}

// ---------------------------------------------------------------------------------------
// Store (SQLite ↔ PostgreSQL)

export type StoreKind = 'sqlite' | 'postgres';

export interface StoreContext {
  readonly kind: StoreKind;
  /** This test's own store, migrated to the latest version. */
  readonly database: Database;
  /** The URL of this test's store (a SQLite file path or a schema-bound PostgreSQL URL). */
  readonly url: string;
  /**
   * Another connection (pool) to a store, by default this test's: a second node, or an
   * observer that sees only what was committed. Closed after the test.
   */
  connect(url?: string): Database;
  /**
   * A brand-new store of the same kind with nothing in it, not migrated; removed after
   * the test. On PostgreSQL it is a schema beside this test's, or with `alone` a
   * database of its own that holds nothing else.
   */
  emptyStore(options?: { alone?: boolean }): Promise<string>;
}

interface StoreBackend {
  kind: StoreKind;
  label: string;
  available(): Promise<boolean>;
  /** Called once per suite before its tests; returns what undoes it. */
  prepare(): Promise<() => Promise<void>>;
  create(cleanup: Cleanup, alone?: boolean): Promise<string>;
}

const sqliteBackend: StoreBackend = {
  kind: 'sqlite',
  label: 'sqlite (file, WAL)',
  available: async () => true,
  prepare: async () => async () => {},
  async create(cleanup) {
    const dir = tempDataDir();
    cleanup.add(() => rmSync(dir.dir, { recursive: true, force: true }));
    return path.join(dir.dir, 'kefu.sqlite');
  },
};

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Drops a test database once its connections are gone. `with (force)` alone would kill a
 * connection still saying goodbye (pool.end() sent, socket not yet closed); the server's
 * 57P01 reply then surfaced as an unhandled error in whichever test ran next.
 */
async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (let waited = 0; waited < 2000; waited += 50) {
      const { rows } = await client.query<{ n: number }>(
        'select count(*)::int as n from pg_stat_activity where datname = $1',
        [name],
      );
      if (rows[0]?.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

/**
 * Each suite gets a database of its own in the PostgreSQL server and each test a schema
 * in it, so test files running in parallel never see each other's tables (schema
 * introspection, e.g. by the migrator, looks across every schema of a database).
 */
function postgresBackend(): StoreBackend {
  let databaseUrl: URL | undefined;
  const unique = () => `kefu_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  return {
    kind: 'postgres',
    label: 'postgresql',
    available: postgresUp,
    async prepare() {
      const name = unique();
      await adminQuery(POSTGRES_URL, `create database "${name}"`);
      databaseUrl = new URL(POSTGRES_URL);
      databaseUrl.pathname = `/${name}`;
      return async () => {
        databaseUrl = undefined;
        await dropDatabase(name);
      };
    },
    async create(cleanup, alone) {
      if (alone) {
        const name = unique();
        await adminQuery(POSTGRES_URL, `create database "${name}"`);
        cleanup.add(() => dropDatabase(name));
        const url = new URL(POSTGRES_URL);
        url.pathname = `/${name}`;
        return url.toString();
      }
      if (!databaseUrl) throw new Error('the PostgreSQL test database is not prepared');
      const schema = unique();
      const base = databaseUrl.toString();
      await adminQuery(base, `create schema "${schema}"`);
      cleanup.add(() => adminQuery(base, `drop schema if exists "${schema}" cascade`));
      const url = new URL(base);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return url.toString();
    },
  };
}

/**
 * Runs `fn`'s tests once against SQLite (a temporary WAL file) and once against
 * PostgreSQL (a database of the suite's own on the test server, a schema per test).
 * Every test gets a fresh, migrated store through `store.database`; connections, files,
 * schemas and databases are released after each test and suite. Without PostgreSQL the second half is skipped with a message, unless
 * CI=true, where it fails.
 *
 * @example
 * describeEachStore('tenant scope', (store) => {
 *   it('stamps inserts', async () => {
 *     await store.database.db.selectFrom('tenants').selectAll().execute();
 *   });
 * });
 */
export function describeEachStore(name: string, fn: (store: StoreContext) => void): void {
  describe(name, async () => {
    for (const backend of [sqliteBackend, postgresBackend()]) {
      const up = await backend.available();
      const title = up ? backend.label : `${backend.label} ${skippedLabel('PostgreSQL', POSTGRES_URL)}`;
      describe.skipIf(!up)(title, () => fn(storeContext(backend)));
    }
  });
}

function storeContext(backend: StoreBackend): StoreContext {
  const cleanup = new Cleanup();
  let current: { database: Database; url: string } | undefined;
  const connect = (url: string): Database => {
    const database = createDatabase({ url });
    cleanup.add(() => database.close());
    return database;
  };

  let release: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    release = await backend.prepare();
  });
  afterAll(async () => {
    await release?.();
  });
  beforeEach(async () => {
    const url = await backend.create(cleanup);
    const database = connect(url);
    await migrateToLatest(database);
    current = { database, url };
  });
  afterEach(async () => {
    current = undefined;
    await cleanup.run();
  });

  const now = () => {
    if (!current) throw new Error('store.database is only available inside a test');
    return current;
  };
  return {
    kind: backend.kind,
    get database() {
      return now().database;
    },
    get url() {
      return now().url;
    },
    connect: (url) => connect(url ?? now().url),
    emptyStore: (options) => backend.create(cleanup, options?.alone),
  };
}

// ---------------------------------------------------------------------------------------
// Event bus (in-process ↔ Redis pub/sub)

export type AdapterKind = 'memory' | 'redis';

export interface BusContext {
  readonly kind: AdapterKind;
  /** This test's bus, already subscribed (Redis) so it hears every later event. */
  readonly bus: EventBus;
  /** Another node on the same channel: a second Redis connection pair. Redis only. */
  node(): Promise<EventBus>;
  /** What the buses of this test reported as failed listeners, in order. */
  readonly listenerErrors: { error: unknown; event: DomainEvent }[];
}

/**
 * Runs `fn`'s tests against the in-process bus and against the Redis bus (a channel of
 * the test's own, so files running in parallel never hear each other).
 */
export function describeEachBus(name: string, fn: (bus: BusContext) => void): void {
  describe(name, async () => {
    describe('memory', () => fn(busContext('memory')));
    const up = await redisUp();
    describe.skipIf(!up)(up ? 'redis' : `redis ${skippedLabel('Redis', REDIS_URL)}`, () =>
      fn(busContext('redis')),
    );
  });
}

function busContext(kind: AdapterKind): BusContext {
  const cleanup = new Cleanup();
  let channel = '';
  let current: EventBus | undefined;
  const listenerErrors: { error: unknown; event: DomainEvent }[] = [];
  const onListenerError = (error: unknown, event: DomainEvent) => listenerErrors.push({ error, event });
  const open = async (): Promise<EventBus> => {
    if (kind === 'memory') {
      const bus = new MemoryBus(onListenerError);
      cleanup.add(() => bus.close());
      return bus;
    }
    const bus = new RedisBus(REDIS_URL, channel, onListenerError);
    cleanup.add(() => bus.close());
    await bus.whenReady();
    return bus;
  };

  beforeEach(async () => {
    channel = uniqueName('events');
    listenerErrors.length = 0;
    current = await open();
  });
  afterEach(async () => {
    current = undefined;
    await cleanup.run();
  });

  return {
    kind,
    get bus() {
      if (!current) throw new Error('bus.bus is only available inside a test');
      return current;
    },
    async node() {
      if (kind !== 'redis') throw new Error('only the Redis bus has other nodes');
      return open();
    },
    listenerErrors,
  };
}

// ---------------------------------------------------------------------------------------
// Cache (memory ↔ Redis)

export interface CacheContext {
  readonly kind: AdapterKind;
  /** This test's cache; on Redis its keys live under a prefix of the test's own. */
  readonly cache: Cache;
  /** Another node's cache over the same keys: a second Redis connection. Redis only. */
  node(): Cache;
  /** A Redis cache under a different prefix (another deployment sharing the server). Redis only. */
  otherNamespace(): Cache;
}

/**
 * Runs `fn`'s tests against the memory cache and against the Redis cache (db 15, a key
 * prefix of the test's own, deleted after the test).
 */
export function describeEachCache(name: string, fn: (cache: CacheContext) => void): void {
  describe(name, async () => {
    describe('memory', () => fn(cacheContext('memory')));
    const up = await redisUp();
    describe.skipIf(!up)(up ? 'redis' : `redis ${skippedLabel('Redis', REDIS_URL)}`, () =>
      fn(cacheContext('redis')),
    );
  });
}

function cacheContext(kind: AdapterKind): CacheContext {
  const cleanup = new Cleanup();
  let current: Cache | undefined;
  let prefix = '';
  const redisCache = (keyPrefix: string): Cache => {
    const cache = new RedisCache(REDIS_URL, keyPrefix);
    cleanup.add(() => cache.close());
    return cache;
  };
  const onlyRedis = () => {
    if (kind !== 'redis') throw new Error('only the Redis cache is shared between nodes');
  };

  beforeEach(() => {
    prefix = `${uniqueName('cache')}:`;
    // Registered first so it runs last, after every cache of the test is closed; the
    // pattern also covers otherNamespace(), a sibling prefix.
    const pattern = `${prefix.slice(0, -1)}*`;
    if (kind === 'redis') cleanup.add(() => deleteKeys(pattern));
    if (kind === 'memory') {
      const cache = new MemoryCache();
      cleanup.add(() => cache.close());
      current = cache;
    } else {
      current = redisCache(prefix);
    }
  });
  afterEach(async () => {
    current = undefined;
    await cleanup.run();
  });

  return {
    kind,
    get cache() {
      if (!current) throw new Error('cache.cache is only available inside a test');
      return current;
    },
    node() {
      onlyRedis();
      return redisCache(prefix);
    },
    otherNamespace() {
      onlyRedis();
      return redisCache(`${prefix.slice(0, -1)}-other:`);
    },
  };
}

async function deleteKeys(pattern: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
