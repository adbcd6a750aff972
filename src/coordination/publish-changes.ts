/**
 * @module coordination/publish-changes
 * For a short-lived process (a `tollgate keys revoke` on the command line): send the change notices
 * of what it changed to the running gateways, over a connection opened for that, within a bounded
 * time. If Redis does not answer in time the gateways still see the change at their periodic check.
 */
import type { RedisConfig } from '../../schemas/config.js';
import { createRedisConnection } from '../redis/redis-connection.js';
import { changeChannel } from './change-notices.js';
import { instanceId } from './instance-id.js';
import type { ChangeKind } from './local-changes.js';

/** Resolves to whether every notice went out. */
export async function publishChanges(redis: RedisConfig, kinds: Iterable<ChangeKind>, timeoutMs = 2_000): Promise<boolean> {
  const connection = createRedisConnection(redis, { connectTimeoutMs: timeoutMs, commandTimeoutMs: timeoutMs });
  connection.on('error', () => undefined);
  try {
    await connection.connect();
    for (const kind of kinds) await connection.publish(changeChannel(redis.keyPrefix), `${instanceId} ${kind}`);
    return true;
  } catch {
    return false;
  } finally {
    connection.disconnect();
  }
}
