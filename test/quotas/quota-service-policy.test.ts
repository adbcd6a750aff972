/**
 * @module test/quotas/quota-service-policy.test
 * Failure policies against a backend that always throws, and a settle whose backend fails: which
 * combination answers 503, which lets the request through, and that nothing is thrown at the caller
 * of settle/release.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../src/logging/logger.js';
import { MemoryQuotaBackend } from '../../src/quotas/memory-backend.js';
import type { FailurePolicy } from '../../src/quotas/quota-service.js';
import type { QuotaBackend } from '../../src/quotas/types.js';
import { makeSubject, rejection, serviceOn } from './helpers.js';

const broken: QuotaBackend = {
  reserve: async () => {
    throw new Error('connection refused');
  },
  adjust: async () => {
    throw new Error('connection refused');
  },
  read: async () => {
    throw new Error('connection refused');
  },
  close: async () => undefined,
};

const demand = { tokens: 10, costNanoUsd: 100 };
const subjects = {
  money: () => makeSubject({ tenant: { costPerMonthNanoUsd: 1_000 } }),
  rates: () => makeSubject({ key: { tokensPerDay: 1_000 } }),
  both: () => makeSubject({ tenant: { costPerDayNanoUsd: 1_000 }, key: { requestsPerMinute: 10 } }),
  none: () => makeSubject(),
};

afterEach(() => vi.restoreAllMocks());

describe('failure policy', () => {
  const cases: Array<[FailurePolicy, FailurePolicy, keyof typeof subjects, 'allow' | 503]> = [
    ['failOpen', 'failClosed', 'money', 503],
    ['failOpen', 'failClosed', 'rates', 'allow'],
    ['failOpen', 'failClosed', 'both', 503],
    ['failClosed', 'failOpen', 'money', 'allow'],
    ['failClosed', 'failOpen', 'rates', 503],
    // Stricter than "money decides when money is involved": the rate limits cannot be enforced either.
    ['failClosed', 'failOpen', 'both', 503],
    ['failOpen', 'failOpen', 'both', 'allow'],
    ['failClosed', 'failClosed', 'none', 'allow'],
  ];
  for (const [rateLimits, money, subject, expected] of cases) {
    it(`rateLimits ${rateLimits}, money ${money}, ${subject} limits → ${expected}`, async () => {
      vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
      const quotas = serviceOn(broken, { failurePolicy: { rateLimits, money } });
      const attempt = quotas.reserve(subjects[subject](), demand);
      if (expected === 'allow') {
        const reservation = await attempt;
        await expect(reservation.settle(demand)).resolves.toBeUndefined();
        await expect(reservation.release()).resolves.toBeUndefined();
      } else {
        const error = await rejection(attempt);
        expect(error).toMatchObject({ status: 503, code: 'quota_backend_unavailable' });
        expect(error.headers['retry-after']).toBe('1');
      }
    });
  }

  it('a settle whose backend fails resolves, and warns at most once per 10 s', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const memory = new MemoryQuotaBackend();
    const flaky: QuotaBackend = { ...broken, reserve: (counters) => memory.reserve(counters) };
    const quotas = serviceOn(flaky);
    const subject = makeSubject({ tenant: { tokensPerMinute: 1_000 } });
    for (let index = 0; index < 5; index += 1) {
      const reservation = await quotas.reserve(subject, demand);
      await expect(reservation.settle({ tokens: 1, costNanoUsd: 0 })).resolves.toBeUndefined();
    }
    expect(warn.mock.calls.filter(([message]) => message === 'quota settlement failed')).toHaveLength(1);
    await memory.close();
  });

  it('rejects a malformed demand before touching the backend', async () => {
    const quotas = serviceOn(new MemoryQuotaBackend());
    await expect(quotas.reserve(makeSubject(), { tokens: 1.5, costNanoUsd: 0 })).rejects.toThrow(RangeError);
    await expect(quotas.reserve(makeSubject(), { tokens: 1, costNanoUsd: -1 })).rejects.toThrow(/costNanoUsd/);
  });
});
