import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase, type Database, migrationNames } from '@kefu/platform';
import { verifyPassword } from '@kefu/tenancy';
import {
  freshPostgresSchema,
  postgresAvailable,
  REDIS_URL,
  redisAvailable,
  tempDataDir,
} from '@kefu/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { startServer } from '../src/server.ts';
import { randomSecret, request, SHARED_NLU_CACHE, WsClient } from './harness.ts';

/**
 * The `kefu` command as an operator runs it: a child process of bin/kefu.mjs with
 * KEFU_DATA_DIR (or KEFU_DATABASE_URL) pointing at a throwaway store.
 */

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(repo, 'apps/server/bin/kefu.mjs');

/** The parent's environment without any KEFU_* setting, plus the given ones. */
function envWith(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KEFU_')) env[k] = v;
  return { ...env, KEFU_NLU_CACHE_DIR: SHARED_NLU_CACHE, ...vars };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function kefu(args: string[], vars: Record<string, string>, input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: repo, env: envWith(vars) });
    child.stdin.end(input ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lastLine = (text: string) => text.trimEnd().split('\n').pop() ?? '';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function migrationsApplied(database: Database): Promise<number> {
  const rows = await database.db
    .selectFrom('kefu_migrations' as never)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number((rows as { n: number | string }).n);
}

/** Starts an in-process server on the store a CLI run used and checks an API key against it. */
async function keyWorks(vars: Record<string, string>, key: string, tenantName: string): Promise<void> {
  const server = await startServer(loadConfig({ ...vars, KEFU_PORT: '0', KEFU_LOG_LEVEL: 'silent' }));
  try {
    const me = await request(server.url, 'GET', '/api/v1/me', { token: key });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'api_key', tenant: { name: tenantName } });
    const msg = await request(server.url, 'POST', '/api/v1/inbound', {
      token: key,
      json: { channel: 'api', customerId: 'cli-check', text: '你好', idempotencyKey: 'cli-1' },
    });
    expect(msg.status).toBe(200);
  } finally {
    await server.stop();
  }
}

