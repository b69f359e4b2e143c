import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type WebSocket from 'ws';
import { spawnChild } from '../lib/proc.ts';
import { mapLimit, openSocket, terminateAll } from '../lib/ws.ts';
import { Driver, type Target } from './driver.ts';

/** A target under load: its driver, plus what to check and stop afterwards. */
export interface Rig {
  readonly label: string;
  readonly driver: Driver;
  /** Throws if a socket closed or the server answered with an error since the start. */
  assertHealthy(): void;
  /** Checks the store against what was acknowledged; returns a one-line report. */
  verify(): string;
  close(): Promise<void>;
}

const messageFrame = (key: string, text: string) =>
  JSON.stringify({ type: 'message.send', idempotencyKey: key, message: { type: 'text', text } });

/** Socket failures seen by a rig, reported after each phase. */
class Faults {
  readonly list: string[] = [];
  private closing = false;

  watch(ws: WebSocket, what: string): void {
    ws.on('close', (code, reason) => {
      if (!this.closing) this.add(`${what} closed (${code} ${reason.toString()})`);
    });
    ws.on('error', (err) => this.add(`${what}: ${err.message}`));
  }

  add(fault: string): void {
    if (this.list.length < 1000) this.list.push(fault);
  }

  closingNow(): void {
    this.closing = true;
  }

  assertNone(label: string): void {
    if (this.list.length > 0) {
      throw new Error(`${label}: ${this.list.length} faults, first: ${this.list.slice(0, 5).join('; ')}`);
    }
  }
}

export interface EchoOptions {
  root: string;
  sockets: number;
}

/** The bare `ws` echo server in a child process, with `sockets` client sockets on it. */
export async function startEcho(o: EchoOptions): Promise<Rig> {
  const child = spawnChild(
    'echo server',
    process.execPath,
    ['--import', 'tsx', path.join(o.root, 'bench/ws-roundtrip/echo-server.ts')],
    { cwd: o.root, env: process.env },
  );
  const faults = new Faults();
  let lanes: WebSocket[] = [];
  try {
    const [, port] = await child.waitFor(/echo listening on (\d+)/, 30_000);
    lanes = await mapLimit(range(o.sockets), 64, () => openSocket(`ws://127.0.0.1:${port}`));
  } catch (err) {
    terminateAll(lanes);
    await child.kill();
    throw err;
  }
  const label = 'bare ws echo';
  const target: Target = {
    label,
    lanes,
    frame: messageFrame,
    serverCpuSeconds: () => child.cpuSeconds(),
    serverIo: () => child.io(),
  };
  const driver = new Driver(target);
  lanes.forEach((ws, i) => {
    faults.watch(ws, `echo socket ${i}`);
    ws.on('message', (data) => {
      const { idempotencyKey } = JSON.parse(data.toString()) as { idempotencyKey: string };
      driver.onAck(idempotencyKey);
      driver.onDelivery(idempotencyKey);
    });
  });
  return {
    label,
    driver,
    assertHealthy: () => {
      faults.assertNone(label);
      if (driver.strays > 0) throw new Error(`${label}: ${driver.strays} echoes of unknown or settled keys`);
    },
    verify: () => `${driver.totalAcked.toLocaleString('en-US')} round trips, none lost`,
    close: async () => {
      faults.closingNow();
      terminateAll(lanes);
      await child.stop();
    },
  };
}

export interface KefuOptions {
  root: string;
  /** The `kefu` CLI entry to run (this checkout's by default). */
  cli: string;
  sockets: number;
  agents: number;
  /** Write a V8 CPU profile of the server into this directory. */
  profileDir?: string;
  keepData: boolean;
}

interface Ack {
  type: 'ack';
  idempotencyKey: string;
  duplicate: boolean;
}
interface Pushed {
  type: 'message';
  message: { sender: string; idempotencyKey: string | null };
}
interface ErrorFrame {
  type: 'error';
  code: string;
  message: string;
  idempotencyKey?: string;
}
type Frame = Ack | Pushed | ErrorFrame | { type: 'ready' | 'conversation' | 'pong' };

/**
 * `kefu start` (SQLite, fresh data directory) in a child process; 1,000 shoppers each
 * with a widget session and a customer socket, and `agents` agent sockets of the demo
 * owner. Shoppers come from distinct addresses (X-Forwarded-For, with KEFU_TRUST_PROXY)
 * so the per-address limit on new widget sessions applies to each, as behind a proxy.
 */
