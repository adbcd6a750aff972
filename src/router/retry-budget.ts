/**
 * @module router/retry-budget
 * Retries may add at most `ratio` extra load over a sliding window (Envoy's retry budget, Finagle's
 * RetryBudget): a struggling pool then sees at most (1 + ratio) × the offered requests, plus a
 * small floor per window, instead of (1 + attempts) ×.
 */
import { SlidingCount } from './sliding-count.js';
import type { RetryBudgetOptions } from './types.js';

export class RetryBudget {
  private readonly requests: SlidingCount;
  private readonly retries: SlidingCount;

  constructor(
    private readonly options: RetryBudgetOptions,
    clock: () => number,
  ) {
    this.requests = new SlidingCount(options.windowMs, clock);
    this.retries = new SlidingCount(options.windowMs, clock);
  }

  /** A first attempt: earns `ratio` of a retry. */
  recordRequest(): void {
    this.requests.add();
  }

  /** Takes one retry from the budget when there is one; false means do not retry. */
  tryWithdraw(): boolean {
    const allowed = this.options.minPerWindow + this.options.ratio * this.requests.total();
    if (this.retries.total() + 1 > allowed) return false;
    this.retries.add();
    return true;
  }

  /** Requests and retries in the current window. */
  window(): { requests: number; retries: number } {
    return { requests: this.requests.total(), retries: this.retries.total() };
  }
}