/** The same administrative commands on either store. */
async function administer(vars: Record<string, string>, db: () => Database): Promise<void> {
  const first = await kefu(['migrate'], vars);
  expect(first, first.stderr).toMatchObject({ code: 0 });
  expect(first.stdout).toMatch(/Migrations applied/);
  const second = await kefu(['migrate'], vars);
  expect(second, second.stderr).toMatchObject({ code: 0 });
  expect(await migrationsApplied(db())).toBe(migrationNames.length);

  const seeded = await kefu(['seed-demo'], vars);
  expect(seeded, seeded.stderr).toMatchObject({ code: 0 });
  expect(seeded.stdout).toMatch(/Created demo tenant Kefu 演示旗舰店/);
  expect(seeded.stdout).toContain('Demo admin login: admin@demo.kefu / kefu-demo-2026');
  const demo = await db()
    .db.selectFrom('tenants')
    .selectAll()
    .where('name', '=', 'Kefu 演示旗舰店')
    .execute();
  expect(demo).toHaveLength(1);
  const demoUsers = await db()
    .db.selectFrom('users')
    .select(['email', 'role'])
    .where('tenant_id', '=', demo[0]!.id)
    .execute();
  expect(demoUsers.map((u) => u.role).sort()).toEqual(['agent', 'owner']);

  const group = await kefu(['tenant', 'create', '星河集团'], vars);
  expect(group, group.stderr).toMatchObject({ code: 0 });
  const groupId = lastLine(group.stdout);
  const brand = await kefu(['tenant', 'create', '星河美妆', '--parent', '星河集团'], vars);
  expect(brand, brand.stderr).toMatchObject({ code: 0 });
  expect(brand.stdout).toContain('brand of 星河集团');
  const brandRow = await db()
    .db.selectFrom('tenants')
    .selectAll()
    .where('id', '=', lastLine(brand.stdout))
    .executeTakeFirstOrThrow();
  expect(brandRow).toMatchObject({ name: '星河美妆', parent_id: groupId });

  // Independent commands, run side by side (the store takes concurrent writers).
  const [badEmail, badRole, user, apikey] = await Promise.all([
    kefu(['user', 'create', '--email', 'not-an-email', '--password', 'password-123'], vars),
    kefu(['user', 'create', '--email', 'ok@test.kefu', '--password', 'password-123', '--role', 'king'], vars),
    kefu(
      [
        'user',
        'create',
        '--email',
        'Lead@Test.Kefu',
        '--password',
        'password-123',
        '--role',
        'admin',
        '--tenant',
        '星河美妆',
      ],
      vars,
    ),
    kefu(['apikey', 'create'], vars),
  ]);
  expect(badEmail.code).not.toBe(0);
  expect(badEmail.stderr).toMatch(/email must be an e-mail address/);
  expect(badRole.code).not.toBe(0);
  expect(badRole.stderr).toMatch(/role .*(owner|admin|agent)/);
  for (const r of [badEmail, badRole]) expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // a message, not a stack
  expect(
    await db().db.selectFrom('users').select('id').where('email', '=', 'ok@test.kefu').execute(),
  ).toEqual([]);

  expect(user, user.stderr).toMatchObject({ code: 0 });
  expect(user.stdout).toContain('Created admin lead@test.kefu in 星河美妆');
  const lead = await db()
    .db.selectFrom('users')
    .selectAll()
    .where('email', '=', 'lead@test.kefu')
    .executeTakeFirstOrThrow();
  expect(lead).toMatchObject({ role: 'admin', tenant_id: brandRow.id });

  expect(apikey, apikey.stderr).toMatchObject({ code: 0 });
  const key = lastLine(apikey.stdout);
  expect(key).toMatch(/^kfk_[A-Za-z0-9_-]{20,}$/);
  await keyWorks(vars, key, 'Kefu 演示旗舰店');

  // The operator replaces the printed demo password; an unknown e-mail is refused.
  const [reset, unknown] = await Promise.all([
    kefu(['user', 'password', '--email', 'admin@demo.kefu', '--password', 'a-new-secret-1'], vars),
    kefu(['user', 'password', '--email', 'nobody@test.kefu', '--password', 'a-new-secret-1'], vars),
  ]);
  expect(reset, reset.stderr).toMatchObject({ code: 0 });
  const admin = await db()
    .db.selectFrom('users')
    .select('password_hash')
    .where('email', '=', 'admin@demo.kefu')
    .executeTakeFirstOrThrow();
  expect(await verifyPassword('a-new-secret-1', admin.password_hash)).toBe(true);
  expect(await verifyPassword('kefu-demo-2026', admin.password_hash)).toBe(false);
  expect(unknown.code).not.toBe(0);
  expect(unknown.stderr).toMatch(/No user with e-mail nobody@test.kefu/);
}

const pgUp = await postgresAvailable();
const scaledUp = pgUp && (await redisAvailable());

