/**
 * @module budgets/budget-math
 * A budget's projection, in exact integer arithmetic (BigInt): the burn rate is what was spent so
 * far in the period divided by the time elapsed (at least one hour, so the first minutes of a
 * period do not extrapolate a single call to the moon); the projection is where that rate ends
 * the period; the run-out time is when it reaches the limit, if that is before the period ends.
 *
 * @example
 * projectBudget({ limit: 100n, spent: 25n, periodStart: 0, periodEnd: 40 * DAY, now: 10 * DAY });
 * // { remaining: 75n, ratePerDay: 2n, projected: 100n, runsOutAt: 40 * DAY → null (the period ends first) ... }
 */

export interface BudgetInput {
  limit: bigint;
  spent: bigint;
  periodStart: number;
  periodEnd: number;
  now: number;
}

export interface BudgetProjection {
  remaining: bigint;
  /** Spend per day at the period's average rate so far (rounded down). */
  ratePerDay: bigint;
  /** Spent plus the rate over what is left of the period (rounded down). */
  projected: bigint;
  /** When the limit is reached at this rate: null when not within this period; `now` when already reached. */
  runsOutAt: number | null;
  /** Percent of the limit used, two decimals. */
  percentUsed: number;
  projectedPercent: number;
}

const dayMs = 86_400_000n;
const minimumElapsedMs = 3_600_000;

export function projectBudget(input: BudgetInput): BudgetProjection {
  const { limit, spent, periodStart, periodEnd, now } = input;
  const elapsed = BigInt(Math.max(minimumElapsedMs, Math.min(now, periodEnd) - periodStart));
  const left = BigInt(Math.max(0, periodEnd - now));
  const remaining = limit > spent ? limit - spent : 0n;
  const projected = spent + (spent * left) / elapsed;
  let runsOutAt: number | null = null;
  if (spent >= limit) runsOutAt = now;
  else if (spent > 0n) {
    const until = (remaining * elapsed) / spent;
    if (until <= left) runsOutAt = now + Number(until);
  }
  return {
    remaining,
    ratePerDay: (spent * dayMs) / elapsed,
    projected,
    runsOutAt,
    percentUsed: percent(spent, limit),
    projectedPercent: percent(projected, limit),
  };
}

function percent(part: bigint, whole: bigint): number {
  if (whole <= 0n) return 0;
  return Number((part * 10_000n) / whole) / 100;
}
