import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics served at /metrics; one registry per server so tests can run several. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'kefu_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly openSockets = new Gauge({
    name: 'kefu_websocket_open',
    help: 'Open WebSocket connections by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly messages = new Counter({
    name: 'kefu_messages_total',
    help: 'Messages stored, by sender',
    labelNames: ['sender'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'kefu_' });
    for (const kind of ['customer', 'agent']) this.openSockets.set({ kind }, 0);
  }
}
