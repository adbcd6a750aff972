/**
 * @module router/pool-defaults
 * Defaults for every resilience knob, in one place so the README and `docs/router.md` can cite them.
 */
import type { BreakerOptions, OutlierOptions, RetryBudgetOptions, RetryOptions } from './types.js';

export const defaultRetries: RetryOptions = {
  attempts: 0,
  baseBackoffMs: 25,
  maxBackoffMs: 1_000,
  maxRetryAfterMs: 5_000,
};

export const defaultRetryBudget: RetryBudgetOptions = { ratio: 0.2, windowMs: 10_000, minPerWindow: 3 };

export const defaultBreaker: BreakerOptions = {
  windowMs: 10_000,
  minRequests: 20,
  failureRatio: 0.5,
  openMs: 5_000,
  trialRequests: 3,
};

export const defaultOutlier: OutlierOptions = {
  consecutiveFailures: 5,
  baseEjectionMs: 10_000,
  maxEjectedRatio: 0.5,
};