// The tests start child processes and wait on them; they run side by side, so on a 2-core machine
// each waits for the others' processes too: the generous timeout is for that, not for one command.
describe.concurrent('kefu CLI', { timeout: 120_000 }, () => {
  it('on SQLite (KEFU_DATA_DIR): migrate twice, seed-demo, tenant/user/apikey create; the key works', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const vars = { KEFU_DATA_DIR: data.dir };
    let database: Database | undefined;
    const db = () => {
      database ??= createDatabase({ url: path.join(data.dir, 'kefu.sqlite') });
      return database;
    };
    cleanups.push(() => database?.close());
    await administer(vars, db);
    expect(existsSync(path.join(data.dir, 'secret'))).toBe(true);
  });

  it('an invalid setting stops the command with a message naming the variable', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    // loadConfig's own test covers every variable; here: the CLI stops and names it.
    const cases: [Record<string, string>, RegExp][] = [
      [{ KEFU_PORT: 'abc' }, /KEFU_PORT/],
      [
        { KEFU_DATABASE_URL: 'postgres://127.0.0.1:5432/test' },
        /KEFU_SECRET: required with KEFU_DATABASE_URL/,
      ],
    ];
    const runs = await Promise.all(
      cases.map(([vars]) => kefu(['migrate'], { KEFU_DATA_DIR: data.dir, ...vars })),
    );
    runs.forEach((run, i) => {
      const [vars, names] = cases[i]!;
      expect(run.code, JSON.stringify(vars)).not.toBe(0);
      expect(run.stderr, JSON.stringify(vars)).toMatch(names);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
    // Nothing was created by a refused start.
    expect(existsSync(path.join(data.dir, 'kefu.sqlite'))).toBe(false);
  });

  it('`start --seed-demo` prints the URL and the demo login, serves, and exits 0 on SIGTERM', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const child = spawn(process.execPath, [bin, 'start', '--seed-demo'], {
      cwd: repo,
      env: envWith({ KEFU_DATA_DIR: data.dir, KEFU_PORT: '0' }),
    });
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (/Demo admin login:/.test(stdout)) resolve();
      });
      exited.then(() => reject(new Error(`kefu start exited early:\n${stdout}\n${stderr}`)));
    });
    await ready;
    const url = /Kefu is running at (http:\/\/\S+)/.exec(stdout)?.[1];
    expect(url, stdout).toBeTruthy();
    expect(stdout).toContain('Demo admin login: admin@demo.kefu / kefu-demo-2026');
    expect(stdout).toContain(`API docs: ${url}/docs`);

    const health = await request(url!, 'GET', '/healthz');
    expect(health.status).toBe(200);
    const login = await request(url!, 'POST', '/api/v1/auth/login', {
      json: { email: 'admin@demo.kefu', password: 'kefu-demo-2026' },
    });
    expect(login.status).toBe(200);
    // Logs are JSON lines, and the token in the socket URL is not among them.
    const socket = await WsClient.open(`${url!.replace('http', 'ws')}/ws/agent?token=${login.body.token}`);

    child.kill('SIGTERM');
    const [code, closed] = await Promise.all([exited, socket.closed]);
    expect(code, stderr).toBe(0);
    expect(closed.code).toBe(1001);
    expect(stdout).not.toContain(login.body.token);
    expect(stdout).toMatch(/"msg":"shutting down"/);
    expect(stderr).toBe('');
  });

  it('`npx kefu` runs inside the repository', async () => {
    const run = await new Promise<Run>((resolve) => {
      const child = spawn('npx', ['--no-install', 'kefu', '--help'], { cwd: repo, env: envWith({}) });
      let stdout = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
    });
    expect(run.code).toBe(0);
    for (const command of ['start', 'migrate', 'seed-demo', 'tenant', 'user', 'apikey']) {
      expect(run.stdout).toContain(command);
    }
  });

  it.skipIf(!scaledUp)(
    'a stopped cluster node (PostgreSQL + Redis) leaves nothing open: its process exits by itself',
    async () => {
      const data = tempDataDir();
      const schema = await freshPostgresSchema();
      cleanups.push(data.remove, () => schema.drop());
      const fixture = path.join(repo, 'apps/server/test/fixtures/start-stop.ts');
      const run = await new Promise<Run>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
          cwd: repo,
          env: envWith({
            KEFU_DATA_DIR: data.dir,
            KEFU_PORT: '0',
            KEFU_LOG_LEVEL: 'silent',
            KEFU_DATABASE_URL: schema.url,
            KEFU_SECRET: randomSecret(),
            KEFU_REDIS_URL: REDIS_URL,
          }),
        });
        let stdout = '';
        let stderr = '';
        let timer: NodeJS.Timeout | undefined;
        child.stdout.on('data', (d) => {
          stdout += d;
          // The clock starts at stop(), not at spawn: starting up on a loaded machine is not the point.
          if (!timer && stdout.includes('stopped')) {
            timer = setTimeout(() => {
              child.kill('SIGKILL');
              reject(
                new Error(`still running 10 s after stop(): something was left open\n${stdout}${stderr}`),
              );
            }, 10_000);
          }
        });
        child.stderr.on('data', (d) => {
          stderr += d;
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
      });
      expect(run.stdout, run.stderr).toContain('stopped');
      expect(run.code).toBe(0);
    },
  );

  it.skipIf(!pgUp)(
    'on PostgreSQL (KEFU_DATABASE_URL) the same commands work and leave no SQLite file',
    async () => {
      const data = tempDataDir();
      const schema = await freshPostgresSchema();
      cleanups.push(data.remove, () => schema.drop());
      const vars = { KEFU_DATA_DIR: data.dir, KEFU_DATABASE_URL: schema.url, KEFU_SECRET: randomSecret() };
      let database: Database | undefined;
      const db = () => {
        database ??= createDatabase({ url: schema.url });
        return database;
      };
      cleanups.push(() => database?.close());
      await administer(vars, db);
      expect(existsSync(path.join(data.dir, 'kefu.sqlite'))).toBe(false);
      expect(existsSync(path.join(data.dir, 'secret'))).toBe(false);
    },
  );
});

