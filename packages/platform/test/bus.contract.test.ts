import { setTimeout as sleep } from 'node:timers/promises';
import type { DomainEvent } from '@kefu/contracts';
import type { EventBus } from '@kefu/platform';
import { describeEachBus } from '@kefu/testing';
import { expect, it, vi } from 'vitest';

/** A realistic event, numbered so order and identity can be checked after a round trip. */
function event(n: number, tenantId = 'tenant-a'): DomainEvent {
  return {
    type: 'message.created',
    tenantId,
    customerId: 'customer-1',
    message: {
      id: `m-${n}`,
      conversationId: 'c-1',
      sender: 'customer',
      senderId: 'customer-1',
      type: 'text',
      text: `第${n}条 message`,
      payload: n % 2 === 0 ? { order: `E${n}`, items: [1, 2] } : null,
      intent: null,
      replyTo: null,
      idempotencyKey: `k-${n}`,
      createdAt: 1_767_225_600_000 + n,
    },
  };
}

const numbers = (events: DomainEvent[]) =>
  events.map((e) => (e.type === 'message.created' ? Number(e.message.id.slice(2)) : -1));

function listen(bus: EventBus): { events: DomainEvent[]; stop: () => void } {
  const events: DomainEvent[] = [];
  const stop = bus.subscribe((e) => events.push(e));
  return { events, stop };
}

/**
 * Runs `fn` with uncaught exceptions captured instead of reaching the test runner, and
 * returns them: the process would otherwise die (outside tests) or the run be failed.
 */
async function withUncaughtTrapped(fn: () => Promise<void>): Promise<unknown[]> {
  const uncaught: unknown[] = [];
  const runnerListeners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const trap = (err: unknown) => uncaught.push(err);
  process.on('uncaughtException', trap);
  try {
    await fn();
    await sleep(20);
  } finally {
    process.off('uncaughtException', trap);
    for (const l of runnerListeners) process.on('uncaughtException', l);
  }
  return uncaught;
}

const arrived = (events: DomainEvent[], count: number) =>
  vi.waitFor(() => expect(events).toHaveLength(count), { timeout: 3000, interval: 5 });

describeEachBus('event bus contract', (ctx) => {
  it('delivers each event intact, in the order published', async () => {
    const heard = listen(ctx.bus);
    for (let n = 0; n < 30; n++) await ctx.bus.publish(event(n));
    await arrived(heard.events, 30);
    expect(numbers(heard.events)).toEqual([...Array(30).keys()]);
    expect(heard.events[4]).toEqual(event(4));
  });

  it('keeps publish order when the publisher does not wait between events', async () => {
    // The conversation service fires events without awaiting: customer message, bot reply, state change.
    const heard = listen(ctx.bus);
    const published = [...Array(50).keys()].map((n) => ctx.bus.publish(event(n)));
    await Promise.all(published);
    await arrived(heard.events, 50);
    expect(numbers(heard.events)).toEqual([...Array(50).keys()]);
  });

  it('delivers every event to every subscriber', async () => {
    const listeners = [listen(ctx.bus), listen(ctx.bus), listen(ctx.bus)];
    for (let n = 0; n < 10; n++) await ctx.bus.publish(event(n));
    for (const l of listeners) {
      await arrived(l.events, 10);
      expect(numbers(l.events)).toEqual([...Array(10).keys()]);
    }
  });

  it('stops delivering to a handler once it unsubscribes', async () => {
    const stays = listen(ctx.bus);
    const leaves = listen(ctx.bus);
    await ctx.bus.publish(event(1));
    await arrived(leaves.events, 1);

    leaves.stop();
    leaves.stop(); // a second call is harmless
    await ctx.bus.publish(event(2));
    await ctx.bus.publish(event(3));
    await arrived(stays.events, 3);
    expect(numbers(leaves.events)).toEqual([1]);
  });

  it('a handler that throws does not stop the others from hearing the event', async () => {
    await withUncaughtTrapped(async () => {
      const before = listen(ctx.bus);
      ctx.bus.subscribe(() => {
        throw new Error('a broken listener');
      });
      const after = listen(ctx.bus);
      for (let n = 0; n < 3; n++) await ctx.bus.publish(event(n));
      await arrived(before.events, 3);
      await arrived(after.events, 3);
      expect(numbers(after.events)).toEqual([0, 1, 2]);
    });
    // Each failure is reported to the bus's error handler (the server logs it).
    expect(ctx.listenerErrors.map((e) => String(e.error))).toEqual(Array(3).fill('Error: a broken listener'));
  });

  it("a handler's error does not escape as an uncaught exception (which ends a Node server)", async () => {
    const uncaught = await withUncaughtTrapped(async () => {
      const heard = listen(ctx.bus);
      ctx.bus.subscribe(() => {
        throw new Error('a broken listener');
      });
      await ctx.bus.publish(event(1));
      await arrived(heard.events, 1);
      await sleep(20);
    });
    expect(uncaught.map(String)).toEqual([]);
  });

  if (ctx.kind === 'redis') {
    it('every node hears an event published on any node, its own included', async () => {
      const nodeB = await ctx.node();
      const onA = listen(ctx.bus);
      const onB = listen(nodeB);
      await ctx.bus.publish(event(1));
      await nodeB.publish(event(2));
      await arrived(onA.events, 2);
      await arrived(onB.events, 2);
      expect(numbers(onA.events)).toEqual([1, 2]);
      expect(numbers(onB.events)).toEqual([1, 2]);
      expect(onB.events[0]).toEqual(event(1));
    });

    it('a closed node hears nothing more and the others carry on', async () => {
      const nodeB = await ctx.node();
      const onA = listen(ctx.bus);
      const onB = listen(nodeB);
      await nodeB.close();
      await ctx.bus.publish(event(1));
      await arrived(onA.events, 1);
      await sleep(50);
      expect(onB.events).toEqual([]);
    });
  }
});
