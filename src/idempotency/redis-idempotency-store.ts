/**
 * @module idempotency/redis-idempotency-store
 * Idempotency records in Redis, shared by every gateway using it: a claim is `SET NX` with the
 * claim's TTL, and settling or releasing happens only while the key still holds the owner's own
 * claim (a Lua compare-and-set), so a claimant whose claim expired cannot overwrite a later one.
 * Keys are `${redis.keyPrefix}idem:<tenant>:<sha256 of the Idempotency-Key>`; answers are JSON
 * with the body in base64.
 */
import type { Redis } from 'ioredis';
import type { ManagedRedisConnection } from '../redis/managed-connection.js';
import type { IdempotencyEntry, IdempotencyStore, PendingEntry, SettledEntry } from './idempotency-store.js';

/** Replaces (ARGV[2] with TTL ARGV[3] ms) or deletes (no ARGV[2]) the key only while it holds ARGV[1]. */
const replaceIfHeld = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) else redis.call('DEL', KEYS[1]) end
return 1`;

interface StoreCommands {
  idempotencyReplaceIfHeld(key: string, ...args: Array<string | number>): Promise<number>;
}

export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly redis: Redis & StoreCommands;
  readonly pollMs = 100;

  constructor(
    private readonly connection: ManagedRedisConnection,
    private readonly keyPrefix: string,
  ) {
    connection.redis.defineCommand('idempotencyReplaceIfHeld', { numberOfKeys: 1, lua: replaceIfHeld });
    this.redis = connection.redis as Redis & StoreCommands;
  }

  async claim(key: string, claim: PendingEntry, ttlMs: number): Promise<IdempotencyEntry | undefined> {
    await this.connection.ready();
    const redisKey = this.redisKey(key);
    for (;;) {
      if ((await this.redis.set(redisKey, JSON.stringify(claim), 'PX', ttlMs, 'NX')) === 'OK') return undefined;
      const existing = await this.redis.get(redisKey);
      // Gone between the two commands (it expired or was released): claim again.
      if (existing !== null) return decode(existing);
    }
  }

  async settle(key: string, claim: PendingEntry, outcome: SettledEntry, ttlMs: number): Promise<void> {
    await this.connection.ready();
    await this.redis.idempotencyReplaceIfHeld(this.redisKey(key), JSON.stringify(claim), encode(outcome), ttlMs);
  }

  async release(key: string, claim: PendingEntry): Promise<void> {
    await this.connection.ready();
    await this.redis.idempotencyReplaceIfHeld(this.redisKey(key), JSON.stringify(claim));
  }

  private redisKey(key: string): string {
    return `${this.keyPrefix}idem:${key}`;
  }
}

function encode(entry: SettledEntry): string {
  if (entry.state !== 'done') return JSON.stringify(entry);
  return JSON.stringify({ ...entry, answer: { ...entry.answer, body: Buffer.from(entry.answer.body).toString('base64') } });
}

function decode(text: string): IdempotencyEntry {
  const entry = JSON.parse(text) as IdempotencyEntry;
  if (entry.state === 'done') entry.answer.body = Buffer.from(entry.answer.body as unknown as string, 'base64');
  return entry;
}
