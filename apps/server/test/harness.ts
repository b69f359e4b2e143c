import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Role, User } from '@kefu/contracts';
import type { Responder } from '@kefu/conversation';
import { freshPostgresSchema, REDIS_URL, tempDataDir } from '@kefu/testing';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { type Config, loadConfig } from '../src/config/config.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import type { Services } from '../src/services.ts';

/**
 * Test harness: a real Kefu server listening on a free port, on SQLite in a throwaway
 * data dir or on PostgreSQL in a fresh schema (optionally with Redis), seeded with two
 * tenants A and B that each have an owner, an admin, a supervisor, an agent, an analyst
 * and an API key. Tests talk to it over HTTP and WebSocket like a real client would.
 */

export type StoreKind = 'sqlite' | 'postgres';

export interface SeededUser extends User {
  password: string;
  /** A session token from logging in (kfs_…). */
  token: string;
}

export interface SeededTenant {
  id: string;
  name: string;
  owner: SeededUser;
  admin: SeededUser;
  supervisor: SeededUser;
  agent: SeededUser;
  analyst: SeededUser;
  apiKey: { id: string; key: string };
}

export interface HarnessOptions {
  store?: StoreKind;
  /** Use Redis for the bus, cache and rate limits (KEFU_REDIS_URL). */
  redis?: boolean;
  /** Extra KEFU_* variables; they win over the harness's own. */
  env?: Record<string, string>;
  /** A logger to hand to the server (e.g. one writing to a capture stream). */
  log?: Logger;
  /** Seed tenants A and B (default true). */
  seed?: boolean;
  /** A bot to use instead of the built-in welcome responder. */
  responder?: Responder;
}

export interface HttpResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  body: any;
  text: string;
  headers: Headers;
}

