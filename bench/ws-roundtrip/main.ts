/**
 * ws-roundtrip: customer → agent through the Kefu server on SQLite with 1,000 concurrent
 * sockets, beside a bare `ws` echo server driven the same way in the same run.
 *
 * For each target, in its own child process: open the sockets, warm up (every shopper
 * sends one message, so every conversation exists and has had its welcome reply), then
 * - saturation: each socket keeps W messages unacknowledged; acks/s over the measured
 *   window is the persisted-messages rate (Kefu acks only after the commit);
 * - steady: an open-loop 2,000 msgs/s across the sockets; latency from each message's
 *   scheduled send to its arrival on the agent socket (echo: back on its socket).
 * Then Kefu's SQLite file is checked against what was acknowledged.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type CpuProfile, profileReport, readProfile } from '../lib/cpuprofile.ts';
import { assertFdLimit, killAllChildren } from '../lib/proc.ts';
import { fmtInt, fmtMs, fmtPct, fmtRatio, median, table } from '../lib/stats.ts';
import type { SaturationResult, SteadyResult } from './driver.ts';
import { type Rig, startEcho, startKefu } from './targets.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const TARGET_PERSISTED_PER_S = 10_000;
const TARGET_P99_MS = 20;

const numeric = {
  sockets: { default: 1000, help: 'concurrent customer sockets (echo: client sockets)' },
  window: { default: 4, help: 'saturation: unacknowledged messages each socket keeps in flight' },
  duration: { default: 10, help: 'saturation: measured seconds' },
  warmup: { default: 2, help: 'saturation: unmeasured seconds before the measured window' },
  rate: { default: 2000, help: 'steady: offered messages per second, spread over all sockets' },
  steady: { default: 10, help: 'steady: seconds of offered load' },
  agents: { default: 1, help: 'agent sockets (each hears every message; latency is taken at the first)' },
  runs: { default: 1, help: 'repeat the whole comparison; medians are printed when > 1' },
} as const;
type NumericFlag = keyof typeof numeric;

const HELP = `npm run bench -- ws-roundtrip [flags]

Flags (or environment BENCH_<FLAG>, e.g. BENCH_SOCKETS=500):
${Object.entries(numeric)
  .map(([k, v]) => `  --${k.padEnd(12)} ${v.help} (default ${v.default})`)
  .join('\n')}
  --only T        run only "bare" or "kefu"
  --profile       write a V8 CPU profile of the Kefu server and print where its time goes
  --profile-dir D where to keep the profiles (default: a temp dir)
  --kefu-cli F    the kefu CLI to run (default apps/server/bin/kefu.mjs of this checkout)
  --keep-data     keep the Kefu data directory
  --json FILE     also write the results as JSON
  --check         exit 3 when Kefu misses a target (>= ${fmtInt(TARGET_PERSISTED_PER_S)} persisted msgs/s, p99 < ${TARGET_P99_MS} ms)
`;

interface TargetResult {
  label: string;
  saturation: SaturationResult;
  steady: SteadyResult;
  check: string;
  profile?: string;
}

interface Options {
  n: Record<NumericFlag, number>;
  only?: 'bare' | 'kefu';
  profileDir?: string;
  kefuCli: string;
  keepData: boolean;
  json?: string;
  check: boolean;
}

function parseOptions(args: string[]): Options | 'help' {
  const { values } = parseArgs({
    args,
    options: {
      ...Object.fromEntries(Object.keys(numeric).map((k) => [k, { type: 'string' as const }])),
      only: { type: 'string' },
      profile: { type: 'boolean' },
      'profile-dir': { type: 'string' },
      'kefu-cli': { type: 'string' },
      'keep-data': { type: 'boolean' },
      json: { type: 'string' },
      check: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const env = (name: string) => process.env[`BENCH_${name.toUpperCase().replaceAll('-', '_')}`];
  const n = {} as Record<NumericFlag, number>;
  for (const [k, spec] of Object.entries(numeric) as [NumericFlag, (typeof numeric)[NumericFlag]][]) {
    const raw = ((values as Record<string, string | boolean | undefined>)[k] as string | undefined) ?? env(k);
    const v = raw === undefined ? spec.default : Number(raw);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${k} must be a positive number, got "${raw}"`);
    n[k] = k === 'duration' || k === 'warmup' || k === 'steady' ? v : Math.round(v);
  }
  const only = (values.only as string | undefined) ?? env('only');
  if (only !== undefined && only !== 'bare' && only !== 'kefu')
    throw new Error('--only must be "bare" or "kefu"');
  const wantProfile =
    values.profile === true || values['profile-dir'] !== undefined || env('profile') === '1';
  return {
    n,
    only,
    profileDir: wantProfile
      ? ((values['profile-dir'] as string | undefined) ??
        path.join(tmpdir(), `kefu-bench-profile-${Date.now()}`))
      : undefined,
    kefuCli: path.resolve(
      (values['kefu-cli'] as string | undefined) ??
        env('kefu-cli') ??
        path.join(ROOT, 'apps/server/bin/kefu.mjs'),
    ),
    keepData: values['keep-data'] === true,
    json: values.json as string | undefined,
    check: values.check === true,
  };
}

export async function run(args: string[]): Promise<number> {
  let o: Options | 'help';
  try {
    o = parseOptions(args);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${HELP}`);
    return 1;
  }
  if (o === 'help') {
    console.log(HELP);
    return 0;
  }
  const opts = o;
  // This process holds every client socket; the server child (same limit) as many again.
  try {
    assertFdLimit(opts.n.sockets + opts.n.agents + 256);
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  }

  const { n } = opts;
  const perRunSeconds = 120 + (n.warmup + n.duration + n.steady) * 2;
  const watchdog = setTimeout(
    () => {
      console.error(`[bench] gave up after ${perRunSeconds * n.runs} s; killing the servers`);
      killAllChildren();
      process.exit(1);
    },
    perRunSeconds * n.runs * 1000,
  );
  watchdog.unref();

  console.log(
    `ws-roundtrip: ${fmtInt(n.sockets)} sockets, ${n.agents} agent socket(s); saturation window ${n.window}, ` +
      `${n.warmup} s warm-up + ${n.duration} s measured; steady ${fmtInt(n.rate)} msgs/s for ${n.steady} s; ` +
      `${n.runs} run(s)`,
  );
  const runs: { bare?: TargetResult; kefu?: TargetResult }[] = [];
  try {
    for (let r = 1; r <= n.runs; r++) {
      const result: { bare?: TargetResult; kefu?: TargetResult } = {};
      if (opts.only !== 'kefu') {
        result.bare = await measure(`run ${r}`, await startEcho({ root: ROOT, sockets: n.sockets }), opts);
      }
      if (opts.only !== 'bare') {
        const profileDir = opts.profileDir && path.join(opts.profileDir, `run-${r}`);
        if (profileDir) mkdirSync(profileDir, { recursive: true });
        const rig = await startKefu({
          root: ROOT,
          cli: opts.kefuCli,
          sockets: n.sockets,
          agents: n.agents,
          profileDir,
          keepData: opts.keepData,
        });
        result.kefu = await measure(`run ${r}`, rig, opts, profileDir);
      }
      runs.push(result);
      if (n.runs > 1) console.log(`\nrun ${r}:\n${comparison([result])}\n`);
    }
  } catch (err) {
    console.error(`[bench] failed: ${(err as Error).stack ?? err}`);
    killAllChildren();
    return 1;
  } finally {
    clearTimeout(watchdog);
  }

  console.log(`\n${n.runs > 1 ? `median of ${n.runs} runs` : 'result'}:\n${comparison(runs)}\n`);
  const kefu = runs.map((r) => r.kefu).filter((k): k is TargetResult => k !== undefined);
  let missed = false;
  if (kefu.length > 0) {
    const persisted = median(kefu.map((k) => k.saturation.ackedPerSecond));
    const p99 = median(kefu.map((k) => k.steady.deliveryLatency.p99));
    const okRate = persisted >= TARGET_PERSISTED_PER_S;
    const okP99 = p99 < TARGET_P99_MS;
    missed = !okRate || !okP99;
    console.log(
      `targets: >= ${fmtInt(TARGET_PERSISTED_PER_S)} persisted msgs/s: ${okRate ? 'met' : 'MISSED'} (${fmtInt(persisted)}); ` +
        `p99 < ${TARGET_P99_MS} ms at ${fmtInt(n.rate)} msgs/s: ${okP99 ? 'met' : 'MISSED'} (${fmtMs(p99)})`,
    );
    for (const k of kefu) console.log(`store check: ${k.check}`);
    for (const k of kefu) if (k.profile) console.log(`\n${k.profile}`);
  }
  if (opts.json) {
    writeFileSync(opts.json, `${JSON.stringify({ options: n, runs }, null, 2)}\n`);
    console.log(`results written to ${opts.json}`);
  }
  return opts.check && missed ? 3 : 0;
}

async function measure(tag: string, rig: Rig, o: Options, profileDir?: string): Promise<TargetResult> {
  const { n } = o;
  const log = (msg: string) => console.log(`[${tag}] ${rig.label}: ${msg}`);
  const drainMs = 60_000;
  let saturation: SaturationResult;
  let steady: SteadyResult;
  let check: string;
  try {
    log(`${fmtInt(n.sockets)} sockets open; warming up`);
    await rig.driver.warmUp(drainMs);
    rig.assertHealthy();
    saturation = await rig.driver.saturate(n.window, n.warmup * 1000, n.duration * 1000, drainMs);
    rig.assertHealthy();
    log(
      `saturation ${fmtInt(saturation.ackedPerSecond)} acks/s, ${fmtInt(saturation.deliveredPerSecond)} delivered/s ` +
        `(server CPU ${fmtPct(saturation.serverCpu)}, bench CPU ${fmtPct(saturation.clientCpu)})`,
    );
    steady = await rig.driver.steady(n.rate, n.steady * 1000, drainMs);
    rig.assertHealthy();
    log(
      `steady ${fmtInt(n.rate)}/s: p50 ${fmtMs(steady.deliveryLatency.p50)}, p99 ${fmtMs(steady.deliveryLatency.p99)}, ` +
        `max ${fmtMs(steady.deliveryLatency.max)} (server CPU ${fmtPct(steady.serverCpu)})`,
    );
    check = rig.verify();
    log(check);
  } finally {
    await rig.close();
  }
  const result: TargetResult = { label: rig.label, saturation, steady, check };
  if (profileDir) {
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (others are loader workers).
    const file = readdirSync(profileDir).find((f) => /\.0\.\d+\.cpuprofile$/.test(f));
    if (!file) {
      log(`no CPU profile was written in ${profileDir}`);
    } else {
      const profile: CpuProfile = readProfile(path.join(profileDir, file));
      result.profile = [
        `CPU profile of the Kefu server (${path.join(profileDir, file)}):`,
        profileReport(profile, 'saturation (measured window)', saturation.window),
        profileReport(profile, `steady ${fmtInt(n.rate)} msgs/s`, steady.window),
      ].join('\n\n');
    }
  }
  return result;
}

/** One table: bare echo vs Kefu, medians over the runs given, and the ratio Kefu / bare. */
function comparison(runs: { bare?: TargetResult; kefu?: TargetResult }[]): string {
  const header = [
    '',
    'saturated msgs/s',
    'steady p50',
    'steady p90',
    'steady p99',
    'steady max',
    'server CPU (sat.)',
    'bench CPU (sat.)',
  ];
  type Row = {
    rate: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
    cpu: number;
    client: number;
  };
  const summarize = (list: (TargetResult | undefined)[]): Row | undefined => {
    const rs = list.filter((r): r is TargetResult => r !== undefined);
    if (rs.length === 0) return undefined;
    const m = (f: (r: TargetResult) => number) => median(rs.map(f));
    return {
      rate: m((r) => r.saturation.ackedPerSecond),
      p50: m((r) => r.steady.deliveryLatency.p50),
      p90: m((r) => r.steady.deliveryLatency.p90),
      p99: m((r) => r.steady.deliveryLatency.p99),
      max: m((r) => r.steady.deliveryLatency.max),
      cpu: m((r) => r.saturation.serverCpu),
      client: m((r) => r.saturation.clientCpu),
    };
  };
  const cells = (label: string, r: Row) => [
    label,
    fmtInt(r.rate),
    fmtMs(r.p50),
    fmtMs(r.p90),
    fmtMs(r.p99),
    fmtMs(r.max),
    fmtPct(r.cpu),
    fmtPct(r.client),
  ];
  const bare = summarize(runs.map((r) => r.bare));
  const kefu = summarize(runs.map((r) => r.kefu));
  const rows: string[][] = [];
  if (bare) rows.push(cells('bare ws echo (round trip)', bare));
  if (kefu) rows.push(cells('Kefu, SQLite (customer → agent)', kefu));
  if (bare && kefu) {
    rows.push([
      'Kefu / bare',
      fmtRatio(kefu.rate / bare.rate),
      fmtRatio(kefu.p50 / bare.p50),
      fmtRatio(kefu.p90 / bare.p90),
      fmtRatio(kefu.p99 / bare.p99),
      fmtRatio(kefu.max / bare.max),
      '',
      '',
    ]);
  }
  const extra: string[] = [];
  const k = runs.map((r) => r.kefu).filter((x): x is TargetResult => x !== undefined);
  if (k.length > 0) {
    const m = (f: (r: TargetResult) => number) => median(k.map(f));
    extra.push(
      `Kefu detail: at saturation ${fmtInt(m((r) => r.saturation.deliveredPerSecond))} msgs/s reached the agent socket, ` +
        `ack latency p50 ${fmtMs(m((r) => r.saturation.ackLatency.p50))} / p99 ${fmtMs(m((r) => r.saturation.ackLatency.p99))}; ` +
        `at steady load ack p50 ${fmtMs(m((r) => r.steady.ackLatency.p50))} / p99 ${fmtMs(m((r) => r.steady.ackLatency.p99))}, ` +
        `server CPU ${fmtPct(m((r) => r.steady.serverCpu))}; the bench's own send lag p99 ${fmtMs(m((r) => r.steady.scheduleLag.p99))} / max ${fmtMs(m((r) => r.steady.scheduleLag.max))}`,
    );
  }
  const io = (label: string, list: (TargetResult | undefined)[]) => {
    const rs = list.filter((r): r is TargetResult => r !== undefined);
    if (rs.length === 0) return;
    const m = (f: (r: TargetResult) => number) => median(rs.map(f));
    // CPU per message holds up when other work on the machine takes cores from the server.
    const cpuUs = (p: SaturationResult | SteadyResult, perSecond: number) => (p.serverCpu * 1e6) / perSecond;
    extra.push(
      `${label} server cost per message at saturation: ${m((r) => cpuUs(r.saturation, r.saturation.ackedPerSecond)).toFixed(0)} µs CPU, ` +
        `${m((r) => r.saturation.serverIo.writeCalls).toFixed(2)} write calls, ${fmtInt(m((r) => r.saturation.serverIo.bytes))} B written, ` +
        `${fmtInt(m((r) => r.saturation.serverIo.storageBytes))} B to storage; at steady load: ` +
        `${m((r) => cpuUs(r.steady, r.steady.offeredPerSecond)).toFixed(0)} µs CPU, ${m((r) => r.steady.serverIo.writeCalls).toFixed(2)} calls, ` +
        `${fmtInt(m((r) => r.steady.serverIo.bytes))} B, ${fmtInt(m((r) => r.steady.serverIo.storageBytes))} B to storage`,
    );
  };
  io(
    'bare:',
    runs.map((r) => r.bare),
  );
  io(
    'Kefu:',
    runs.map((r) => r.kefu),
  );
  return [table(header, rows), ...extra].join('\n');
}
