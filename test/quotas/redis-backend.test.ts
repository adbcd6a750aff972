/**
 * @module test/quotas/redis-backend.test
 * The shared suites on Redis, under a key prefix unique to this run (deleted afterwards), plus
 * what only Redis shows: the key layout and that no key is ever left without a TTL.
 * Fails when Redis is not running, unless TOLLGATE_SKIP_REDIS=1 (see redis-availability.ts).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisQuotaBackend } from '../../src/quotas/redis-backend.js';
import { describeBackendContract } from './backend-contract-suite.js';
import { makeSubject, serviceOn, at } from './helpers.js';
import { describeQuotaService } from './quota-service-suite.js';
import { deleteKeys, keysWithTtl, requireRedis, testRedisUrl } from './redis-availability.js';

const redisRuns = await requireRedis('Redis quota backend tests');
const prefix = `tollgate-test:${process.pid}-${randomBytes(4).toString('hex')}:`;
const harness = { create: () => new RedisQuotaBackend({ url: testRedisUrl, keyPrefix: prefix }), shared: true };

describe.runIf(redisRuns)('Redis quota backend', () => {
  afterAll(async () => {
    await deleteKeys(prefix);
  });

  describeBackendContract('redis', harness);
  describeQuotaService('redis', harness);

  it('lays keys out under the tenant\'s hash tag, {prefix}q:{t:<tenant>}:t|k:<key>:{metric}:{window}, each with a TTL', async () => {
    const backend = harness.create();
    const quotas = serviceOn(backend);
    const subject = makeSubject(
      {
        tenant: { requestsPerMinute: 10, tokensPerMinute: 1000, tokensPerDay: 10_000, costPerDayNanoUsd: 10_000, costPerMonthNanoUsd: 100_000 },
        key: { concurrentRequests: 3 },
      },
      'Europe/Berlin',
    );
    const now = at('2026-11-26T10:00:30Z');
    const reservation = await quotas.reserve(subject, { tokens: 100, costNanoUsd: 1_000 }, now);
    await reservation.settle({ tokens: 50, costNanoUsd: 2_000 });
    await backend.close();

    const tenantPart = `${prefix}q:{t:${subject.tenantId}}:t`;
    const keyPart = `${prefix}q:{t:${subject.tenantId}}:k:${encodeURIComponent(subject.keyId)}`;
    expect(subject.keyId).toContain(':');
    const keys = await keysWithTtl(`${prefix}q:`);
    const mine = [...keys.keys()].filter((key) => key.startsWith(tenantPart) || key.startsWith(keyPart)).sort();
    const minute = Math.floor(now / 60_000);
    const bucket = Math.floor(now / 600_000);
    expect(mine).toEqual(
      [
        `${keyPart}:conc:c:${bucket}`,
        `${tenantPart}:cost:M:2026-11`,
        `${tenantPart}:cost:d:2026-11-26`,
        `${tenantPart}:req:m:${minute}`,
        `${tenantPart}:tok:d:2026-11-26`,
        `${tenantPart}:tok:m:${minute}`,
      ].sort(),
    );
    for (const [key, ttl] of keys) expect(ttl, `TTL of ${key}`).toBeGreaterThan(0);
  });
});
