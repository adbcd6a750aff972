import { describe, expect, it } from 'vitest';
import { projectBudget } from './budget-math.js';

const day = 86_400_000;

describe('projectBudget', () => {
  it('projects the period-to-date rate to the end of the period and finds the run-out time', () => {
    // 30-day period, 10 days in, 40 of 100 spent: 4 a day, 120 projected, runs out 15 days from now.
    const projection = projectBudget({ limit: 100_000_000_000n, spent: 40_000_000_000n, periodStart: 0, periodEnd: 30 * day, now: 10 * day });
    expect(projection).toEqual({
      remaining: 60_000_000_000n,
      ratePerDay: 4_000_000_000n,
      projected: 120_000_000_000n,
      runsOutAt: 25 * day,
      percentUsed: 40,
      projectedPercent: 120,
    });
  });

  it('says nothing runs out when the period ends first, and now when it already ran out', () => {
    expect(projectBudget({ limit: 100n, spent: 10n, periodStart: 0, periodEnd: 30 * day, now: 10 * day }).runsOutAt).toBeNull();
    expect(projectBudget({ limit: 100n, spent: 0n, periodStart: 0, periodEnd: 30 * day, now: 10 * day })).toMatchObject({ runsOutAt: null, projected: 0n, ratePerDay: 0n });
    expect(projectBudget({ limit: 100n, spent: 150n, periodStart: 0, periodEnd: 30 * day, now: 10 * day })).toMatchObject({ runsOutAt: 10 * day, remaining: 0n, percentUsed: 150 });
  });

  it('counts at least an hour elapsed, so the first call of a period does not project to infinity', () => {
    const projection = projectBudget({ limit: 1_000n, spent: 1n, periodStart: 0, periodEnd: day, now: 1_000 });
    expect(projection.ratePerDay).toBe(24n);
    expect(projection.projected).toBe(1n + (1n * BigInt(day - 1_000)) / 3_600_000n);
  });

  it('stays exact for large amounts', () => {
    const limit = 9_000_000_000_000_000_000n;
    const projection = projectBudget({ limit, spent: limit / 3n, periodStart: 0, periodEnd: 3 * day, now: day });
    expect(projection.projected).toBe(limit);
    expect(projection.runsOutAt).toBe(3 * day);
  });
});
