/**
 * @module test/coordination/cluster-jobs.test
 * Leases and once-per-cluster jobs on the real Redis: four job runners with their own connections,
 * as four gateway processes would have, run the job on one of them at a time; the lease's fencing
 * token grows with each new holder; a holder's stale token can neither renew nor release the lease.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterJobs } from '../../src/coordination/cluster-jobs.js';
import { RedisLeaseStore } from '../../src/coordination/redis-lease.js';
import { waitFor } from '../helpers/wait-for.js';
import { deleteKeys, requireRedis, testRedisUrl } from '../quotas/redis-availability.js';

const redisRuns = await requireRedis('cluster job leases');
const prefix = `tollgate-test-jobs:${process.pid}-${randomBytes(4).toString('hex')}:`;
const connections: Redis[] = [];
const connect = () => {
  const connection = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
  connections.push(connection);
  return connection;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(async () => {
  for (const connection of connections) connection.disconnect();
  if (redisRuns) await deleteKeys(prefix);
});

describe.runIf(redisRuns)('Redis lease', () => {
  it('has one holder at a time, a larger token for each new holder, and ignores stale tokens', async () => {
    const store = new RedisLeaseStore(connect(), prefix);
    const first = await store.acquire('job', 'one', 300);
    expect(first).toBeGreaterThan(0);
    expect(await store.acquire('job', 'two', 300)).toBeUndefined();
    expect(await store.renew('job', 'one', first!, 300)).toBe(true);
    await sleep(400);
    const second = await store.acquire('job', 'two', 10_000);
    expect(second).toBeGreaterThan(first!);
    expect(await store.renew('job', 'one', first!, 10_000)).toBe(false);
    await store.release('job', 'one', first!);
    expect(await store.acquire('job', 'three', 10_000)).toBeUndefined();
    await store.release('job', 'two', second!);
    expect(await store.acquire('job', 'three', 10_000)).toBeGreaterThan(second!);
  });
});

describe.runIf(redisRuns)('once-per-cluster jobs', () => {
  it('run on one runner at a time, and move on when it stops', async () => {
    const events: Array<{ runner: number; event: 'start' | 'stop'; token: number }> = [];
    const ticks = new Map<number, number>();
    const runners = Array.from({ length: 4 }, (_, runner) => {
      const jobs = new ClusterJobs({ store: new RedisLeaseStore(connect(), prefix), holder: `runner-${runner}`, ttlMs: 600 });
      jobs.run('tick', (lease) => {
        events.push({ runner, event: 'start', token: lease.token });
        const timer = setInterval(() => {
          if (lease.held()) ticks.set(runner, (ticks.get(runner) ?? 0) + 1);
        }, 20);
        return {
          stop: () => {
            clearInterval(timer);
            events.push({ runner, event: 'stop', token: lease.token });
          },
        };
      });
      return jobs;
    });
    await waitFor(() => events.length, (count) => count > 0);
    await sleep(1_500); // several renewal rounds: nobody else starts it meanwhile
    const started = events.filter((event) => event.event === 'start');
    expect(started).toHaveLength(1);
    expect([...ticks.keys()]).toEqual([started[0].runner]);

    await runners[started[0].runner].close();
    await waitFor(() => events.length, (count) => count >= 3);
    const after = events.filter((event) => event.event === 'start');
    expect(after).toHaveLength(2);
    expect(after[1].runner).not.toBe(started[0].runner);
    expect(after[1].token).toBeGreaterThan(after[0].token);
    // Never two at once: every start after the first follows the previous holder's stop.
    expect(events.map((event) => event.event)).toEqual(['start', 'stop', 'start']);
    await Promise.all(runners.map((jobs) => jobs.close()));
  });
});
