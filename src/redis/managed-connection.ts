/**
 * @module redis/managed-connection
 * One fail-fast Redis connection (a server or a cluster) with what every request-path user of
 * Redis needs around it — quota counters, the response cache, idempotency records: a bounded wait
 * for a connection being opened (a command while Redis is away fails at once, never hangs a
 * request), the last connection error for `/readyz` and the start-up warning, and a connection
 * warning logged at most every 10 s. The fail-fast settings themselves (no offline queue, no
 * re-send after a reconnect, reconnects at most every 2 s) are in `redis-connection.ts`.
 */
import { Cluster } from 'ioredis';
import { createRedisConnection, type RedisConnection, type RedisTarget } from './redis-connection.js';
import { ThrottledWarning } from '../quotas/throttled-warning.js';

export interface ManagedRedisConnectionOptions {
  /** One server (`url`) or a cluster (`cluster`), as configured under `redis`. */
  target: RedisTarget;
  /** Named in the throttled connection warning, e.g. `quota` → "quota Redis connection error". */
  purpose: string;
  /** How long a command waits for a connection being opened; 500 ms by default. */
  connectTimeoutMs?: number;
  /** How long a command may take before it fails (`redis.commandTimeoutMs`); 500 ms by default. */
  commandTimeoutMs?: number;
  /** Send the commands of one tick as one pipeline (below); true by default. */
  autoPipelining?: boolean;
}

export class ManagedRedisConnection {
  readonly redis: RedisConnection;
  private readonly connectTimeoutMs: number;
  private readonly connectionWarning: ThrottledWarning;
  private pendingReady: Promise<void> | undefined;
  private closed = false;
  /** The last connection error, until the connection is ready again. */
  lastError: string | undefined;

  constructor(options: ManagedRedisConnectionOptions) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 500;
    this.connectionWarning = new ThrottledWarning(`${options.purpose} Redis connection error`);
    // Commands issued in the same tick (reservations and settlements of concurrent calls) go out
    // as one pipeline: one socket write and one read for many calls instead of one each. Each
    // command keeps its own reply and error, and none is ever re-sent.
    this.redis = createRedisConnection(options.target, {
      connectTimeoutMs: this.connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
      autoPipelining: options.autoPipelining ?? true,
    });
    // Without a listener ioredis prints every connection error to the console.
    this.redis.on('error', (error: Error) => {
      this.lastError = error.message;
      this.connectionWarning.warn({ error: error.message });
    });
    this.redis.on('ready', () => (this.lastError = undefined));
  }

  /**
   * Resolves when commands can be sent. Waits (bounded) only while a connection is being opened;
   * while Redis is away and ioredis is between reconnect attempts, fails at once.
   */
  async ready(): Promise<void> {
    if (this.closed) throw new Error('the Redis connection is closed');
    const status = this.redis.status;
    if (status === 'ready') return;
    if (status === 'wait') this.redis.connect().catch(() => undefined); // failures arrive as 'error'/'close' events
    if (status === 'wait' || status === 'connecting' || status === 'connect') {
      this.pendingReady ??= this.waitForReady().finally(() => (this.pendingReady = undefined));
      return this.pendingReady;
    }
    throw new Error(`Redis is unavailable (connection ${status})`);
  }

  /**
   * For readiness: rejects while Redis cannot serve keys. One PING on a server; on a cluster,
   * CLUSTER INFO from one node, since a cluster that lost a master with no replica to take over
   * still answers PING on every node while refusing every key command (CLUSTERDOWN).
   */
  async ping(): Promise<void> {
    await this.ready();
    if (!(this.redis instanceof Cluster)) {
      await this.redis.ping();
      return;
    }
    const state = /cluster_state:(\w+)/.exec(String(await this.redis.cluster('INFO')))?.[1];
    if (state !== 'ok') throw new Error(`Redis Cluster cannot serve every slot (cluster_state:${state ?? 'unknown'})`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // QUIT on a connection that is not up would (re)connect first; drop it instead.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  /** One shared wait, so a burst of requests adds one listener pair, not hundreds. */
  private waitForReady(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        this.redis.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onReady = () => finish();
      const onClose = () => finish(new Error('Redis connection closed while connecting'));
      const timer = setTimeout(() => finish(new Error(`Redis not ready within ${this.connectTimeoutMs} ms`)), this.connectTimeoutMs);
      this.redis.once('ready', onReady);
      this.redis.once('close', onClose);
    });
  }
}