export async function startKefu(o: KefuOptions): Promise<Rig> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kefu-bench-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KEFU_')) env[k] = v;
  Object.assign(env, {
    KEFU_DATA_DIR: dataDir,
    KEFU_PORT: '0',
    KEFU_HOST: '127.0.0.1',
    KEFU_LOG_LEVEL: 'warn',
    KEFU_TRUST_PROXY: 'true',
  });
  const nodeArgs = o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [];
  const child = spawnChild('kefu server', process.execPath, [...nodeArgs, o.cli, 'start', '--seed-demo'], {
    cwd: o.root,
    env,
  });
  const label = 'Kefu (SQLite)';
  const faults = new Faults();
  const sockets: WebSocket[] = [];
  const removeData = () => {
    if (!o.keepData) rmSync(dataDir, { recursive: true, force: true });
  };
  let agents: WebSocket[] = [];
  let customers: WebSocket[] = [];
  let tenantId = '';
  try {
    const [, url = ''] = await child.waitFor(/Kefu is running at (http:\/\/\S+)/, 60_000);
    const api = (p: string, init: { body?: unknown; token?: string; ip: string }) =>
      requestJson(`${url}${p}`, init);
    const staff = '10.255.255.254';
    const { token } = (await api('/api/v1/auth/login', {
      body: { email: 'admin@demo.kefu', password: 'kefu-demo-2026' },
      ip: staff,
    })) as { token: string };
    tenantId = ((await api('/api/v1/tenant', { token, ip: staff })) as { tenant: { id: string } }).tenant.id;
    const visitors = await mapLimit(
      range(o.sockets),
      16,
      async (i) =>
        (await api('/api/v1/widget/sessions', { body: { tenantId }, ip: shopperIp(i) })) as { token: string },
    );
    const wsUrl = url.replace(/^http/, 'ws');
    agents = await mapLimit(range(o.agents), 4, () =>
      openSocket(`${wsUrl}/ws/agent?token=${token}`, { readyFrame: 'ready', headers: forwarded(staff) }),
    );
    sockets.push(...agents);
    customers = await mapLimit(visitors, 64, async (v, i) => {
      const ws = await openSocket(`${wsUrl}/ws/customer?token=${v.token}`, {
        readyFrame: 'ready',
        headers: forwarded(shopperIp(i)),
      });
      sockets.push(ws);
      return ws;
    });
  } catch (err) {
    terminateAll(sockets);
    await child.kill();
    removeData();
    throw err;
  }

  const target: Target = {
    label,
    lanes: customers,
    frame: messageFrame,
    serverCpuSeconds: () => child.cpuSeconds(),
    serverIo: () => child.io(),
  };
  const driver = new Driver(target);
  let duplicates = 0;
  customers.forEach((ws, i) => {
    faults.watch(ws, `customer socket ${i}`);
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (frame.type === 'ack') {
        if (frame.duplicate) duplicates++;
        driver.onAck(frame.idempotencyKey);
      } else if (frame.type === 'error') {
        faults.add(`error frame on customer socket ${i}: ${frame.code} ${frame.message}`);
      }
    });
  });
  const deliveredTo = new Array<number>(agents.length).fill(0);
  agents.forEach((ws, a) => {
    faults.watch(ws, `agent socket ${a}`);
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (frame.type !== 'message' || frame.message.sender !== 'customer') return;
      deliveredTo[a]!++;
      // Latency is taken at the first agent socket; the others count what they hear.
      if (a === 0) driver.onDelivery(frame.message.idempotencyKey!);
    });
  });

  return {
    label,
    driver,
    assertHealthy: () => {
      faults.assertNone(label);
      if (driver.strays > 0)
        throw new Error(`${label}: ${driver.strays} acks/pushes of unknown or settled keys`);
      if (duplicates > 0) throw new Error(`${label}: ${duplicates} acks flagged duplicate for fresh keys`);
      const short = deliveredTo.findIndex((n) => n !== deliveredTo[0]);
      if (short >= 0) throw new Error(`${label}: agent sockets heard ${deliveredTo.join(' / ')} messages`);
    },
    verify: () => {
      const file = path.join(dataDir, 'kefu.sqlite');
      if (!existsSync(file)) throw new Error(`${label}: no SQLite file at ${file}`);
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        const one = (sql: string) => (db.prepare(sql).get(tenantId) as { n: number }).n;
        const rows = one(
          `select count(*) as n from messages where tenant_id = ? and sender_type = 'customer'`,
        );
        const keys = one(
          `select count(*) as n from (select distinct sender_id, idempotency_key from messages
           where tenant_id = ? and sender_type = 'customer')`,
        );
        const bot = one(`select count(*) as n from messages where tenant_id = ? and sender_type = 'bot'`);
        const conversations = one(`select count(*) as n from conversations where tenant_id = ?`);
        const acked = driver.totalAcked;
        if (rows !== acked || keys !== acked) {
          throw new Error(
            `${label}: store holds ${rows} customer messages (${keys} keys) but ${acked} were acked`,
          );
        }
        if (conversations !== o.sockets) {
          throw new Error(`${label}: ${conversations} conversations for ${o.sockets} shoppers`);
        }
        return (
          `store holds exactly the ${acked.toLocaleString('en-US')} acknowledged customer messages ` +
          `(+${bot.toLocaleString('en-US')} bot replies) in ${conversations} conversations`
        );
      } finally {
        db.close();
      }
    },
    close: async () => {
      faults.closingNow();
      terminateAll(sockets);
      await child.stop(30_000);
      removeData();
    },
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const shopperIp = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const forwarded = (ip: string) => ({ 'x-forwarded-for': ip });

async function requestJson(
  url: string,
  init: { body?: unknown; token?: string; ip: string },
): Promise<unknown> {
  const res = await fetch(url, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: {
      ...forwarded(init.ip),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`${url.replace(/^https?:\/\/[^/]+/, '')} → HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}
