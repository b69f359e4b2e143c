/**
 * Durability acceptance: shoppers send 1,000 messages over customer sockets, resending
 * whatever is not acknowledged; the server is killed with SIGKILL in the middle of the
 * stream (twice), restarted on the same data directory, and the clients reconnect with
 * the same visitor tokens and resend with the same idempotency keys. Afterwards the
 * SQLite file must hold every message exactly once, including every acknowledged one
 * under the id its acknowledgement named.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = path.join(ROOT, 'apps/server/bin/kefu.mjs');
const SETPRIV = '/usr/bin/setpriv';
const DEMO = { email: 'admin@demo.kefu', password: 'kefu-demo-2026' };

const CLIENTS = 50;
const TOTAL = 1000;
const PER_CLIENT = TOTAL / CLIENTS;
/** Unacknowledged messages each client keeps in flight. */
const WINDOW = 4;
/** The server is SIGKILLed when this many distinct messages have been acknowledged. */
const KILL_AT = [250, 600];
const START_TIMEOUT_MS = 15_000;
const SEND_DEADLINE_MS = 25_000;
const RECONNECT_MS = 100;

/** The real `kefu start` in a child process, on a data directory that outlives it. */
class ServerProcess {
  child: ChildProcess | undefined;
  port = 0;
  private output = '';

  constructor(private readonly dataDir: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the server (on `this.port`; 0 picks a free one) and resolves once it listens. */
  start(): Promise<void> {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KEFU_')) env[k] = v;
    Object.assign(env, {
      KEFU_DATA_DIR: this.dataDir,
      KEFU_PORT: String(this.port),
      KEFU_HOST: '127.0.0.1',
      KEFU_LOG_LEVEL: 'warn',
    });
    // Under util-linux's setpriv the kernel kills the server if this test process dies first.
    const command = [process.execPath, CLI, 'start', '--seed-demo'];
    if (existsSync(SETPRIV)) command.unshift(SETPRIV, '--pdeathsig', 'KILL', '--');
    const child = spawn(command[0]!, command.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.output = '';
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`kefu start did not listen within ${START_TIMEOUT_MS} ms:\n${this.output}`));
      }, START_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        this.output = (this.output + chunk.toString()).slice(-8000);
        const m = /Kefu is running at http:\/\/[^:\s]+:(\d+)/.exec(this.output);
        if (m) {
          clearTimeout(timer);
          this.port = Number(m[1]);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`kefu start exited (${signal ?? code}) before listening:\n${this.output}`));
      });
    });
  }

  /** SIGKILL now (no chance to flush or shut down); resolves with the signal it died of. */
  async kill(): Promise<NodeJS.Signals | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.signalCode ?? null;
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    child.kill('SIGKILL');
    return exited;
  }

  /** Graceful stop (SIGTERM), falling back to SIGKILL after 5 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

interface Kill {
  signal: NodeJS.Signals | null;
  /** Messages sent and not yet acknowledged when the server was killed. */
  inFlight: number;
  acked: number;
  /** Customer messages in the SQLite file right after the kill, before any resend. */
  storedAfter: number;
}

interface Ack {
  id: string;
  duplicate: boolean;
}

/** One shopper: keeps WINDOW messages in flight and resends whatever was not acknowledged. */
class Shopper {
  readonly acks = new Map<string, Ack[]>();
  readonly errors: string[] = [];
  connects = 0;
  private readonly todo: string[] = [];
  private readonly inFlight = new Set<string>();
  private ws: WebSocket | undefined;
  private ready = false;
  private stopped = false;

  constructor(
    readonly index: number,
    readonly token: string,
    readonly customerId: string,
    private readonly url: () => string,
    private readonly onAck: () => void,
  ) {
    for (let i = 0; i < PER_CLIENT; i++) this.todo.push(Shopper.key(index, i));
  }

  static key(client: number, seq: number): string {
    return `dur-${client}-${seq}`;
  }

  static text(key: string): string {
    return `请问我的订单什么时候发货？(${key})`;
  }

