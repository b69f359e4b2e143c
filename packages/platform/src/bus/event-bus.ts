import type { DomainEvent } from '@kefu/contracts';

export type EventHandler = (event: DomainEvent) => void;
export type ListenerErrorHandler = (err: unknown, event: DomainEvent) => void;

/**
 * Fan-out of domain events. The in-process bus serves one node; the Redis bus delivers
 * every event to every node (including the one that published it), so listeners are
 * written once and work in both modes.
 */
export interface EventBus {
  publish(event: DomainEvent): Promise<void>;
  /** Returns a function that removes the handler. */
  subscribe(handler: EventHandler): () => void;
  close(): Promise<void>;
}
