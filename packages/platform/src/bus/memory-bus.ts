import type { DomainEvent } from '@kefu/contracts';
import type { EventBus, EventHandler, ListenerErrorHandler } from './event-bus.ts';

/** Single-process bus. Delivery is asynchronous (a microtask) like the Redis one. */
export class MemoryBus implements EventBus {
  private readonly handlers = new Set<EventHandler>();

  constructor(private readonly onListenerError: ListenerErrorHandler = reportToStderr) {}

  async publish(event: DomainEvent): Promise<void> {
    queueMicrotask(() => deliver(this.handlers, event, this.onListenerError));
  }

  subscribe(handler: EventHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

/**
 * A failing listener must neither stop the others from hearing the event nor crash the
 * process: its error is reported and delivery goes on.
 */
export function deliver(
  handlers: Iterable<EventHandler>,
  event: DomainEvent,
  onError: ListenerErrorHandler,
): void {
  for (const h of handlers) {
    try {
      h(event);
    } catch (err) {
      onError(err, event);
    }
  }
}

export const reportToStderr: ListenerErrorHandler = (err, event) =>
  console.error(`event listener failed on ${event.type}:`, err);