  get done(): boolean {
    return this.acks.size === PER_CLIENT;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  connect(): void {
    if (this.stopped) return;
    this.connects++;
    this.ready = false;
    const ws = new WebSocket(`${this.url().replace('http', 'ws')}/ws/customer?token=${this.token}`, {
      perMessageDeflate: false,
      handshakeTimeout: 5000,
    });
    this.ws = ws;
    ws.on('message', (data) => {
      if (this.ws === ws) this.onFrame(JSON.parse(data.toString()));
    });
    ws.on('error', () => {}); // 'close' follows and handles it.
    ws.on('close', () => {
      if (this.ws === ws) this.lost();
    });
  }

  /**
   * The connection is gone (now, even if acks are still buffered unread): whatever was
   * in flight may or may not be stored, so it is sent again, with the same key.
   */
  drop(): void {
    const ws = this.ws;
    if (!ws) return;
    this.lost();
    ws.terminate();
  }

  stop(): void {
    this.stopped = true;
    this.ws?.terminate();
    this.ws = undefined;
  }

  private lost(): void {
    this.ws = undefined;
    this.ready = false;
    this.todo.unshift(...this.inFlight);
    this.inFlight.clear();
    if (!this.stopped && !this.done) setTimeout(() => this.connect(), RECONNECT_MS + Math.random() * 50);
  }

  private onFrame(frame: {
    type: string;
    idempotencyKey?: string;
    message?: { id: string; idempotencyKey: string | null; text: string; senderId: string | null };
    duplicate?: boolean;
    code?: string;
  }): void {
    if (frame.type === 'ready') {
      this.ready = true;
      this.pump();
      return;
    }
    if (frame.type === 'ack' && frame.idempotencyKey && frame.message) {
      const key = frame.idempotencyKey;
      if (!this.inFlight.delete(key)) return; // an ack for a key already settled
      const m = frame.message;
      if (m.idempotencyKey !== key || m.text !== Shopper.text(key) || m.senderId !== this.customerId) {
        this.errors.push(`ack for ${key} names another message: ${JSON.stringify(m)}`);
      }
      const list = this.acks.get(key) ?? [];
      list.push({ id: m.id, duplicate: frame.duplicate === true });
      this.acks.set(key, list);
      this.onAck();
      this.pump();
      return;
    }
    if (frame.type === 'error') {
      this.errors.push(`${frame.idempotencyKey ?? '-'}: ${frame.code}`);
      if (frame.idempotencyKey && this.inFlight.delete(frame.idempotencyKey)) {
        const key = frame.idempotencyKey;
        setTimeout(() => {
          this.todo.push(key);
          this.pump();
        }, 50);
      }
    }
  }

  private pump(): void {
    const ws = this.ws;
    if (!ws || !this.ready || ws.readyState !== WebSocket.OPEN) return;
    while (this.inFlight.size < WINDOW && this.todo.length > 0) {
      const key = this.todo.shift()!;
      if (this.acks.has(key)) continue;
      this.inFlight.add(key);
      ws.send(
        JSON.stringify({
          type: 'message.send',
          idempotencyKey: key,
          message: { type: 'text', text: Shopper.text(key) },
        }),
      );
    }
  }
}

async function json<T>(url: string, init: { body?: unknown; token?: string } = {}): Promise<T> {
  const res = await fetch(url, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`${url} → ${res.status} ${body}`);
  return JSON.parse(body) as T;
}

function waitUntil(what: () => boolean, timeoutMs: number, describeState: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const timer = setInterval(() => {
      if (what()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() > deadline) {
        clearInterval(timer);
        reject(new Error(`timed out after ${timeoutMs} ms: ${describeState()}`));
      }
    }, 10);
  });
}

