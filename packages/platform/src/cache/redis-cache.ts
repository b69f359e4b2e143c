import { Redis } from 'ioredis';
import type { Cache } from './cache.ts';

export class RedisCache implements Cache {
  private readonly redis: Redis;

  constructor(url: string, prefix = 'kefu:cache:') {
    this.redis = new Redis(url, { keyPrefix: prefix, maxRetriesPerRequest: 3 });
  }

  async get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(key, value, 'PX', ttlMs);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(key);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    // NX keeps the window fixed from the first increment, like the memory cache.
    const [[, count]] = (await this.redis.multi().incr(key).pexpire(key, ttlMs, 'NX').exec()) as [
      [Error | null, number],
    ];
    return count;
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
