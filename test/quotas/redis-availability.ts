/**
 * @module test/quotas/redis-availability
 * Whether the test Redis answers. If it does not, the Redis suites FAIL, loudly, unless
 * TOLLGATE_SKIP_REDIS=1 says skipping is intended — and even then a warning says what was skipped.
 * A silent skip would let the Redis backend rot unnoticed.
 */
import { Redis } from 'ioredis';

export const testRedisUrl = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function redisAnswers(url = testRedisUrl): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Resolves to true when Redis tests should run; throws when Redis is missing and skipping was not asked for. */
export async function requireRedis(suite: string): Promise<boolean> {
  if (await redisAnswers()) return true;
  if (process.env.TOLLGATE_SKIP_REDIS === '1') {
    console.warn(`\n[WARNING] ${suite}: SKIPPED — nothing answers at ${testRedisUrl} and TOLLGATE_SKIP_REDIS=1 is set.\n`);
    return false;
  }
  throw new Error(
    `${suite}: nothing answers at ${testRedisUrl}. Start Redis (redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no), ` +
      'point TOLLGATE_TEST_REDIS_URL at one, or set TOLLGATE_SKIP_REDIS=1 to skip these tests on purpose.',
  );
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(prefix: string, url = testRedisUrl): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) deleted += await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return deleted;
}

/** Every key under `prefix` with its TTL in ms (-1: none). */
export async function keysWithTtl(prefix: string, url = testRedisUrl): Promise<Map<string, number>> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  const result = new Map<string, number>();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      for (const key of keys) result.set(key, await client.pttl(key));
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return result;
}
