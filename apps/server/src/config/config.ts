import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const port = z.coerce
  .number({ error: 'must be a port number (0-65535)' })
  .int('must be a port number (0-65535)')
  .min(0, 'must be a port number (0-65535)')
  .max(65535, 'must be a port number (0-65535)');
const positiveInt = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .positive('must be greater than 0');

/** Every setting Kefu reads, with its environment name. `.env.example` documents the same list. */
const EnvSchema = z.object({
  KEFU_PORT: port.default(3000),
  KEFU_HOST: z.string().min(1).default('127.0.0.1'),
  KEFU_DATA_DIR: z.string().min(1).default('./data'),
  KEFU_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL (leave it unset for embedded SQLite)')
    .optional(),
  KEFU_REDIS_URL: z
    .string()
    .regex(
      /^rediss?:\/\/.+/,
      'must be a redis:// or rediss:// URL (leave it unset for in-process bus and cache)',
    )
    .optional(),
  KEFU_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 48`)')
    .optional(),
  KEFU_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KEFU_SESSION_TTL_HOURS: positiveInt.max(24 * 90).default(12),
  KEFU_VISITOR_TOKEN_TTL_DAYS: positiveInt.max(365).default(30),
  KEFU_SQLITE_SYNCHRONOUS: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
  KEFU_RATE_LIMIT_PER_MINUTE: positiveInt.default(1200),
  KEFU_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  KEFU_CONFIG_FILE: z.string().optional(),
  KEFU_NLU_CACHE_DIR: z.string().min(1).optional(),
});

export type EnvName = keyof z.infer<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Where the trained built-in NLU model is cached (under nlu/); defaults to the data dir. */
  nluCacheDir: string;
  mode: 'embedded' | 'cluster';
  databaseUrl: string;
  redisUrl: string | null;
  secret: string;
  logLevel: z.infer<typeof EnvSchema>['KEFU_LOG_LEVEL'];
  sessionTtlMs: number;
  visitorTokenTtlSeconds: number;
  sqliteSynchronous: 'NORMAL' | 'FULL';
  rateLimitPerMinute: number;
  trustProxy: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads and validates configuration from the environment, and from a JSON file named by
 * KEFU_CONFIG_FILE (environment wins). Any invalid value stops start-up with a message
 * naming the variable. In embedded mode a missing KEFU_SECRET is generated once and
 * kept in the data directory; a cluster must be given one shared secret.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const merged = { ...readConfigFile(env.KEFU_CONFIG_FILE), ...definedOnly(env) };
  const parsed = EnvSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0] ?? '?')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.KEFU_DATA_DIR);
  const mode = e.KEFU_DATABASE_URL ? 'cluster' : 'embedded';
  mkdirSync(dataDir, { recursive: true });
  return {
    port: e.KEFU_PORT,
    host: e.KEFU_HOST,
    dataDir,
    nluCacheDir: e.KEFU_NLU_CACHE_DIR ? path.resolve(e.KEFU_NLU_CACHE_DIR) : dataDir,
    mode,
    databaseUrl: e.KEFU_DATABASE_URL ?? path.join(dataDir, 'kefu.sqlite'),
    redisUrl: e.KEFU_REDIS_URL ?? null,
    secret: e.KEFU_SECRET ?? embeddedSecret(dataDir, mode),
    logLevel: e.KEFU_LOG_LEVEL,
    sessionTtlMs: e.KEFU_SESSION_TTL_HOURS * 3_600_000,
    visitorTokenTtlSeconds: e.KEFU_VISITOR_TOKEN_TTL_DAYS * 86_400,
    sqliteSynchronous: e.KEFU_SQLITE_SYNCHRONOUS,
    rateLimitPerMinute: e.KEFU_RATE_LIMIT_PER_MINUTE,
    trustProxy: e.KEFU_TRUST_PROXY === 'true',
  };
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env))
    if (k.startsWith('KEFU_') && v !== undefined && v !== '') out[k] = v;
  return out;
}

function readConfigFile(file: string | undefined): Record<string, unknown> {
  if (!file) return {};
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`KEFU_CONFIG_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new ConfigError(`KEFU_CONFIG_FILE: ${file} is not valid JSON`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`KEFU_CONFIG_FILE: ${file} must hold a JSON object of KEFU_* names to values`);
  }
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)]));
}

function embeddedSecret(dataDir: string, mode: Config['mode']): string {
  if (mode === 'cluster') {
    throw new ConfigError('KEFU_SECRET: required with KEFU_DATABASE_URL, and the same on every node');
  }
  const file = path.join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
