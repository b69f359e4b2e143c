import { readFileSync } from 'node:fs';
import { fmtPct, table } from './stats.ts';

/** The parts of a V8 `.cpuprofile` (node --cpu-prof) this summary reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  /** Microseconds on the monotonic clock. */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

const IDLE = 'idle (waiting for I/O)';
const GC = 'garbage collector';
const SPECIAL = new Map([
  ['(idle)', IDLE],
  ['(garbage collector)', GC],
  ['(program)', 'V8 / native, unattributed'],
  ['(root)', '(root)'],
]);

/**
 * Script functions whose self time is really native work: V8 charges a C++ addon call
 * (better-sqlite3) to the script frame that made it, so these frames stand for SQLite.
 */
const STATEMENT = 'SQLite: statements (run/all)';
const NATIVE_CALLERS: { url: string; fn: string; area: string }[] = [
  { url: 'kysely/dist/esm/dialect/sqlite/sqlite-driver.js', fn: 'executeQuery', area: STATEMENT },
  { url: 'better-sqlite3/lib/methods/wrappers.js', fn: 'prepare', area: 'SQLite: statement prepare' },
  { url: 'better-sqlite3/lib/methods/transaction.js', fn: '', area: STATEMENT },
];

/** Which package or part of the tree a script URL belongs to. */
function areaOfUrl(url: string): string {
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const [a, b] = u.slice(nm + '/node_modules/'.length).split('/');
    return a?.startsWith('@') ? `${a}/${b}` : (a ?? u);
  }
  const pkg = /\/packages\/([^/]+)\//.exec(u);
  if (pkg) return `@kefu/${pkg[1]}`;
  const app = /\/apps\/([^/]+)\//.exec(u);
  if (app) return `apps/${app[1]}`;
  if (u.startsWith('node:')) return 'node core';
  return u;
}

const shortUrl = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*?\/(packages|apps)\//, '$1/');

/**
 * Where the profiled process spent its CPU during `window` (all of it when absent):
 * self time by area (package), time under each area (inclusive), hottest functions.
 * Native code (no script URL) is charged to the area of the script that called it.
 */
export function profileReport(
  profile: CpuProfile,
  title: string,
  window?: { startUs: number; endUs: number },
  top = 18,
): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const areaMemo = new Map<number, string>();
  const area = (id: number): string => {
    const hit = areaMemo.get(id);
    if (hit !== undefined) return hit;
    const { functionName, url } = byId.get(id)!.callFrame;
    let a: string;
    const native = NATIVE_CALLERS.find((c) => url.endsWith(c.url) && (!c.fn || c.fn === functionName));
    if (SPECIAL.has(functionName)) a = SPECIAL.get(functionName)!;
    else if (native) a = native.area === STATEMENT ? statementKind(id) : native.area;
    else if (url) a = areaOfUrl(url);
    else {
      const p = parent.get(id);
      a = `${p === undefined ? '?' : area(p).replace(/ → native$/, '')} → native`;
    }
    areaMemo.set(id, a);
    return a;
  };
  /** A statement run inside kysely's commit/begin is the transaction boundary itself. */
  const statementKind = (id: number): string => {
    for (let n = parent.get(id), depth = 0; n !== undefined && depth < 6; n = parent.get(n), depth++) {
      const f = byId.get(n)!.callFrame.functionName;
      if (f === 'commitTransaction') return 'SQLite: COMMIT (WAL append)';
      if (f === 'beginTransaction') return 'SQLite: BEGIN';
      if (f === 'rollbackTransaction') return 'SQLite: ROLLBACK';
    }
    return STATEMENT;
  };
  const fnName = (id: number) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = functionName || '(anonymous)';
    if (!url) return `${name} [native, in ${area(id).replace(' → native', '')}]`;
    return `${name} ${shortUrl(url)}:${lineNumber + 1}`;
  };

  const selfByArea = new Map<string, number>();
  const underArea = new Map<string, number>();
  const selfByFn = new Map<string, number>();
  const underFn = new Map<string, number>();
  let total = 0;
  let t = profile.startTime;
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (window && (t < window.startUs || t >= window.endUs)) continue;
    const id = profile.samples[i]!;
    total += dt;
    add(selfByArea, area(id), dt);
    add(selfByFn, fnName(id), dt);
    const areas = new Set<string>();
    const fns = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      areas.add(area(n).replace(/ → native$/, ''));
      const { functionName } = byId.get(n)!.callFrame;
      if (!SPECIAL.has(functionName) && !GENERIC.has(functionName)) fns.add(fnName(n));
    }
    for (const a of areas) add(underArea, a, dt);
    for (const f of fns) add(underFn, f, dt);
  }
  if (total === 0) return `${title}: no samples in the window`;

  const idle = selfByArea.get(IDLE) ?? 0;
  const gc = selfByArea.get(GC) ?? 0;
  const busy = total - idle;
  const ms = (us: number) => (us / 1000).toFixed(0);
  const rows = (m: Map<string, number>, base: number, skip: (k: string) => boolean = () => false) =>
    [...m.entries()]
      .filter(([k]) => !skip(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => [k, ms(v), fmtPct(v / base)]);
  const notIdle = (k: string) => k === IDLE || k === '(root)';
  return [
    `### ${title}: ${(total / 1e6).toFixed(1)} s sampled, busy ${fmtPct(busy / total)} of one core ` +
      `(idle ${fmtPct(idle / total)}, GC ${fmtPct(gc / total)} = ${fmtPct(gc / busy)} of busy)`,
    'Self time by area (% of busy time; native code is charged to its caller):',
    table(['area', 'ms', '%'], rows(selfByArea, busy, notIdle)),
    'Time under each area (inclusive: the area or anything it called is on the stack):',
    table(['area', 'ms', '%'], rows(underArea, busy, notIdle)),
    'Hottest functions, self time:',
    table(
      ['function', 'ms', '%'],
      rows(selfByFn, busy, (k) => k.startsWith('(idle)')),
    ),
    'Hottest functions, inclusive (synchronous stacks only: awaits cut them):',
    table(['function', 'ms', '%'], rows(underFn, busy)),
  ].join('\n');
}

/** Frames on nearly every stack that say nothing about where the time goes. */
const GENERIC = new Set([
  'processTicksAndRejections',
  'runMicrotasks',
  'emit',
  'listOnTimeout',
  'processTimers',
]);
