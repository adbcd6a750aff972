/**
 * @module cache/cache-store
 * Where cached answers live: an LRU in this process bounded in bytes (`cache.maxBytes`), or Redis
 * when configured, shared by every gateway using it. Values are text (JSON); each carries its own
 * time to live. A store that fails (Redis down) is a miss, never a failed call.
 */
import { LRUCache } from 'lru-cache';
import type { ManagedRedisConnection } from '../redis/managed-connection.js';

export interface CacheStore {
  readonly backend: 'memory' | 'redis';
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Entries and bytes held, when the store knows them cheaply (in process). */
  size?(): { entries: number; bytes: number };
}

export class MemoryCacheStore implements CacheStore {
  readonly backend = 'memory';
  private readonly entries: LRUCache<string, string>;

  constructor(maxBytes: number) {
    // A string's length is close to its bytes for JSON, most of which is ASCII.
    this.entries = new LRUCache<string, string>({ maxSize: maxBytes, sizeCalculation: (value, key) => value.length + key.length });
  }

  async get(key: string): Promise<string | undefined> {
    return this.entries.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, value, { ttl: ttlMs });
  }

  size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.entries.calculatedSize };
  }
}

/** Keys are `${redis.keyPrefix}cache:<kind>:<tenant>:<hash>`. */
export class RedisCacheStore implements CacheStore {
  readonly backend = 'redis';

  constructor(
    private readonly connection: ManagedRedisConnection,
    private readonly keyPrefix: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    await this.connection.ready();
    return (await this.connection.redis.get(`${this.keyPrefix}cache:${key}`)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.connection.ready();
    await this.connection.redis.set(`${this.keyPrefix}cache:${key}`, value, 'PX', ttlMs);
  }
}
