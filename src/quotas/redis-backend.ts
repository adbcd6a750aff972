/**
 * @module quotas/redis-backend
 * The `QuotaBackend` shared by several gateway processes: counters in Redis, reserved and adjusted
 * by the Lua scripts of `redis-scripts.ts`. Tuned to fail fast: with Redis gone, a reservation
 * must answer (and let `QuotaService` apply its failure policy) within about a second, never
 * hang a request. Hence no offline queue (a command while disconnected fails at once), short
 * connect and command timeouts, and no retry or re-send of a command: a reserve script replayed
 * after a reconnect would charge the request twice.
 *
 * Keys are `${keyPrefix}${counter.key}`; see docs/quotas.md for the layout.
 */
import type { Redis } from 'ioredis';
import { RedisConnection } from '../storage/redis-connection.js';
import { adjustScript, parseReserveReply, reserveArguments, reserveScript } from './redis-scripts.js';
import type { QuotaBackend, QuotaCounter, ReserveOutcome } from './types.js';

export interface RedisQuotaBackendOptions {
  url: string;
  /** Prepended to every key, e.g. `tollgate:`. Processes that share quotas must share it. */
  keyPrefix: string;
  /** How long a reservation waits for a connection being opened; 500 ms by default. */
  connectTimeoutMs?: number;
  /** How long a command may take before it fails; 500 ms by default. */
  commandTimeoutMs?: number;
}

interface QuotaScriptCommands {
  quotaReserve(...args: Array<string | number>): Promise<unknown>;
  quotaAdjust(...args: Array<string | number>): Promise<unknown>;
}

export class RedisQuotaBackend implements QuotaBackend {
  private readonly connection: RedisConnection;
  private readonly redis: Redis & QuotaScriptCommands;
  private readonly keyPrefix: string;

  constructor(options: RedisQuotaBackendOptions) {
    this.keyPrefix = options.keyPrefix;
    this.connection = new RedisConnection({ ...options, purpose: 'quota' });
    const redis = this.connection.redis;
    redis.defineCommand('quotaReserve', { lua: reserveScript });
    redis.defineCommand('quotaAdjust', { lua: adjustScript });
    this.redis = redis as Redis & QuotaScriptCommands;
  }

  async reserve(counters: QuotaCounter[]): Promise<ReserveOutcome> {
    if (counters.length === 0) return { ok: true, values: [] };
    await this.ensureReady();
    const reply = await this.redis.quotaReserve(...reserveArguments(counters, this.keyPrefix));
    return parseReserveReply(reply, counters.length);
  }

  async adjust(adjustments: Array<{ key: string; delta: number }>): Promise<void> {
    const changes = adjustments.filter((adjustment) => adjustment.delta !== 0);
    if (changes.length === 0) return;
    await this.ensureReady();
    const keys = changes.map((change) => this.keyPrefix + change.key);
    await this.redis.quotaAdjust(keys.length, ...keys, ...changes.map((change) => change.delta));
  }

  async read(keys: string[]): Promise<Array<number | null>> {
    if (keys.length === 0) return [];
    await this.ensureReady();
    const values = await this.redis.mget(...keys.map((key) => this.keyPrefix + key));
    return values.map((value) => (value === null ? null : Number(value)));
  }

  /** One PING, for readiness: rejects while Redis cannot be reached. */
  ping(): Promise<void> {
    return this.connection.ping();
  }

  /** Connects and pings, so a Redis that is down at start-up is reported then, not on the first call. */
  async probe(): Promise<string | undefined> {
    try {
      await this.connection.ping();
      return undefined;
    } catch (error) {
      return this.connection.lastError ?? (error as Error).message;
    }
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  private ensureReady(): Promise<void> {
    return this.connection.ready();
  }
}
