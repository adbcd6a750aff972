/**
 * @module quotas/redis-backend
 * The `QuotaBackend` shared by several gateway processes: counters in Redis, reserved and adjusted
 * by the Lua scripts of `redis-scripts.ts`, over one `ManagedRedisConnection`
 * (`redis/managed-connection.ts`): with Redis gone, a reservation fails within about
 * `connectTimeoutMs` + `commandTimeoutMs` and `QuotaService` applies its failure policy; a
 * command is never re-sent, since a reserve script replayed after a reconnect would charge the
 * request twice.
 *
 * Keys are `${keyPrefix}${counter.key}`; see docs/quotas.md for the layout.
 */
import { Cluster } from 'ioredis';
import { ManagedRedisConnection } from '../redis/managed-connection.js';
import type { RedisConnection, RedisTarget } from '../redis/redis-connection.js';
import { adjustScript, parseReserveReply, reserveArguments, reserveScript } from './redis-scripts.js';
import { reserveBySlot, slotGroups } from './slot-groups.js';
import { ThrottledWarning } from './throttled-warning.js';
import type { QuotaBackend, QuotaCounter, ReserveOutcome } from './types.js';

export interface RedisQuotaBackendOptions extends RedisTarget {
  /** Prepended to every key, e.g. `tollgate:`. Processes that share quotas must share it. */
  keyPrefix: string;
  /** How long a reservation waits for a connection being opened; 500 ms by default. */
  connectTimeoutMs?: number;
  /** How long a command may take before it fails (`redis.commandTimeoutMs`); 500 ms by default. */
  commandTimeoutMs?: number;
}

interface QuotaScriptCommands {
  quotaReserve(...args: Array<string | number>): Promise<unknown>;
  quotaAdjust(...args: Array<string | number>): Promise<unknown>;
}

export class RedisQuotaBackend implements QuotaBackend {
  private readonly connection: ManagedRedisConnection;
  private readonly redis: RedisConnection & QuotaScriptCommands;
  private readonly keyPrefix: string;
  private readonly giveBackWarning = new ThrottledWarning('a reservation split over Redis Cluster slots could not be given back');

  constructor(options: RedisQuotaBackendOptions) {
    this.keyPrefix = options.keyPrefix;
    this.connection = new ManagedRedisConnection({
      target: { url: options.url, cluster: options.cluster },
      purpose: 'quota',
      connectTimeoutMs: options.connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
      // Not on a cluster: ioredis groups a tick's commands by the slot of their first argument,
      // which for these scripts is the key count, not a key — so the reservations of two tenants
      // on two nodes landed in one pipeline and both failed ("All keys in the pipeline should
      // belong to the same slots allocation group"). Each script goes to its own slot's node.
      autoPipelining: !options.cluster,
    });
    const redis = this.connection.redis;
    redis.defineCommand('quotaReserve', { lua: reserveScript });
    redis.defineCommand('quotaAdjust', { lua: adjustScript });
    this.redis = redis as RedisConnection & QuotaScriptCommands;
  }

  async reserve(counters: QuotaCounter[]): Promise<ReserveOutcome> {
    if (counters.length === 0) return { ok: true, values: [] };
    await this.connection.ready();
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
    await this.connection.ready();
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
    await this.connection.ready();
    const names = keys.map((key) => this.keyPrefix + key);
    // MGET must name keys of one slot on a cluster; single GETs are pipelined per node instead.
    const values = this.redis instanceof Cluster ? await Promise.all(names.map((name) => this.redis.get(name))) : await this.redis.mget(...names);
    return values.map((value) => (value === null ? null : Number(value)));
  }

  /** One PING, for readiness: rejects while Redis cannot be reached. */
  ping(): Promise<void> {
    return this.connection.ping();
  }

  /**
   * Connects and pings, so a Redis that is down at start-up is reported then, not on the first call.
   * On a cluster it pings every master and loads the scripts there: a node's connection otherwise
   * opens on its first command, and a burst of first reservations would queue behind that
   * connection and the scripts' first load, and time out.
   */
  async probe(): Promise<string | undefined> {
    try {
      await this.connection.ping();
      if (this.redis instanceof Cluster) {
        await Promise.all(this.redis.nodes('master').map((node) => Promise.all([node.ping(), node.script('LOAD', reserveScript), node.script('LOAD', adjustScript)])));
      }
      return undefined;
    } catch (error) {
      return this.connection.lastError ?? (error as Error).message;
    }
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
