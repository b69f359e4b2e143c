import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDataDir } from '@kefu/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const dirs: { remove(): void }[] = [];
function dataDir(): string {
  const d = tempDataDir();
  dirs.push(d);
  return d.dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

const SECRET = 'k'.repeat(40);
const PG = 'postgres://kefu@db.internal:5432/kefu';

/** The ConfigError message loadConfig throws for `env`. */
function failure(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('runs embedded on SQLite with no setup', () => {
    const dir = dataDir();
    const c = loadConfig({ KEFU_DATA_DIR: dir });
    expect(c).toEqual({
      port: 3000,
      host: '127.0.0.1',
      dataDir: dir,
      nluCacheDir: dir,
      mode: 'embedded',
      databaseUrl: path.join(dir, 'kefu.sqlite'),
      redisUrl: null,
      secret: expect.any(String),
      logLevel: 'info',
      sessionTtlMs: 12 * 3_600_000,
      visitorTokenTtlSeconds: 30 * 86_400,
      sqliteSynchronous: 'NORMAL',
      rateLimitPerMinute: 1200,
      trustProxy: false,
    });
  });

  it('defaults KEFU_DATA_DIR to ./data, resolved against the working directory', () => {
    const dir = dataDir();
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const c = loadConfig({});
      expect(c.dataDir).toBe(path.join(dir, 'data'));
      expect(existsSync(path.join(dir, 'data', 'secret'))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it('reads every variable', () => {
    const dir = dataDir();
    const c = loadConfig({
      KEFU_PORT: '8080',
      KEFU_HOST: '0.0.0.0',
      KEFU_DATA_DIR: dir,
      KEFU_DATABASE_URL: PG,
      KEFU_REDIS_URL: 'rediss://cache.internal:6380/2',
      KEFU_SECRET: SECRET,
      KEFU_LOG_LEVEL: 'debug',
      KEFU_SESSION_TTL_HOURS: '8',
      KEFU_VISITOR_TOKEN_TTL_DAYS: '7',
      KEFU_SQLITE_SYNCHRONOUS: 'FULL',
      KEFU_RATE_LIMIT_PER_MINUTE: '600',
      KEFU_TRUST_PROXY: 'true',
      KEFU_NLU_CACHE_DIR: path.join(dir, 'nlu-cache'),
    });
    expect(c).toEqual({
      port: 8080,
      host: '0.0.0.0',
      dataDir: dir,
      nluCacheDir: path.join(dir, 'nlu-cache'),
      mode: 'cluster',
      databaseUrl: PG,
      redisUrl: 'rediss://cache.internal:6380/2',
      secret: SECRET,
      logLevel: 'debug',
      sessionTtlMs: 8 * 3_600_000,
      visitorTokenTtlSeconds: 7 * 86_400,
      sqliteSynchronous: 'FULL',
      rateLimitPerMinute: 600,
      trustProxy: true,
    });
    expect(loadConfig({ KEFU_DATA_DIR: dir, KEFU_PORT: '0' }).port).toBe(0);
    expect(
      loadConfig({ KEFU_DATA_DIR: dir, KEFU_DATABASE_URL: `postgresql://x@h/db`, KEFU_SECRET: SECRET }).mode,
    ).toBe('cluster');
  });

  it('treats empty values as unset and ignores variables that are not KEFU_*', () => {
    const dir = dataDir();
    const c = loadConfig({
      KEFU_DATA_DIR: dir,
      KEFU_PORT: '',
      KEFU_DATABASE_URL: '',
      PORT: '9999',
      SECRET: 'x',
    });
    expect(c.port).toBe(3000);
    expect(c.mode).toBe('embedded');
  });

  it.each([
    ['KEFU_PORT', 'abc'],
    ['KEFU_PORT', '-1'],
    ['KEFU_PORT', '65536'],
    ['KEFU_PORT', '80.5'],
    ['KEFU_DATABASE_URL', 'mysql://localhost/kefu'],
    ['KEFU_DATABASE_URL', '/var/lib/kefu.sqlite'],
    ['KEFU_REDIS_URL', 'localhost:6379'],
    ['KEFU_SECRET', 'short'],
    ['KEFU_LOG_LEVEL', 'verbose'],
    ['KEFU_SESSION_TTL_HOURS', '0'],
    ['KEFU_SESSION_TTL_HOURS', String(24 * 90 + 1)],
    ['KEFU_VISITOR_TOKEN_TTL_DAYS', '366'],
    ['KEFU_VISITOR_TOKEN_TTL_DAYS', 'a week'],
    ['KEFU_SQLITE_SYNCHRONOUS', 'OFF'],
    ['KEFU_RATE_LIMIT_PER_MINUTE', '0'],
    ['KEFU_TRUST_PROXY', 'yes'],
  ])('refuses %s=%s with a message naming it', (name, value) => {
    const message = failure({ KEFU_DATA_DIR: dataDir(), KEFU_SECRET: SECRET, [name]: value });
    expect(message).toMatch(new RegExp(`^Invalid configuration:\\n\\s+${name}: \\S`));
  });

  it('names every invalid variable at once, and writes nothing', () => {
    const dir = dataDir();
    const message = failure({
      KEFU_DATA_DIR: dir,
      KEFU_PORT: 'x',
      KEFU_LOG_LEVEL: 'loud',
      KEFU_TRUST_PROXY: '1',
    });
    expect(message).toContain('KEFU_PORT');
    expect(message).toContain('KEFU_LOG_LEVEL');
    expect(message).toContain('KEFU_TRUST_PROXY');
    expect(existsSync(path.join(dir, 'secret'))).toBe(false);
  });

  it('says what is wrong, not only where', () => {
    expect(failure({ KEFU_DATA_DIR: dataDir(), KEFU_SECRET: 'short' })).toMatch(
      /KEFU_SECRET: must be at least 32 characters/,
    );
    expect(failure({ KEFU_DATA_DIR: dataDir(), KEFU_DATABASE_URL: 'mysql://x' })).toMatch(
      /KEFU_DATABASE_URL: must be a postgres:\/\/ URL/,
    );
  });
});

describe('KEFU_SECRET', () => {
  it('is generated once in embedded mode, kept in the data dir (0600), and reused', () => {
    const dir = dataDir();
    const first = loadConfig({ KEFU_DATA_DIR: dir }).secret;
    expect(first.length).toBeGreaterThanOrEqual(48);
    const file = path.join(dir, 'secret');
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadConfig({ KEFU_DATA_DIR: dir }).secret).toBe(first);
    expect(loadConfig({ KEFU_DATA_DIR: dataDir() }).secret).not.toBe(first);
  });

  it('is taken from the environment when given, and then nothing is written', () => {
    const dir = dataDir();
    expect(loadConfig({ KEFU_DATA_DIR: dir, KEFU_SECRET: SECRET }).secret).toBe(SECRET);
    expect(existsSync(path.join(dir, 'secret'))).toBe(false);
  });

  it('is required in cluster mode (the same on every node), never generated', () => {
    const dir = dataDir();
    const message = failure({ KEFU_DATA_DIR: dir, KEFU_DATABASE_URL: PG });
    expect(message).toMatch(/KEFU_SECRET: required with KEFU_DATABASE_URL/);
    expect(existsSync(path.join(dir, 'secret'))).toBe(false);
    // Even a secret file left from embedded days does not stand in for it.
    writeFileSync(path.join(dir, 'secret'), `${SECRET}\n`);
    expect(failure({ KEFU_DATA_DIR: dir, KEFU_DATABASE_URL: PG })).toMatch(/KEFU_SECRET/);
  });
});

describe('KEFU_CONFIG_FILE', () => {
  function configFile(content: unknown): string {
    const file = path.join(dataDir(), 'kefu.json');
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  it('supplies values, and the environment wins over it', () => {
    const dir = dataDir();
    const file = configFile({
      KEFU_PORT: 4000,
      KEFU_LOG_LEVEL: 'warn',
      KEFU_TRUST_PROXY: true,
      KEFU_DATA_DIR: dir,
      KEFU_SECRET: SECRET,
    });
    const fromFile = loadConfig({ KEFU_CONFIG_FILE: file });
    expect(fromFile).toMatchObject({
      port: 4000,
      logLevel: 'warn',
      trustProxy: true,
      dataDir: dir,
      secret: SECRET,
    });
    const overridden = loadConfig({ KEFU_CONFIG_FILE: file, KEFU_PORT: '5000', KEFU_LOG_LEVEL: 'error' });
    expect(overridden).toMatchObject({ port: 5000, logLevel: 'error', trustProxy: true });
  });

  it('an invalid value in the file names the variable', () => {
    const file = configFile({ KEFU_DATA_DIR: dataDir(), KEFU_PORT: 'http' });
    expect(failure({ KEFU_CONFIG_FILE: file })).toMatch(/KEFU_PORT/);
  });

  it.each([
    ['a missing file', null, /KEFU_CONFIG_FILE: cannot read .*ENOENT/],
    ['not JSON', '{ port: 1', /KEFU_CONFIG_FILE: .* is not valid JSON/],
    ['a JSON array', '[1, 2]', /KEFU_CONFIG_FILE: .* must hold a JSON object/],
  ])('refuses %s, naming KEFU_CONFIG_FILE', (_what, content, message) => {
    const file = content === null ? path.join(dataDir(), 'absent.json') : configFile(content);
    expect(failure({ KEFU_DATA_DIR: dataDir(), KEFU_CONFIG_FILE: file })).toMatch(message);
  });
});

describe('.env.example', () => {
  it('documents every variable the schema reads', () => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const source = readFileSync(path.join(here, 'config.ts'), 'utf8');
    const schema = source.slice(source.indexOf('const EnvSchema'), source.indexOf('export type EnvName'));
    const names = [...new Set(schema.match(/\bKEFU_[A-Z_]+(?=:)/g))];
    expect(names.length).toBeGreaterThanOrEqual(13);
    const example = readFileSync(path.join(here, '../../../../.env.example'), 'utf8');
    for (const name of names) expect(example, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });
});
