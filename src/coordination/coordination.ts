/**
 * @module coordination
 * What makes several gateway instances behave as one: change notices between them
 * (`change-notices.ts`) and jobs that run on one of them at a time (`cluster-jobs.ts`), both over
 * the configured Redis (one server or a cluster). Without Redis there is one instance: no notices,
 * and every job runs here. ioredis is loaded only when Redis is configured.
 */
import type { TollgateConfig } from '../../schemas/config.js';
import { changeChannel, type ChangeHandlers } from './change-notices.js';
import { ClusterJobs } from './cluster-jobs.js';
import { instanceId } from './instance-id.js';

export interface Coordination {
  jobs: ClusterJobs;
  /** Stops the jobs (releasing their leases) and the notices. */
  close(): Promise<void>;
}

export async function startCoordination(config: TollgateConfig, handlers: ChangeHandlers): Promise<Coordination> {
  const redis = config.redis;
  if (!redis) {
    const jobs = new ClusterJobs({ holder: instanceId, ttlMs: 0 });
    return { jobs, close: () => jobs.close() };
  }
  const [{ createRedisConnection }, { ChangeNotices }, { RedisLeaseStore }] = await Promise.all([
    import('../redis/redis-connection.js'),
    import('./change-notices.js'),
    import('./redis-lease.js'),
  ]);
  const notices = new ChangeNotices({
    publisher: createRedisConnection(redis, { lazyConnect: false }),
    subscriber: createRedisConnection(redis, { lazyConnect: false, subscriber: true }),
    channel: changeChannel(redis.keyPrefix),
    instanceId,
    handlers,
  });
  notices.start();
  const leaseConnection = createRedisConnection(redis, { lazyConnect: false });
  leaseConnection.on('error', () => undefined); // a job's lease simply is not renewed; cluster-jobs.ts logs that
  const jobs = new ClusterJobs({ store: new RedisLeaseStore(leaseConnection, redis.keyPrefix), holder: instanceId, ttlMs: redis.jobLeaseMs });
  return {
    jobs,
    close: async () => {
      await jobs.close();
      await notices.close();
      leaseConnection.disconnect();
    },
  };
}
