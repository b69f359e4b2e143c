import type { DomainEvent } from '@kefu/contracts';
import { Redis } from 'ioredis';
import type { EventBus, EventHandler, ListenerErrorHandler } from './event-bus.ts';
import { deliver, reportToStderr } from './memory-bus.ts';

/**
 * Redis pub/sub bus for cluster mode: one publishing connection and one subscribed
 * connection per node. Every node receives every event, including its own.
 */
export class RedisBus implements EventBus {
  private readonly handlers = new Set<EventHandler>();
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly ready: Promise<unknown>;

  constructor(
    url: string,
    private readonly channel = 'kefu:events',
    onListenerError: ListenerErrorHandler = reportToStderr,
  ) {
    this.pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.sub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.sub.on('message', (_channel: string, raw: string) =>
      deliver(this.handlers, JSON.parse(raw) as DomainEvent, onListenerError),
    );
    this.ready = this.sub.subscribe(this.channel);
  }

  async publish(event: DomainEvent): Promise<void> {
    await this.ready;
    await this.pub.publish(this.channel, JSON.stringify(event));
  }

  subscribe(handler: EventHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Resolves once this node is subscribed and will hear every later event. */
  async whenReady(): Promise<void> {
    await this.ready;
  }

  async close(): Promise<void> {
    this.handlers.clear();
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
  }
}
