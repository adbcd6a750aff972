import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retry-budget.js';

describe('RetryBudget', () => {
  it('never grants more retries in a window than the floor plus ratio × requests in it', () => {
    const event = fc.record({ advanceMs: fc.integer({ min: 0, max: 400 }), isRetry: fc.boolean() });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 400 }), fc.double({ min: 0, max: 1, noNaN: true }), (events, ratio) => {
        let now = 0;
        const windowMs = 1000;
        const budget = new RetryBudget({ ratio, windowMs, minPerWindow: 2 }, () => now);
        const granted: number[] = [];
        const requests: number[] = [];
        for (const { advanceMs, isRetry } of events) {
          now += advanceMs;
          if (!isRetry) {
            budget.recordRequest();
            requests.push(now);
          } else if (budget.tryWithdraw()) granted.push(now);
          // The window is ten buckets of a tenth each: the current one and the nine before it.
          const since = (Math.floor(now / (windowMs / 10)) - 9) * (windowMs / 10);
          const recentRetries = granted.filter((at) => at >= since).length;
          const recentRequests = requests.filter((at) => at >= since).length;
          expect(recentRetries).toBeLessThanOrEqual(2 + ratio * recentRequests + 1e-9);
        }
      }),
    );
  });

  it('refills as the window slides', () => {
    let now = 0;
    const budget = new RetryBudget({ ratio: 0.2, windowMs: 1000, minPerWindow: 0 }, () => now);
    for (let index = 0; index < 10; index++) budget.recordRequest();
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(false);
    now = 2000;
    expect(budget.tryWithdraw()).toBe(false);
    for (let index = 0; index < 5; index++) budget.recordRequest();
    expect(budget.tryWithdraw()).toBe(true);
  });
});
