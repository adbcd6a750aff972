/**
 * @module coordination/change-notices
 * Instances that agree: when one gateway changes tenants, keys, prices, prompts or subscriptions,
 * it publishes a notice on the Redis channel `<keyPrefix>changes`, and every other gateway re-reads
 * that state from the database at once (milliseconds, not the next poll).
 *
 * Pub/sub delivers at most once: a notice published while Redis is away, or while a subscriber is
 * reconnecting, is lost. Two things cover that gap: every instance re-reads everything when its
 * subscription comes back (it may have missed notices meanwhile), and the periodic check of
 * `server/start-gateway.ts` (change counters and table fingerprints, every second) still runs.
 *
 * A message is `<instance id> <kind>`; anything else on the channel is ignored (anyone with access
 * to Redis can publish there, so a message only ever causes a re-read). Notices of one kind that
 * arrive together cause one re-read.
 */
import { logger } from '../logging/logger.js';
import { ThrottledWarning } from '../quotas/throttled-warning.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { changeKinds, isChangeKind, onLocalChange, type ChangeKind } from './local-changes.js';

/** What re-reads each kind; a re-read from PostgreSQL returns a promise. */
export type ChangeHandlers = Record<ChangeKind, () => unknown>;

export interface ChangeNoticesOptions {
  /** Publishes this process's notices. */
  publisher: RedisConnection;
  /** Subscribes to everyone's (a subscribed connection can send nothing else). */
  subscriber: RedisConnection;
  channel: string;
  instanceId: string;
  /** What re-reads each kind of state. */
  handlers: ChangeHandlers;
}

/** The channel of every instance sharing `keyPrefix`. */
export function changeChannel(keyPrefix: string): string {
  return `${keyPrefix}changes`;
}

/** Longer messages are not ours. */
const maxMessageLength = 512;

export class ChangeNotices {
  private readonly pending = new Set<ChangeKind>();
  private readonly stopListening: () => void;
  private readonly publishWarning = new ThrottledWarning('a change notice could not be published; other instances see the change at their next periodic check');
  private readonly subscriberWarning = new ThrottledWarning('change notice subscription error');
  private applying: NodeJS.Immediate | undefined;
  private subscribedOnce = false;
  private closed = false;

  constructor(private readonly options: ChangeNoticesOptions) {
    this.stopListening = onLocalChange((kind) => this.publish(kind));
    const { subscriber, publisher } = options;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === options.channel) this.receive(message);
    });
    subscriber.on('error', (error: Error) => this.subscriberWarning.warn({ error: error.message }));
    publisher.on('error', () => undefined); // reported per publish, below
    // The first time the connection is up, subscribe. After a reconnect ioredis restores the
    // subscription (autoResubscribe), but notices sent while it was down are gone: re-read everything.
    subscriber.on('ready', () => {
      if (this.subscribedOnce) this.enqueue(changeKinds);
      else this.subscribe();
    });
  }

  /**
   * Connects both connections and subscribes. A Redis that is down now is no error: ioredis keeps
   * reconnecting, the subscription is made when it answers, and the periodic check covers the wait.
   */
  start(): void {
    for (const connection of [this.options.subscriber, this.options.publisher]) {
      if (connection.status === 'wait') connection.connect().catch(() => undefined); // failures arrive as 'error' events
    }
  }

  private subscribe(): void {
    this.options.subscriber.subscribe(this.options.channel).then(
      () => (this.subscribedOnce = true),
      (error: unknown) => this.subscriberWarning.warn({ error: error instanceof Error ? error.message : String(error) }),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopListening();
    if (this.applying) clearImmediate(this.applying);
    for (const connection of [this.options.subscriber, this.options.publisher]) {
      if (connection.status === 'ready') await connection.quit().catch(() => connection.disconnect());
      else connection.disconnect();
    }
  }

  private publish(kind: ChangeKind): void {
    if (this.closed) return;
    const { publisher, channel, instanceId } = this.options;
    publisher.publish(channel, `${instanceId} ${kind}`).catch((error: unknown) => this.publishWarning.warn({ kind, error: error instanceof Error ? error.message : String(error) }));
  }

  private receive(message: string): void {
    if (message.length > maxMessageLength) return;
    const [from, kind] = message.split(' ');
    if (from === this.options.instanceId || kind === undefined || !isChangeKind(kind)) return;
    logger.info('change notice received', { kind, from });
    this.enqueue([kind]);
  }

  private enqueue(kinds: readonly ChangeKind[]): void {
    for (const kind of kinds) this.pending.add(kind);
    this.applying ??= setImmediate(() => this.apply());
  }

  private apply(): void {
    this.applying = undefined;
    if (this.closed) return;
    const kinds = [...this.pending];
    this.pending.clear();
    for (const kind of kinds) {
      const failed = (error: unknown) => logger.warn('re-reading after a change notice failed; the periodic check will retry', { kind, error: String(error) });
      try {
        Promise.resolve(this.options.handlers[kind]()).catch(failed);
      } catch (error) {
        failed(error);
      }
    }
  }
}
