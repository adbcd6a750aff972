/**
 * @module cache
 * The response cache: exact-match chat answers (`response-cache.ts`, used by `calls/chat-call.ts`)
 * and REST GET answers by HTTP caching rules (`http-cache.ts`), in one store — an LRU in process
 * bounded in bytes, or Redis when configured — with hit ratios per model and service for
 * `GET /admin/cache`. The only way in.
 */
import type { CacheConfig, ModelConfig } from '../../schemas/config.js';
import type { ManagedRedisConnection } from '../redis/managed-connection.js';
import { MemoryCacheStore, RedisCacheStore } from './cache-store.js';
import { HttpResponseCache } from './http-cache.js';
import { ResponseCache } from './response-cache.js';

export { ResponseCache, type ChatCacheTicket } from './response-cache.js';
export { HttpResponseCache, matchesEtag, type HttpCacheRequest, type HttpCacheResponse, type HttpCacheScope } from './http-cache.js';
export { cachedAnswerParts, ChatAnswerAssembler, type CachedChatAnswer } from './cached-chat-answer.js';
export type { CacheRatio } from './cache-stats.js';
export type { CacheStore } from './cache-store.js';

export interface Caches {
  chat: ResponseCache;
  http: HttpResponseCache;
}

/** Both caches on one store: Redis when a connection is given, else this process's LRU. */
export function createCaches(config: CacheConfig, models: Record<string, ModelConfig>, redis?: { connection: ManagedRedisConnection; keyPrefix: string }): Caches {
  const store = redis ? new RedisCacheStore(redis.connection, redis.keyPrefix) : new MemoryCacheStore(config.maxBytes);
  const chat = new ResponseCache(store, config, models);
  return { chat, http: new HttpResponseCache(store, chat.stats, config.maxEntryBytes) };
}