describe('durability: SIGKILL while 1,000 messages are being sent', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kefu-durability-'));
  const server = new ServerProcess(dataDir);
  const shoppers: Shopper[] = [];
  let tenantId = '';

  beforeAll(async () => {
    await server.start();
    const { token } = await json<{ token: string }>(`${server.url}/api/v1/auth/login`, { body: DEMO });
    ({
      tenant: { id: tenantId },
    } = await json<{ tenant: { id: string } }>(`${server.url}/api/v1/tenant`, { token }));
    for (let i = 0; i < CLIENTS; i++) {
      const s = await json<{ token: string; customerId: string }>(`${server.url}/api/v1/widget/sessions`, {
        body: { tenantId },
      });
      shoppers.push(new Shopper(i, s.token, s.customerId, () => server.url, onAck));
    }
  }, 30_000);

  afterAll(async () => {
    for (const s of shoppers) s.stop();
    await server.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let acked = 0;
  let killTrigger: { at: number; fire: () => void } | undefined;
  function onAck(): void {
    acked++;
    // Kill from inside the ack handler so the kill lands while other messages are mid-flight.
    if (killTrigger && acked >= killTrigger.at) {
      const { fire } = killTrigger;
      killTrigger = undefined;
      fire();
    }
  }
  const storedCustomerMessages = (): number => {
    const db = new Database(path.join(dataDir, 'kefu.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const row = db
        .prepare(`select count(*) as n from messages where tenant_id = ? and sender_type = 'customer'`)
        .get(tenantId) as { n: number };
      return row.n;
    } finally {
      db.close();
    }
  };
  const state = () =>
    `acked ${acked}/${TOTAL}, in flight ${shoppers.reduce((n, s) => n + s.inFlightCount, 0)}, ` +
    `connects ${shoppers.reduce((n, s) => n + s.connects, 0)}, errors ${shoppers.flatMap((s) => s.errors).slice(0, 5)}`;

  it('stores every message exactly once, acknowledged ones under their acknowledged id', async () => {
    const started = Date.now();
    const remaining = () => SEND_DEADLINE_MS - (Date.now() - started);
    const kills: Kill[] = [];

    for (const s of shoppers) s.connect();
    for (const at of KILL_AT) {
      const killed = new Promise<Kill>((resolve) => {
        killTrigger = {
          at,
          fire: () => {
            const inFlight = shoppers.reduce((n, s) => n + s.inFlightCount, 0);
            const ackedNow = acked;
            const dying = server.kill();
            // The clients lose their connections at the same instant: acks the server
            // wrote but they have not read yet are lost, as in a real crash.
            for (const s of shoppers) s.drop();
            void dying.then((signal) =>
              resolve({ signal, inFlight, acked: ackedNow, storedAfter: storedCustomerMessages() }),
            );
          },
        };
      });
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no kill at ${at} acks: ${state()}`)), remaining()).unref(),
      );
      kills.push(await Promise.race([killed, timeout]));
      await server.start(); // same data directory, same port: clients reconnect on their own
    }
    await waitUntil(() => acked >= TOTAL && shoppers.every((s) => s.done), remaining(), state);
    for (const s of shoppers) s.stop();
    const duplicates = shoppers.reduce(
      (n, s) => n + [...s.acks.values()].filter((list) => list.some((a) => a.duplicate)).length,
      0,
    );
    console.info(
      `durability: ${TOTAL} messages acked in ${Date.now() - started} ms; kills at ${kills
        .map((k) => `${k.acked} acked/${k.inFlight} in flight/${k.storedAfter} stored`)
        .join(', ')}; ${duplicates} resent messages had been stored before the kill (acked as duplicates); ` +
        `${shoppers.reduce((n, s) => n + s.connects, 0)} socket connects`,
    );

    // The kills were real, and happened with messages in flight.
    expect(kills.map((k) => k.signal)).toEqual(KILL_AT.map(() => 'SIGKILL'));
    for (const k of kills) expect(k.inFlight).toBeGreaterThan(0);
    expect(kills.map((k) => k.acked)).toEqual(KILL_AT);
    // Nothing acknowledged was lost by the kill (checked before anything was resent).
    for (const k of kills) expect(k.storedAfter).toBeGreaterThanOrEqual(k.acked);
    expect(shoppers.reduce((n, s) => n + s.connects, 0)).toBeGreaterThan(CLIENTS * 2);

    expect(shoppers.flatMap((s) => s.errors)).toEqual([]);
    // Every retry of a key was answered with the original message.
    const ackedIds = new Map<string, string>();
    for (const s of shoppers) {
      expect(s.acks.size).toBe(PER_CLIENT);
      for (const [key, list] of s.acks) {
        expect(new Set(list.map((a) => a.id)).size, key).toBe(1);
        ackedIds.set(key, list[0]!.id);
      }
    }
    expect(ackedIds.size).toBe(TOTAL);

    await server.stop();
    const db = new Database(path.join(dataDir, 'kefu.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare(
          `select id, sender_id, idempotency_key, text, conversation_id from messages
           where tenant_id = ? and sender_type = 'customer'`,
        )
        .all(tenantId) as {
        id: string;
        sender_id: string;
        idempotency_key: string;
        text: string;
        conversation_id: string;
      }[];
      expect(rows.length).toBe(TOTAL);
      const byKey = new Map(rows.map((r) => [r.idempotency_key, r]));
      expect(byKey.size).toBe(TOTAL); // no key stored twice
      const customerOf = new Map(
        shoppers.flatMap((s) => [...s.acks.keys()].map((k) => [k, s.customerId] as const)),
      );
      for (const [key, id] of ackedIds) {
        const row = byKey.get(key);
        expect(row, key).toBeDefined();
        expect(row!.id, key).toBe(id);
        expect(row!.text).toBe(Shopper.text(key));
        expect(row!.sender_id).toBe(customerOf.get(key));
      }
      const dupes = db
        .prepare(
          `select idempotency_key, count(*) as n from messages where idempotency_key is not null
           group by idempotency_key having count(*) > 1`,
        )
        .all();
      expect(dupes).toEqual([]);
      // The reconnected shoppers kept writing into their one open conversation.
      const conversations = new Set(rows.map((r) => r.conversation_id));
      expect(conversations.size).toBe(CLIENTS);
    } finally {
      db.close();
    }
  }, 45_000);
});
