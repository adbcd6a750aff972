/**
 * @module redis/redis-url
 * A Redis URL as it may appear in a log or a health answer: without its password (or user name).
 * No ioredis here: the gateway loads it only when Redis is configured (it costs ~10 MB).
 */
import type { RedisConfig } from '../../schemas/config.js';

/** Where Redis is: one server or the seed nodes of a cluster (the parts of `RedisConfig` that say so). */
export type RedisTarget = Pick<RedisConfig, 'url' | 'cluster'>;

export function displayRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hadCredentials = parsed.username !== '' || parsed.password !== '';
    parsed.username = '';
    parsed.password = '';
    return hadCredentials ? `${parsed.toString()} (credentials hidden)` : parsed.toString();
  } catch {
    return 'the configured redis.url (unparsable, not shown)';
  }
}

/** The password in a Redis URL, to register with the log redactor. */
export function redisPassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/** The configured target as it may appear in a log: URLs without credentials. */
export function describeRedisTarget(target: RedisTarget): string {
  return target.cluster ? `cluster ${target.cluster.map(displayRedisUrl).join(', ')}` : displayRedisUrl(target.url ?? '');
}

/** Every configured URL (so that their passwords can be given to the log redactor). */
export function redisTargetUrls(target: RedisTarget): string[] {
  return target.cluster ?? (target.url ? [target.url] : []);
}
