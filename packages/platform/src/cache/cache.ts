/**
 * Short-lived shared state: memory in embedded mode, Redis in a cluster so that every
 * node sees the same values (sessions, throttles, shared counters).
 */
export interface Cache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Adds one to a counter that lives `ttlMs` from its first increment; returns the new count. */
  increment(key: string, ttlMs: number): Promise<number>;
  close(): Promise<void>;
}