export interface RequestOptions {
  /** Bearer token or API key. */
  token?: string;
  /** A JSON body (serialised, with content-type application/json). */
  json?: unknown;
  /** A raw body sent as is; set the content type in headers. */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface Node {
  url: string;
  wsUrl: string;
  server: RunningServer;
  services: Services;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResult>;
  socket(kind: 'customer' | 'agent', token: string): Promise<WsClient>;
  stop(): Promise<void>;
}

export interface Harness extends Node {
  config: Config;
  env: Record<string, string>;
  dataDir: string;
  store: StoreKind;
  A: SeededTenant;
  B: SeededTenant;
  /** Another server process-equivalent on the same store (and Redis, if any): a cluster node. */
  startNode(): Promise<Node>;
  /** Opens a widget session for a shop: a visitor token and the customer behind it. */
  visitor(tenantId: string): Promise<{ token: string; customerId: string; visitorId: string }>;
  /** Stops every node started here and removes the data dir / schema. */
  close(): Promise<void>;
}

/** The built-in NLU model is deterministic and cached by its data's hash: tests train it once per machine. */
export const SHARED_NLU_CACHE = path.join(tmpdir(), 'kefu-test-nlu-cache');

export const randomSecret = (): string => randomBytes(36).toString('base64url');

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const store = options.store ?? 'sqlite';
  const data = tempDataDir();
  const schema = store === 'postgres' ? await freshPostgresSchema() : null;
  const env: Record<string, string> = {
    KEFU_PORT: '0',
    KEFU_HOST: '127.0.0.1',
    KEFU_DATA_DIR: data.dir,
    KEFU_LOG_LEVEL: 'silent',
    // The suites make many requests with one token; the limiter has its own test.
    KEFU_RATE_LIMIT_PER_MINUTE: '100000',
    KEFU_NLU_CACHE_DIR: SHARED_NLU_CACHE,
    ...(schema ? { KEFU_DATABASE_URL: schema.url, KEFU_SECRET: randomSecret() } : {}),
    ...(options.redis ? { KEFU_REDIS_URL: REDIS_URL } : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  const limiterBucket = randomBytes(8).toString('hex');
  const nodes: Node[] = [];
  const startOne = async (log?: Logger): Promise<Node> => {
    const server = await startServer(config, {
      ...(log ? { log } : {}),
      ...(options.responder ? { responder: options.responder } : {}),
    });
    const node = makeNode(server);
    nodes.push(node);
    return node;
  };
  let first: Node;
  try {
    first = await startOne(options.log);
  } catch (err) {
    await schema?.drop();
    data.remove();
    throw err;
  }
  const empty = (): SeededTenant => ({}) as SeededTenant;
  const harness: Harness = {
    ...first,
    config,
    env,
    dataDir: data.dir,
    store,
    A: empty(),
    B: empty(),
    startNode: () => startOne(),
    async visitor(tenantId) {
      // The route is public and ignores credentials, but its rate limit is keyed by the
      // Authorization header when there is one, else by IP; with Redis that count is shared
      // by every run in the last minute. A per-harness header keeps each run in its own bucket.
      const res = await first.request('POST', '/api/v1/widget/sessions', {
        json: { tenantId },
        headers: { authorization: `Bearer harness-${limiterBucket}` },
      });
      if (res.status !== 200) throw new Error(`widget session failed: ${res.status} ${res.text}`);
      return res.body;
    },
    async close() {
      for (const socket of openSockets) socket.terminate();
      openSockets.clear();
      await Promise.all(nodes.map((n) => n.stop()));
      await schema?.drop();
      data.remove();
    },
  };
  if (options.seed !== false) {
    harness.A = await seedTenant(first.services, 'A');
    harness.B = await seedTenant(first.services, 'B');
  }
  return harness;
}

function makeNode(server: RunningServer): Node {
  const url = server.url;
  const wsUrl = url.replace(/^http/, 'ws');
  return {
    url,
    wsUrl,
    server,
    services: server.services,
    request: (method, path, options) => request(url, method, path, options),
    socket: (kind, token) => WsClient.open(`${wsUrl}/ws/${kind}?token=${encodeURIComponent(token)}`),
    stop: () => server.stop(),
  };
}

export async function request(
  base: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.raw !== undefined) {
    body = typeof options.raw === 'string' ? options.raw : new Uint8Array(options.raw);
  }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('application/json') && text !== '') {
    parsed = JSON.parse(text);
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

let seedCounter = 0;

/** A tenant with one user of each role (logged in) and one API key, created through the services. */
export async function seedTenant(services: Services, label: string): Promise<SeededTenant> {
  const suffix = `${process.pid}-${++seedCounter}-${randomBytes(3).toString('hex')}`;
  const tenant = await services.tenants.create({
    name: `Shop ${label} ${suffix}`,
    welcomeMessage: `欢迎光临 ${label} 店`,
  });
  const user = async (role: Role): Promise<SeededUser> => {
    const email = `${role}.${label.toLowerCase()}.${suffix}@test.kefu`;
    const password = `pw-${role}-${suffix}`;
    const created = await services.users.create(tenant.id, null, {
      email,
      password,
      role,
      name: `${label} ${role}`,
    });
    const { token } = await services.auth.login(email, password, null);
    return { ...created, password, token };
  };
  const [owner, admin, supervisor, agent, analyst] = await Promise.all(
    (['owner', 'admin', 'supervisor', 'agent', 'analyst'] as const).map(user),
  );
  const { key, info } = await services.apiKeys.create(tenant.id, null, `key ${label}`);
  return {
    id: tenant.id,
    name: tenant.name,
    owner: owner!,
    admin: admin!,
    supervisor: supervisor!,
    agent: agent!,
    analyst: analyst!,
    apiKey: { id: info.id, key },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: frames are arbitrary JSON
export type Frame = { type: string; [k: string]: any };

const openSockets = new Set<WebSocket>();

/** A WebSocket client that keeps every frame it receives and can wait for one that matches. */
export class WsClient {
  readonly frames: Frame[] = [];
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    openSockets.add(ws);
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        openSockets.delete(ws);
        resolve({ code, reason: reason.toString() });
      }),
    );
  }