// Model training is CPU-heavy: these run one after another, after the concurrent commands above.
describe('kefu nlu CLI', { timeout: 120_000 }, () => {
  it('`nlu predict --json` reads one message per line and writes one JSON object per line, no server needed', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const lines = ['我的快递怎么还没到', '', '你们再不退款我就投诉12315！！', '顺丰SF1402837465821到哪了'];
    const run = await kefu(
      ['nlu', 'predict', '--json'],
      { KEFU_DATA_DIR: data.dir },
      `${lines.join('\n')}\n`,
    );
    expect(run, run.stderr).toMatchObject({ code: 0 });
    const results = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(results.map((r) => r.text)).toEqual(lines);
    for (const r of results) {
      expect(Object.keys(r)).toEqual([
        'text',
        'intent',
        'confidence',
        'ranking',
        'entities',
        'emotion',
        'polarity',
        'negativity',
      ]);
    }
    expect(results[0].intent).toMatch(/^logistics\./);
    expect(results[1].intent).toBe('out_of_scope');
    expect(results[2]).toMatchObject({
      intent: 'complaint.escalate',
      emotion: 'angry',
      polarity: 'negative',
    });
    expect(results[3].entities).toMatchObject([
      { type: 'tracking_number', carrier: 'SF', value: 'SF1402837465821' },
    ]);
  });

  it('`nlu eval` scores a test file; a malformed file or a bad option is refused with the reason', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const good = path.join(data.dir, 'mine.txt');
    writeFileSync(good, '## logistics.track\n我买的东西到哪儿了\n## chat.human\n帮我叫个真人客服\n');
    const run = await kefu(['nlu', 'eval', '--json', '--test', good], { KEFU_DATA_DIR: data.dir });
    expect(run, run.stderr).toMatchObject({ code: 0 });
    const report = JSON.parse(run.stdout);
    expect(report.examples).toBe(2);
    expect(report.accuracy).toBeGreaterThanOrEqual(0);
    expect(report.perIntent.map((r: { intent: string }) => r.intent)).toContain('logistics.track');

    const bad = path.join(data.dir, 'bad.txt');
    writeFileSync(bad, '没有意图标题的一行\n## Not An Id\n');
    const refused = await kefu(['nlu', 'eval', '--test', bad], { KEFU_DATA_DIR: data.dir });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`${bad}:1`);
    expect(refused.stderr).toContain('is not an intent id');

    const threshold = await kefu(['nlu', 'predict', '--threshold', '2'], { KEFU_DATA_DIR: data.dir });
    expect(threshold.code).not.toBe(0);
    expect(threshold.stderr).toContain('must be a number from 0 to 1');
  });

  it('`nlu import` and `nlu train --tenant` teach a shop an intent; `nlu predict --tenant` uses it', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const vars = { KEFU_DATA_DIR: data.dir };
    expect((await kefu(['seed-demo'], vars)).code).toBe(0);
    const file = path.join(data.dir, 'black-card.txt');
    writeFileSync(
      file,
      '## shop.black_card\n黑卡会员怎么开通\n我想办个黑卡\n黑卡一年多少钱\n黑卡有什么特权\n开通黑卡送啥\n黑卡能退吗\n',
    );
    const imported = await kefu(['nlu', 'import', file], vars);
    expect(imported, imported.stderr).toMatchObject({ code: 0 });
    expect(imported.stdout).toContain('added 6 examples to 1 intents');
    const again = await kefu(['nlu', 'import', file], vars);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('is already an example of shop.black_card');

    const trained = await kefu(['nlu', 'train', '--tenant', 'Kefu 演示旗舰店'], vars);
    expect(trained, trained.stderr).toMatchObject({ code: 0 });
    expect(trained.stdout).toMatch(/trained model v1 for Kefu 演示旗舰店: 60 intents/);
    const predicted = await kefu(
      ['nlu', 'predict', '--json', '--tenant', 'Kefu 演示旗舰店'],
      vars,
      '黑卡的特权都有啥\n',
    );
    expect(predicted, predicted.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(predicted.stdout).intent).toBe('shop.black_card');
  });
});
