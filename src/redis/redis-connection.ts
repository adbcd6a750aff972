/**
 * @module redis/redis-connection
 * The one way Tollgate opens a Redis connection, to a single server (`redis.url`) or to a Redis
 * Cluster (`redis.cluster`), for every user: quota counters, change notices, cluster job leases
 * and the response cache. Callers get an ioredis `Redis` or `Cluster`; both take the same commands,
 * `defineCommand` scripts and pub/sub, so code above this file does not ask which it has.
 *
 * Connections fail fast by default: no offline queue (a command while disconnected fails at once),
 * short connect and command timeouts, no re-send of a command after a reconnect (a quota script
 * replayed would charge twice), and a reconnect in the background at most every 2 s. A subscriber
 * asks for `subscriber: true`: no command timeout (it waits for messages) and its channels are
 * subscribed again after a reconnect.
 *
 * On a cluster, every command names keys of one hash slot or fails with CROSSSLOT: quota keys carry
 * their tenant's hash tag (`quotas/counter-plan.ts`), job leases one tag each.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisTarget } from './redis-url.js';

export type RedisConnection = Redis | Cluster;
export type { RedisTarget } from './redis-url.js';

export interface RedisConnectionOptions {
  /** Connect on the first command (or an explicit `connect()`); true by default. */
  lazyConnect?: boolean;
  /** How long opening a connection may take; 500 ms by default. */
  connectTimeoutMs?: number;
  /** How long a command may take before it fails; 500 ms by default (none for subscribers). */
  commandTimeoutMs?: number;
  /** A connection that only subscribes: no command timeout, channels re-subscribed after a reconnect. */
  subscriber?: boolean;
  /** Send commands issued in the same tick as one pipeline (quota reservations of concurrent calls). */
  autoPipelining?: boolean;
}

const maxReconnectDelayMs = 2_000;

export function createRedisConnection(target: RedisTarget, options: RedisConnectionOptions = {}): RedisConnection {
  const common: RedisOptions = {
    lazyConnect: options.lazyConnect ?? true,
    enableOfflineQueue: false,
    connectTimeout: options.connectTimeoutMs ?? 500,
    commandTimeout: options.subscriber ? undefined : (options.commandTimeoutMs ?? 500),
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: true,
    enableAutoPipelining: options.autoPipelining ?? false,
    retryStrategy: (attempt) => Math.min(attempt * 100, maxReconnectDelayMs),
  };
  if (target.cluster) return new Cluster(target.cluster.map(clusterNode), clusterOptions(target.cluster[0], common));
  if (!target.url) throw new Error('redis: neither `url` nor `cluster` is set');
  return new Redis(target.url, common);
}

function clusterOptions(firstUrl: string, common: RedisOptions): ClusterOptions {
  const { username, password, tls } = connectionSettings(firstUrl);
  return {
    lazyConnect: common.lazyConnect,
    enableOfflineQueue: false,
    enableAutoPipelining: common.enableAutoPipelining,
    // A node that moved or failed over answers MOVED/ASK: follow it a few times, quickly.
    maxRedirections: 4,
    retryDelayOnMoved: 0,
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    slotsRefreshTimeout: common.connectTimeout,
    clusterRetryStrategy: (attempt) => Math.min(attempt * 100, maxReconnectDelayMs),
    // Reads go to masters: a replica may lag behind the counter a reservation just wrote.
    scaleReads: 'master',
    redisOptions: {
      connectTimeout: common.connectTimeout,
      commandTimeout: common.commandTimeout,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      autoResubscribe: true,
      username,
      password,
      tls,
    },
  };
}

function clusterNode(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 6379) };
}

function connectionSettings(url: string): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const parsed = new URL(url);
  return {
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
  };
}