  /** Opens the socket and waits for the server's `ready` frame. */
  static async open(url: string): Promise<WsClient> {
    const ws = new WebSocket(url);
    const client = new WsClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => {
        reject(new WsRefused(res.statusCode ?? 0));
        res.resume();
      });
    });
    await client.waitFor((f) => f.type === 'ready');
    return client;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame (already received or still to come) that matches, or a timeout error. */
  waitFor(match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`));
      }, timeoutMs);
      const done = (f: Frame) => {
        clearTimeout(timer);
        resolve(f);
      };
      this.waiters.push({ match, resolve: done });
    });
  }

  /** Sends a frame and waits for the reply that matches (ack/error of this idempotency key, pong, …). */
  async request(frame: unknown, match: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame> {
    const reply = this.waitForNext(match, timeoutMs);
    this.send(frame);
    return reply;
  }

  /** Like waitFor, but only frames arriving from now on count. */
  waitForNext(match: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame> {
    const from = this.frames.length;
    return this.waitFor((f) => this.frames.indexOf(f) >= from && match(f), timeoutMs);
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

export class WsRefused extends Error {
  constructor(readonly status: number) {
    super(`WebSocket upgrade refused with HTTP ${status}`);
  }
}

/** The HTTP status a refused upgrade got (or 101 when the socket opened). */
export async function upgradeStatus(url: string): Promise<number> {
  try {
    const client = await WsClient.open(url);
    await client.close();
    return 101;
  } catch (err) {
    if (err instanceof WsRefused) return err.status;
    throw err;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let keyCounter = 0;
/** A fresh idempotency key. */
export const idem = (label = 'k'): string =>
  `${label}-${Date.now()}-${++keyCounter}-${randomBytes(3).toString('hex')}`;

export interface RouteInfo {
  method: string;
  url: string;
}

/**
 * Every route the app registered, read from fastify's own route tree (printRoutes), so a
 * route added tomorrow shows up here without anyone listing it. HEAD twins of GET routes
 * are left out.
 */
export function listRoutes(app: { printRoutes(opts: { commonPrefix: boolean }): string }): RouteInfo[] {
  const out: RouteInfo[] = [];
  const parents: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const url = (depth > 0 ? parents[depth - 1]! : '') + m[2]!;
    parents[depth] = url;
    parents.length = depth + 1;
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim())) {
      if (method && method !== 'HEAD') out.push({ method, url });
    }
  }
  return out;
}

const TENANT_TABLES = [
  'users',
  'sessions',
  'api_keys',
  'audit_log',
  'customers',
  'channel_identities',
  'conversations',
  'messages',
  'nlu_intents',
  'nlu_examples',
  'nlu_vocabulary',
  'nlu_models',
  'nlu_settings',
] as const;

export type TenantSnapshot = Record<'tenant' | (typeof TENANT_TABLES)[number], unknown[]>;

/** Every row a tenant owns, in a stable order: compare two snapshots to prove nothing changed. */
export async function tenantSnapshot(services: Services, tenantId: string): Promise<TenantSnapshot> {
  const db = services.database.db;
  const out = { tenant: await db.selectFrom('tenants').selectAll().where('id', '=', tenantId).execute() };
  for (const table of TENANT_TABLES) {
    const rows = (await db
      .selectFrom(table)
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .execute()) as Record<string, unknown>[];
    rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    (out as Record<string, unknown[]>)[table] = rows;
  }
  return out as TenantSnapshot;
}

/** Row counts of the tables a write could touch, across all tenants. */
export async function rowCounts(services: Services): Promise<Record<string, number>> {
  const db = services.database.db;
  const out: Record<string, number> = {};
  for (const table of ['tenants', ...TENANT_TABLES] as const) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}
