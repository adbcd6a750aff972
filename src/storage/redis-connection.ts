/**
 * @module storage/redis-connection
 * One fail-fast ioredis connection, as every Redis user in Tollgate wants it (quota counters, the
 * response cache, idempotency records): with Redis gone, a command must fail within about a second
 * so the caller can apply its own policy, never hang a request. Hence no offline queue (a command
 * while disconnected fails at once), short connect and command timeouts, and no retry or re-send
 * of a command (a quota script replayed after a reconnect would charge twice). It keeps
 * reconnecting in the background, at most every 2 s.
 */
import { createRedisConnection, type RedisConnection as RedisClient, type RedisTarget } from '../redis/redis-connection.js';
import { ThrottledWarning } from '../quotas/throttled-warning.js';

export interface RedisConnectionOptions {
  /** One server (`url`) or a cluster (`cluster`), as configured under `redis`. */
  target: RedisTarget;
  /** Named in the throttled connection warning, e.g. `quota`. */
  purpose: string;
  /** How long a command waits for a connection being opened; 500 ms by default. */
  connectTimeoutMs?: number;
  /** How long a command may take before it fails; 500 ms by default. */
  commandTimeoutMs?: number;
}

export class RedisConnection {
  readonly redis: RedisClient;
  private readonly connectTimeoutMs: number;
  private readonly connectionWarning: ThrottledWarning;
  private pendingReady: Promise<void> | undefined;
  private closed = false;
  lastError: string | undefined;

  constructor(options: RedisConnectionOptions) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 500;
    this.connectionWarning = new ThrottledWarning(`${options.purpose} Redis connection error`);
    // Commands issued in the same tick go out as one pipeline; none is ever re-sent (see
    // src/redis/redis-connection.ts for the fail-fast settings, shared with the quota backend).
    this.redis = createRedisConnection(options.target, {
      connectTimeoutMs: this.connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
      autoPipelining: true,
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

  /** One PING: rejects while Redis cannot be reached. */
  async ping(): Promise<void> {
    await this.ready();
    await this.redis.ping();
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
