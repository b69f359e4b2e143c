import { setTimeout as sleep } from 'node:timers/promises';
import { describeEachCache } from '@kefu/testing';
import { expect, it } from 'vitest';

const MINUTE = 60_000;

describeEachCache('cache contract', (ctx) => {
  it('gets what was set, overwrites, and forgets on delete', async () => {
    const { cache } = ctx;
    expect(await cache.get('session:1')).toBeNull();
    await cache.set('session:1', '{"role":"agent","名":"小王"}', MINUTE);
    expect(await cache.get('session:1')).toBe('{"role":"agent","名":"小王"}');
    await cache.set('session:1', 'v2', MINUTE);
    expect(await cache.get('session:1')).toBe('v2');
    expect(await cache.get('session:2')).toBeNull();

    await cache.delete('session:1');
    expect(await cache.get('session:1')).toBeNull();
    await expect(cache.delete('never-set')).resolves.toBeUndefined();
  });

  it('a value expires after its time to live', async () => {
    const { cache } = ctx;
    await cache.set('short', 'a', 100);
    await cache.set('long', 'b', MINUTE);
    expect(await cache.get('short')).toBe('a');
    await sleep(250);
    expect(await cache.get('short')).toBeNull();
    expect(await cache.get('long')).toBe('b');
  });

  it('setting a value again restarts its time to live', async () => {
    const { cache } = ctx;
    await cache.set('k', 'old', 100);
    await cache.set('k', 'new', MINUTE);
    await sleep(250);
    expect(await cache.get('k')).toBe('new');
  });

  it('increment counts within a window, per key, and the count reads back', async () => {
    const { cache } = ctx;
    expect(await cache.increment('login-fail:a@x', MINUTE)).toBe(1);
    expect(await cache.increment('login-fail:a@x', MINUTE)).toBe(2);
    expect(await cache.increment('login-fail:b@x', MINUTE)).toBe(1);
    expect(await cache.increment('login-fail:a@x', MINUTE)).toBe(3);
    // Readers of throttles (failed logins) read the counter with get().
    expect(await cache.get('login-fail:a@x')).toBe('3');
    await cache.delete('login-fail:a@x');
    expect(await cache.increment('login-fail:a@x', MINUTE)).toBe(1);
  });

  it('concurrent increments are never lost', async () => {
    const counts = await Promise.all([...Array(50)].map(() => ctx.cache.increment('hits', MINUTE)));
    expect(counts.sort((a, b) => a - b)).toEqual([...Array(50).keys()].map((i) => i + 1));
  });

  it('a counter restarts after its window, which runs from the first increment', async () => {
    const { cache } = ctx;
    const window = 400;
    expect(await cache.increment('rate', window)).toBe(1);
    await sleep(200);
    // Still inside the window, and this increment does not extend it.
    expect(await cache.increment('rate', window)).toBe(2);
    await sleep(250);
    expect(await cache.increment('rate', window)).toBe(1);
    expect(await cache.increment('rate', window)).toBe(2);
  });

  if (ctx.kind === 'redis') {
    it('nodes share values, deletions and counters', async () => {
      const a = ctx.cache;
      const b = ctx.node();
      await a.set('principal:x', 'cached', MINUTE);
      expect(await b.get('principal:x')).toBe('cached');
      await b.delete('principal:x');
      expect(await a.get('principal:x')).toBeNull();

      expect(await a.increment('login-fail:c@x', MINUTE)).toBe(1);
      expect(await b.increment('login-fail:c@x', MINUTE)).toBe(2);
      expect(await a.increment('login-fail:c@x', MINUTE)).toBe(3);
    });

    it('an expiry set on one node holds on the others', async () => {
      await ctx.cache.set('short', 'a', 100);
      const b = ctx.node();
      expect(await b.get('short')).toBe('a');
      await sleep(250);
      expect(await b.get('short')).toBeNull();
    });

    it('caches under different prefixes do not see each other', async () => {
      const other = ctx.otherNamespace();
      await ctx.cache.set('k', 'mine', MINUTE);
      expect(await other.get('k')).toBeNull();
      expect(await other.increment('n', MINUTE)).toBe(1);
      expect(await ctx.cache.increment('n', MINUTE)).toBe(1);
    });
  }
});
