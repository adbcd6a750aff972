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
import { Cluster } from 'ioredis';
import { createRedisConnection, type RedisConnection, type RedisTarget } from '../redis/redis-connection.js';
import { adjustScript, parseReserveReply, reserveArguments, reserveScript } from './redis-scripts.js';
import { reserveBySlot, slotGroups } from './slot-groups.js';
import { ThrottledWarning } from './throttled-warning.js';
import type { QuotaBackend, QuotaCounter, ReserveOutcome } from './types.js';

export interface RedisQuotaBackendOptions extends RedisTarget {
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
  private readonly redis: RedisConnection & QuotaScriptCommands;
  private readonly keyPrefix: string;
  private readonly connectTimeoutMs: number;
  private readonly connectionWarning = new ThrottledWarning('quota Redis connection error');
  private readonly giveBackWarning = new ThrottledWarning('a reservation split over Redis Cluster slots could not be given back');
  private pendingReady: Promise<void> | undefined;
  private closed = false;
  private lastError: string | undefined;

  constructor(options: RedisQuotaBackendOptions) {
    this.keyPrefix = options.keyPrefix;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 500;
    // Commands issued in the same tick (reservations and settlements of concurrent calls) go out
    // as one pipeline: one socket write and one read for many calls instead of one each. Each
    // command keeps its own reply and error, and none is ever re-sent.
    //
    // Not on a cluster: ioredis groups a tick's commands by the slot of their first argument, which
    // for a script is its key count, not a key — so the reservations of two tenants on two nodes
    // landed in one pipeline and both failed ("All keys in the pipeline should belong to the same
    // slots allocation group"). Each script then goes to its own slot's node on its own.
    const redis = createRedisConnection(options, {
      connectTimeoutMs: this.connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
      autoPipelining: !options.cluster,
    });
    // Without a listener ioredis prints every connection error to the console.
    redis.on('error', (error: Error) => {
      this.lastError = error.message;
      this.connectionWarning.warn({ error: error.message });
    });
    redis.on('ready', () => (this.lastError = undefined));
    redis.defineCommand('quotaReserve', { lua: reserveScript });
    redis.defineCommand('quotaAdjust', { lua: adjustScript });
    this.redis = redis as RedisConnection & QuotaScriptCommands;
  }

  async reserve(counters: QuotaCounter[]): Promise<ReserveOutcome> {
    if (counters.length === 0) return { ok: true, values: [] };
    await this.ensureReady();
    // On a cluster one script names one slot: a call under a service's limits and its tenant's
    // spans two, reserved one after the other (slot-groups.ts). One server takes them in one script.
    const groups = this.redis instanceof Cluster ? slotGroups(counters.map((counter) => this.keyPrefix + counter.key)) : [];
    if (groups.length > 1) {
      return reserveBySlot(counters, groups, (group) => this.reserveInOneScript(group), (giveBack) =>
        this.adjust(giveBack).catch((error: Error) => {
          // Left charged until their windows end: more refusals, never more admissions.
          this.giveBackWarning.warn({ error: error.message });
        }),
      );
    }
    return this.reserveInOneScript(counters);
  }

  async adjust(adjustments: Array<{ key: string; delta: number }>): Promise<void> {
    const changes = adjustments.filter((adjustment) => adjustment.delta !== 0);
    if (changes.length === 0) return;
    await this.ensureReady();
    const groups = this.redis instanceof Cluster ? slotGroups(changes.map((change) => this.keyPrefix + change.key)) : [changes.map((_, index) => index)];
    await Promise.all(groups.map((group) => this.adjustInOneScript(group.map((index) => changes[index]))));
  }

  private async reserveInOneScript(counters: QuotaCounter[]): Promise<ReserveOutcome> {
    const reply = await this.redis.quotaReserve(...reserveArguments(counters, this.keyPrefix));
    return parseReserveReply(reply, counters.length);
  }

  private async adjustInOneScript(changes: Array<{ key: string; delta: number }>): Promise<void> {
    const keys = changes.map((change) => this.keyPrefix + change.key);
    await this.redis.quotaAdjust(keys.length, ...keys, ...changes.map((change) => change.delta));
  }

  async read(keys: string[]): Promise<Array<number | null>> {
    if (keys.length === 0) return [];
    await this.ensureReady();
    const names = keys.map((key) => this.keyPrefix + key);
    // MGET must name keys of one slot on a cluster; single GETs are pipelined per node instead.
    const values = this.redis instanceof Cluster ? await Promise.all(names.map((name) => this.redis.get(name))) : await this.redis.mget(...names);
    return values.map((value) => (value === null ? null : Number(value)));
  }

  /** One PING, for readiness: rejects while Redis cannot be reached. */
  async ping(): Promise<void> {
    await this.ensureReady();
    await this.redis.ping();
  }

  /**
   * Connects and pings, so a Redis that is down at start-up is reported then, not on the first call.
   * On a cluster it pings every master and loads the scripts there: a node's connection otherwise
   * opens on its first command, and a burst of first reservations would queue behind that
   * connection and the scripts' first load, and time out.
   */
  async probe(): Promise<string | undefined> {
    try {
      await this.ensureReady();
      await this.redis.ping();
      if (this.redis instanceof Cluster) {
        await Promise.all(this.redis.nodes('master').map((node) => Promise.all([node.ping(), node.script('LOAD', reserveScript), node.script('LOAD', adjustScript)])));
      }
      return undefined;
    } catch (error) {
      return this.lastError ?? (error as Error).message;
    }
  }


  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // QUIT on a connection that is not up would (re)connect first; drop it instead.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  /**
   * Resolves when commands can be sent. Waits (bounded) only while a connection is being opened;
   * while Redis is away and ioredis is between reconnect attempts, fails at once.
   */
  private async ensureReady(): Promise<void> {
    if (this.closed) throw new Error('the Redis quota backend is closed');
    const status = this.redis.status;
    if (status === 'ready') return;
    if (status === 'wait') this.redis.connect().catch(() => undefined); // failures arrive as 'error'/'close' events
    if (status === 'wait' || status === 'connecting' || status === 'connect') {
      this.pendingReady ??= this.waitForReady().finally(() => (this.pendingReady = undefined));
      return this.pendingReady;
    }
    throw new Error(`Redis is unavailable (connection ${status})`);
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
