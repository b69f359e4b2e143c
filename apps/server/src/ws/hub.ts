import type { DomainEvent, ServerFrame } from '@kefu/contracts';
import type { EventBus } from '@kefu/platform';
import type { WebSocket } from 'ws';

/** A socket whose peer reads too slowly is dropped rather than allowed to hoard memory. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * The realtime push listener: keeps this node's open sockets and forwards bus events to
 * them. Agents hear everything in their tenant; a shopper hears the replies and state
 * of their own conversations. Each event is serialised once, whatever the fan-out.
 */
export class RealtimeHub {
  private readonly agents = new Map<string, Set<WebSocket>>();
  private readonly customers = new Map<string, Set<WebSocket>>();
  private readonly unsubscribe: () => void;

  constructor(bus: EventBus) {
    this.unsubscribe = bus.subscribe((event) => this.onEvent(event));
  }

  addAgent(tenantId: string, socket: WebSocket): () => void {
    return add(this.agents, tenantId, socket);
  }

  addCustomer(tenantId: string, customerId: string, socket: WebSocket): () => void {
    return add(this.customers, `${tenantId}:${customerId}`, socket);
  }

  /** Every socket this node holds, for shutdown. */
  *sockets(): Iterable<WebSocket> {
    for (const group of [this.agents, this.customers]) for (const set of group.values()) yield* set;
  }

  close(): void {
    this.unsubscribe();
  }

  private onEvent(event: DomainEvent): void {
    const agents = this.agents.get(event.tenantId);
    if (event.type === 'message.created') {
      const frame = encode({ type: 'message', message: event.message });
      if (agents) broadcast(agents, frame);
      // The shopper's own messages are acknowledged to them; only the other side's are pushed.
      if (event.message.sender !== 'customer') {
        const own = this.customers.get(`${event.tenantId}:${event.customerId}`);
        if (own) broadcast(own, frame);
      }
      return;
    }
    if (event.type === 'nlu.model_changed') return;
    const frame = encode({ type: 'conversation', conversation: event.conversation });
    if (agents) broadcast(agents, frame);
    const own = this.customers.get(`${event.tenantId}:${event.conversation.customerId}`);
    if (own) broadcast(own, frame);
  }
}

export const encode = (frame: ServerFrame): string => JSON.stringify(frame);

export function send(socket: WebSocket, frame: string): void {
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    socket.close(1013, 'reading too slowly');
    return;
  }
  cork(socket);
  socket.send(frame);
}

interface RawSocket {
  cork(): void;
  uncork(): void;
}
const corked = new Set<RawSocket>();

/**
 * Frames sent to one socket in the same turn of the event loop (an agent hears a whole
 * batch of shopper messages at once) leave in one write instead of one system call each.
 */
function cork(socket: WebSocket): void {
  const raw = (socket as unknown as { _socket?: RawSocket })._socket;
  if (!raw || corked.has(raw)) return;
  if (corked.size === 0) process.nextTick(uncorkAll);
  raw.cork();
  corked.add(raw);
}

function uncorkAll(): void {
  for (const raw of corked) raw.uncork();
  corked.clear();
}

function broadcast(sockets: Set<WebSocket>, frame: string): void {
  for (const s of sockets) send(s, frame);
}

function add(map: Map<string, Set<WebSocket>>, key: string, socket: WebSocket): () => void {
  const set = map.get(key) ?? new Set<WebSocket>();
  map.set(key, set);
  set.add(socket);
  return () => {
    set.delete(socket);
    if (set.size === 0) map.delete(key);
  };
}
