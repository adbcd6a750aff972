/**
 * @module coordination/redis-lease
 * A lease in Redis: at most one holder at a time, for a bounded time that the holder renews.
 * Taking it is `SET <lease> <holder>/<token> NX PX <ttl>`; the token comes from a counter beside
 * the lease that only ever grows, so each holding has a larger token than every one before it
 * (a fencing token: work stamped with an older token is work of a holder that lost the lease).
 * Renewing and releasing compare the whole value first, so a holder whose lease expired and was
 * taken by another cannot extend or delete the new holder's.
 *
 * Keys: `<prefix>lease:{<name>}` and `<prefix>lease:{<name>}:token`, one hash tag, so the scripts
 * run on one node of a Redis Cluster.
 */
import type { RedisConnection } from '../redis/redis-connection.js';

const acquireScript = `
local token = tonumber(redis.call('GET', KEYS[2]) or '0') + 1
if not redis.call('SET', KEYS[1], ARGV[1] .. '/' .. token, 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('SET', KEYS[2], token)
return token
`;

const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

interface LeaseCommands {
  leaseAcquire(leaseKey: string, tokenKey: string, holder: string, ttlMs: number): Promise<number>;
  leaseRenew(leaseKey: string, value: string, ttlMs: number): Promise<number>;
  leaseRelease(leaseKey: string, value: string): Promise<number>;
}

/** Where leases are kept; `cluster-jobs.ts` needs only this. */
export interface LeaseStore {
  /** The fencing token when the lease was free and is now this holder's; undefined when someone holds it. */
  acquire(name: string, holder: string, ttlMs: number): Promise<number | undefined>;
  /** Extends the holding; false when it is no longer this holder's (expired, taken). */
  renew(name: string, holder: string, token: number, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string, token: number): Promise<void>;
}

export class RedisLeaseStore implements LeaseStore {
  private readonly redis: RedisConnection & LeaseCommands;

  constructor(
    redis: RedisConnection,
    private readonly keyPrefix: string,
  ) {
    redis.defineCommand('leaseAcquire', { numberOfKeys: 2, lua: acquireScript });
    redis.defineCommand('leaseRenew', { numberOfKeys: 1, lua: renewScript });
    redis.defineCommand('leaseRelease', { numberOfKeys: 1, lua: releaseScript });
    this.redis = redis as RedisConnection & LeaseCommands;
  }

  async acquire(name: string, holder: string, ttlMs: number): Promise<number | undefined> {
    const token = Number(await this.redis.leaseAcquire(this.leaseKey(name), `${this.leaseKey(name)}:token`, holder, ttlMs));
    return token > 0 ? token : undefined;
  }

  async renew(name: string, holder: string, token: number, ttlMs: number): Promise<boolean> {
    return Number(await this.redis.leaseRenew(this.leaseKey(name), `${holder}/${token}`, ttlMs)) === 1;
  }

  async release(name: string, holder: string, token: number): Promise<void> {
    await this.redis.leaseRelease(this.leaseKey(name), `${holder}/${token}`);
  }

  private leaseKey(name: string): string {
    return `${this.keyPrefix}lease:{${name}}`;
  }
}
