/**
 * @module test/quotas/redis-cluster-backend.test
 * The quota suites on a real three-master Redis Cluster started for this file (test/helpers/
 * redis-cluster.ts), plus what only a cluster shows: every counter of a tenant and its keys lies in
 * one hash slot, and tenants spread over the masters. Fails when `redis-server` is missing unless
 * TOLLGATE_SKIP_REDIS=1.
 */
import { spawnSync } from 'node:child_process';
import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisQuotaBackend } from '../../src/quotas/redis-backend.js';
import { hasRedisServer, startRedisCluster } from '../helpers/redis-cluster.js';
import { waitFor } from '../helpers/wait-for.js';
import { describeBackendContract } from './backend-contract-suite.js';
import { makeSubject, rejection, serviceOn, uniqueId } from './helpers.js';
import { describeQuotaService } from './quota-service-suite.js';

if (!hasRedisServer && process.env.TOLLGATE_SKIP_REDIS !== '1') {
  throw new Error('Redis Cluster tests: `redis-server`/`redis-cli` are not on PATH; install them or set TOLLGATE_SKIP_REDIS=1 to skip on purpose.');
}
const cluster = hasRedisServer ? await startRedisCluster() : undefined;
afterAll(() => cluster?.stop());

const prefix = 'tollgate-cluster-test:';
const create = () => new RedisQuotaBackend({ cluster: cluster!.urls, keyPrefix: prefix });

describe.runIf(cluster)('Redis Cluster quota backend', () => {
  // The contract's own keys are arbitrary names reserved together: one hash tag in the prefix puts
  // them in one slot, as the gateway's tenant tag does for real counters.
  describeBackendContract('redis cluster', { create: () => new RedisQuotaBackend({ cluster: cluster!.urls, keyPrefix: `${prefix}{contract}:` }), shared: true });
  describeQuotaService('redis cluster', { create, shared: true });

  it('keeps every counter of a tenant and its key in one slot, and spreads tenants over the masters', async () => {
    const backend = create();
    const quotas = serviceOn(backend);
    const limits = { tenant: { requestsPerMinute: 10, tokensPerDay: 10_000, costPerDayNanoUsd: 10_000, costPerMonthNanoUsd: 100_000 }, key: { concurrentRequests: 3, tokensPerMinute: 1000 } };
    const subjects = Array.from({ length: 12 }, () => makeSubject(limits));
    for (const subject of subjects) await (await quotas.reserve(subject, { tokens: 10, costNanoUsd: 10 })).settle({ tokens: 10, costNanoUsd: 10 });
    await backend.close();

    const client = new Cluster(cluster!.urls.map((url) => ({ host: '127.0.0.1', port: Number(new URL(url).port) })));
    try {
      await new Promise((resolve) => client.once('ready', resolve));
      const slotsOf = new Map<string, Set<number>>();
      for (const node of client.nodes('master')) {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}q:*`, 'COUNT', 500);
          for (const key of keys) {
            const tenant = /\{t:([^}]+)\}/.exec(key)![1];
            if (!subjects.some((subject) => subject.tenantId === tenant)) continue; // the suites' own
            const slots = slotsOf.get(tenant) ?? new Set<number>();
            slots.add(Number(await node.call('cluster', 'keyslot', key)));
            slotsOf.set(tenant, slots);
          }
          cursor = next;
        } while (cursor !== '0');
      }
      expect(slotsOf.size).toBe(subjects.length);
      for (const slots of slotsOf.values()) expect(slots.size).toBe(1);
      const masters = new Set([...slotsOf.values()].map(([slot]) => Math.floor((slot * 3) / 16_384)));
      expect(masters.size).toBeGreaterThan(1);
    } finally {
      client.disconnect();
    }
  });

  it('reserves for many tenants at once: their scripts, on several nodes in one tick, never share a pipeline', async () => {
    const backend = create();
    const quotas = serviceOn(backend, { failurePolicy: { rateLimits: 'failClosed', money: 'failClosed' } });
    const subjects = Array.from({ length: 24 }, () => makeSubject({ tenant: { requestsPerMinute: 100, concurrentRequests: 5 } }));
    const reservations = await Promise.all(subjects.map((subject) => quotas.reserve(subject, { tokens: 0, costNanoUsd: 0 })));
    await Promise.all(reservations.map((reservation) => reservation.settle({ tokens: 0, costNanoUsd: 0 })));
    for (const subject of subjects) expect((await quotas.windows(subject)).find((window) => window.metric === 'conc')?.used).toBe(0);
    await backend.close();
  });

  it('reserves a REST service quota beside its tenants\' in two slots: shared by tenants, given back on refusal, freed on settle', async () => {
    const backend = create();
    const quotas = serviceOn(backend, { failurePolicy: { rateLimits: 'failClosed', money: 'failClosed' } });
    const service = { name: uniqueId('svc'), limits: { requestsPerMinute: 1000, concurrentRequests: 2 } };
    const tenantLimits = { tenant: { requestsPerMinute: 100, concurrentRequests: 10 }, key: { concurrentRequests: 5 } };
    const [first, second] = [makeSubject(tenantLimits), makeSubject(tenantLimits)].map((subject) => ({ ...subject, service }));
    const demand = { tokens: 0, costNanoUsd: 0 };
    // Two tenants share the service's two concurrency slots; the third call is refused by the service's limit, not by Redis (CROSSSLOT).
    const held = [await quotas.reserve(first, demand), await quotas.reserve(second, demand)];
    const refused = await rejection(quotas.reserve(first, demand));
    expect(refused.status).toBe(429);
    // The refusal gave back what the tenant's slot took: its windows count the two admitted calls only.
    const used = async (subject: typeof first) => Object.fromEntries((await quotas.windows(subject)).map((window) => [`${window.scope}:${window.metric}`, window.used]));
    expect(await used(first)).toMatchObject({ 'tenant:conc': 1, 'key:conc': 1, 'service:conc': 2 });
    // Settling frees the slot in both slots' counters, so the next call runs.
    for (const reservation of held) await reservation.settle(demand);
    expect(await used(first)).toMatchObject({ 'tenant:conc': 0, 'key:conc': 0, 'service:conc': 0 });
    await (await quotas.reserve(first, demand)).release();
    await backend.close();
  });

  // Last: it takes a master away for good.
  it('is not ready while the cluster has lost a master (PING alone still answers), and money fails closed meanwhile', async () => {
    const backend = create();
    const quotas = serviceOn(backend);
    await backend.ping();
    spawnSync('redis-cli', ['-p', String(cluster!.ports[0]), 'shutdown', 'nosave'], { timeout: 5_000 });
    const otherNode = String(cluster!.ports[1]);
    await waitFor(() => spawnSync('redis-cli', ['-p', otherNode, 'cluster', 'info']).stdout.toString(), (info) => info.includes('cluster_state:fail'), 30_000);
    expect(spawnSync('redis-cli', ['-p', otherNode, 'ping']).stdout.toString().trim()).toBe('PONG');
    await expect(backend.ping()).rejects.toThrow(/cluster_state:fail/);
    const subjects = Array.from({ length: 6 }, () => makeSubject({ tenant: { costPerDayNanoUsd: 1_000_000 } }));
    for (const subject of subjects) {
      await expect(quotas.reserve(subject, { tokens: 1, costNanoUsd: 1 })).rejects.toMatchObject({ status: 503, code: 'quota_backend_unavailable' });
    }
    await backend.close();
  }, 60_000);
});
