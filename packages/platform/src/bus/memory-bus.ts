import type { DomainEvent } from '@kefu/contracts';
import type { EventBus, EventHandler } from './event-bus.ts';

/** Single-process bus. Delivery is asynchronous (a microtask) like the Redis one. */
export class MemoryBus implements EventBus {
  private readonly handlers = new Set<EventHandler>();

  async publish(event: DomainEvent): Promise<void> {
    queueMicrotask(() => deliver(this.handlers, event));
  }

  subscribe(handler: EventHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

/** A failing listener must not stop the others from hearing the event. */
export function deliver(handlers: Iterable<EventHandler>, event: DomainEvent): void {
  for (const h of handlers) {
    try {
      h(event);
    } catch (err) {
      queueMicrotask(() => {
        throw err;
      });
    }
  }
}
