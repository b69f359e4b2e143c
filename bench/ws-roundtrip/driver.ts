import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import type { IoCounters } from '../lib/proc.ts';
import { type LatencySummary, summarize } from '../lib/stats.ts';

/**
 * The load generator, the same for every target. A target gives it sending sockets
 * ("lanes") and reports two events per message by idempotency key:
 * - ack: the sender was told the message is done (Kefu: committed; echo: echoed back);
 * - delivery: the message reached its reader (Kefu: the agent socket; echo: the echo).
 * Sending windows count acks; latency is measured to the delivery.
 */
export interface Target {
  readonly label: string;
  readonly lanes: readonly WebSocket[];
  /** The text frame that sends `text` under `key` on a lane. */
  frame(key: string, text: string): string;
  /** CPU seconds the server process has used so far. */
  serverCpuSeconds(): number;
  /** The server process's I/O counters so far. */
  serverIo(): IoCounters;
}

/** What the server wrote per message (acknowledged at saturation, sent at steady load). */
export interface IoPerMessage {
  /** write-like system calls: socket writes, WAL and checkpoint writes. */
  writeCalls: number;
  /** bytes through those calls. */
  bytes: number;
  /** bytes of files dirtied for storage. */
  storageBytes: number;
}

interface InFlight {
  lane: number;
  /** When the message was (meant to be) sent: latency counts from here. */
  t0: number;
  acked: boolean;
  delivered: boolean;
}

/** A span of time on the monotonic clock, in µs (the clock V8 CPU profiles use). */
export interface TimeWindow {
  startUs: number;
  endUs: number;
}

/** Now on the monotonic clock, in µs; comparable across processes of this machine. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

export interface SaturationResult {
  seconds: number;
  window: TimeWindow;
  /** Acknowledged messages per second (Kefu: persisted; echo: round trips). */
  ackedPerSecond: number;
  deliveredPerSecond: number;
  ackLatency: LatencySummary;
  deliveryLatency: LatencySummary;
  serverCpu: number;
  clientCpu: number;
  serverIo: IoPerMessage;
}

export interface SteadyResult {
  window: TimeWindow;
  offeredPerSecond: number;
  sent: number;
  /** How far (ms) sends fell behind the schedule; latency counts from the schedule, so this is in it. */
  scheduleLag: LatencySummary;
  ackLatency: LatencySummary;
  deliveryLatency: LatencySummary;
  serverCpu: number;
  clientCpu: number;
  serverIo: IoPerMessage;
}

type Phase = {
  measuring: boolean;
  acks: number;
  deliveries: number;
  ackLatency: number[];
  deliveryLatency: number[];
  /** Saturation: a lane sends its next message when one is acknowledged. */
  refill?: (lane: number) => void;
};

const TEXT = '请问这件衣服有L码吗？什么时候能发货';

export class Driver {
  private readonly pending = new Map<string, InFlight>();
  private readonly inFlightPerLane: Int32Array;
  private seq = 0;
  private phase: Phase = Driver.idle();
  /** Acks and deliveries of keys this driver never sent (must stay 0). */
  strays = 0;
  /** Every message acknowledged since the start, whatever the phase. */
  totalAcked = 0;

  constructor(private readonly target: Target) {
    this.inFlightPerLane = new Int32Array(target.lanes.length);
  }

  private static idle(): Phase {
    return { measuring: false, acks: 0, deliveries: 0, ackLatency: [], deliveryLatency: [] };
  }

  get inFlight(): number {
    return this.pending.size;
  }

  send(lane: number, t0 = performance.now()): void {
    const key = `b${lane}-${this.seq++}`;
    this.pending.set(key, { lane, t0, acked: false, delivered: false });
    this.inFlightPerLane[lane]!++;
    this.target.lanes[lane]!.send(this.target.frame(key, `${TEXT} #${key}`));
  }

  /** The target calls this when `key` is acknowledged to its sender. */
  onAck(key: string): void {
    const m = this.pending.get(key);
    if (!m || m.acked) {
      this.strays++;
      return;
    }
    const now = performance.now();
    m.acked = true;
    this.totalAcked++;
    this.inFlightPerLane[m.lane]!--;
    const phase = this.phase;
    if (phase.measuring) {
      phase.acks++;
      phase.ackLatency.push(now - m.t0);
    }
    if (m.delivered) this.pending.delete(key);
    phase.refill?.(m.lane);
  }

  /** The target calls this when `key` reaches its reader. */
  onDelivery(key: string): void {
    const m = this.pending.get(key);
    if (!m || m.delivered) {
      this.strays++;
      return;
    }
    m.delivered = true;
    const phase = this.phase;
    if (phase.measuring) {
      phase.deliveries++;
      phase.deliveryLatency.push(performance.now() - m.t0);
    }
    if (m.acked) this.pending.delete(key);
  }

