import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Children still alive; every one is SIGKILLed when the bench process ends, however it ends. */
const live = new Set<ChildProcess>();
let cleanupInstalled = false;

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAllChildren();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

export function killAllChildren(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

/** A child process with its recent output kept for error messages. */
export class Child {
  private output = '';
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-16_000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        live.delete(proc);
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** The recent stdout + stderr of the child. */
  get log(): string {
    return this.output;
  }

  /** Resolves with the first match of `pattern` in the child's output; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(this.output);
        if (!m) return false;
        done();
        resolve(m);
        return true;
      };
      const onData = () => check();
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        done();
        reject(
          new Error(`${this.name} exited (${signal ?? code}) before printing ${pattern}:\n${this.output}`),
        );
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.proc.stdout?.off('data', onData);
        this.proc.stderr?.off('data', onData);
        this.proc.off('exit', onExit);
      };
      this.proc.stdout?.on('data', onData);
      this.proc.stderr?.on('data', onData);
      this.proc.once('exit', onExit);
      if (!this.alive) onExit(this.proc.exitCode, this.proc.signalCode);
      else check();
    });
  }

  /** CPU seconds (user + system) the child has used so far, from /proc. */
  cpuSeconds(): number {
    return processCpuSeconds(this.pid);
  }

  io(): IoCounters {
    return processIo(this.pid);
  }

  /** SIGTERM, then SIGKILL after `graceMs` (a CPU profile is written only on a clean exit). */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.alive) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  async kill(): Promise<void> {
    if (this.alive) this.proc.kill('SIGKILL');
    await this.exited;
  }
}

/** util-linux's setpriv, to have the kernel kill a child whose parent dies (even by SIGKILL). */
const SETPRIV = '/usr/bin/setpriv';

export function spawnChild(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Child {
  installCleanup();
  // setpriv execs the command in place, so the pid (and its /proc CPU counters) is the child's own.
  const [cmd, argv] = existsSync(SETPRIV)
    ? [SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args]]
    : [command, args];
  const proc = spawn(cmd, argv, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  return new Child(name, proc);
}

let clockTicks: number | undefined;

/** User + system CPU seconds of a process, read from /proc/PID/stat. */
export function processCpuSeconds(pid: number): number {
  clockTicks ??= (() => {
    try {
      return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      return 100;
    }
  })();
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

export interface IoCounters {
  /** Bytes passed to write-like system calls (files and sockets). */
  wchar: number;
  /** Write-like system calls. */
  syscw: number;
  /** Bytes the process caused to be written to storage (page cache dirtied for files). */
  writeBytes: number;
}

/** A process's I/O counters from /proc/PID/io (zeros where unreadable). */
export function processIo(pid: number): IoCounters {
  try {
    const fields = new Map(
      readFileSync(`/proc/${pid}/io`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(': ') as [string, string]),
    );
    return {
      wchar: Number(fields.get('wchar')),
      syscw: Number(fields.get('syscw')),
      writeBytes: Number(fields.get('write_bytes')),
    };
  } catch {
    return { wchar: Number.NaN, syscw: Number.NaN, writeBytes: Number.NaN };
  }
}

/** The soft and hard limits on open files of this process. */
function fdLimits(): { soft: number; hard: number } {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = (line ?? '')
      .replace('Max open files', '')
      .trim()
      .split(/\s+/)
      .map((v) => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v)));
    if (soft !== undefined && hard !== undefined && !Number.isNaN(soft)) return { soft, hard };
  } catch {
    // not Linux: assume it is enough
  }
  return { soft: Number.POSITIVE_INFINITY, hard: Number.POSITIVE_INFINITY };
}

/**
 * Fails early, with what to do, when this process may not open `needed` files. (Node
 * already raises its soft limit to the hard one at start-up, so only the hard limit,
 * which children inherit too, can be short; raising it takes root or limits.conf.)
 */
export function assertFdLimit(needed: number): void {
  const { soft, hard } = fdLimits();
  if (soft >= needed) return;
  throw new Error(
    `This bench needs ${needed} open files but the limit is ${soft} (hard ${hard}); raise it ` +
      `(\`ulimit -Hn ${needed}\` as root, or nofile in /etc/security/limits.conf) or use fewer --sockets`,
  );
}