  /** Every lane sends one message; resolves when all are acknowledged and delivered. */
  async warmUp(timeoutMs: number): Promise<void> {
    for (let lane = 0; lane < this.target.lanes.length; lane++) this.send(lane);
    await this.drain(timeoutMs);
  }

  /**
   * Closed loop: each lane keeps `window` messages unacknowledged. Runs `warmMs`
   * unmeasured, then measures `measureMs`, then stops sending and drains.
   */
  async saturate(
    window: number,
    warmMs: number,
    measureMs: number,
    drainMs: number,
  ): Promise<SaturationResult> {
    const phase = Driver.idle();
    let sending = true;
    phase.refill = (lane) => {
      if (sending && this.inFlightPerLane[lane]! < window) this.send(lane);
    };
    this.phase = phase;
    for (let w = 0; w < window; w++)
      for (let lane = 0; lane < this.target.lanes.length; lane++) this.send(lane);
    await sleep(warmMs);
    const cpu = this.cpuMark();
    const t0 = performance.now();
    const startUs = monotonicUs();
    phase.measuring = true;
    await sleep(measureMs);
    phase.measuring = false;
    const span = { startUs, endUs: monotonicUs() };
    const seconds = (performance.now() - t0) / 1000;
    const { serverCpu, clientCpu, io } = cpu.since(seconds);
    sending = false;
    await this.drain(drainMs);
    this.phase = Driver.idle();
    return {
      seconds,
      window: span,
      ackedPerSecond: phase.acks / seconds,
      deliveredPerSecond: phase.deliveries / seconds,
      ackLatency: summarize(phase.ackLatency),
      deliveryLatency: summarize(phase.deliveryLatency),
      serverCpu,
      clientCpu,
      serverIo: io(phase.acks),
    };
  }

  /**
   * Open loop: `rate` messages per second for `durationMs`, round-robin over the lanes,
   * whatever the answers do. Latency counts from each message's scheduled time, so a
   * sender that falls behind does not hide queueing (no coordinated omission).
   */
  async steady(rate: number, durationMs: number, drainMs: number): Promise<SteadyResult> {
    const phase = Driver.idle();
    phase.measuring = true;
    this.phase = phase;
    const total = Math.round((rate * durationMs) / 1000);
    const lanes = this.target.lanes.length;
    const cpu = this.cpuMark();
    const start = performance.now();
    const startUs = monotonicUs();
    let sent = 0;
    const lag: number[] = [];
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
        while (sent < due) {
          const scheduled = start + (sent * 1000) / rate;
          lag.push(now - scheduled);
          this.send(sent % lanes, scheduled);
          sent++;
        }
        if (sent >= total) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(tick, 1);
      tick();
    });
    await this.drain(drainMs);
    const window = { startUs, endUs: monotonicUs() };
    const { serverCpu, clientCpu, io } = cpu.since((performance.now() - start) / 1000);
    this.phase = Driver.idle();
    return {
      window,
      offeredPerSecond: rate,
      sent,
      scheduleLag: summarize(lag),
      ackLatency: summarize(phase.ackLatency),
      deliveryLatency: summarize(phase.deliveryLatency),
      serverCpu,
      clientCpu,
      serverIo: io(sent),
    };
  }

  /** Waits until every message sent is acknowledged and delivered. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.pending.size > 0) {
      if (performance.now() > deadline) {
        let unacked = 0;
        let undelivered = 0;
        for (const m of this.pending.values()) {
          if (!m.acked) unacked++;
          if (!m.delivered) undelivered++;
        }
        throw new Error(
          `${this.target.label}: ${this.pending.size} messages still pending after ${timeoutMs} ms ` +
            `(${unacked} unacknowledged, ${undelivered} undelivered)`,
        );
      }
      await sleep(5);
    }
  }

  /** CPU use of server and client from now (fraction of one core over `seconds`), and server I/O. */
  private cpuMark() {
    const server0 = this.target.serverCpuSeconds();
    const io0 = this.target.serverIo();
    const client0 = process.cpuUsage();
    return {
      since: (seconds: number) => {
        const c = process.cpuUsage(client0);
        const io1 = this.target.serverIo();
        return {
          serverCpu: (this.target.serverCpuSeconds() - server0) / seconds,
          clientCpu: (c.user + c.system) / 1e6 / seconds,
          io: (messages: number): IoPerMessage => ({
            writeCalls: (io1.syscw - io0.syscw) / messages,
            bytes: (io1.wchar - io0.wchar) / messages,
            storageBytes: (io1.writeBytes - io0.writeBytes) / messages,
          }),
        };
      },
    };
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
