/**
 * @module router/circuit-breaker
 * One target's breaker: closed (counting outcomes over a rolling window) → open when the failure
 * ratio reaches the threshold on enough requests → half-open after the open time, letting a few
 * trial requests through → closed when they all succeed, open again (for longer) when one fails.
 */
import { SlidingCount } from './sliding-count.js';
import type { BreakerOptions, BreakerState } from './types.js';

const maxOpenMultiplier = 8;

/** Whether an admitted request is a half-open trial: its outcome decides the breaker. */
export type BreakerTicket = 'normal' | 'trial';

export class CircuitBreaker {
  private stateNow: BreakerState = 'closed';
  private openUntil = 0;
  private reopenCount = 0;
  private trialsInFlight = 0;
  private trialSuccesses = 0;
  private readonly successes: SlidingCount;
  private readonly failures: SlidingCount;

  constructor(
    private readonly options: BreakerOptions,
    private readonly clock: () => number,
    private readonly onChange: (state: BreakerState) => void,
  ) {
    this.successes = new SlidingCount(options.windowMs, clock);
    this.failures = new SlidingCount(options.windowMs, clock);
  }

  get state(): BreakerState {
    if (this.stateNow === 'open' && this.clock() >= this.openUntil) this.move('half_open');
    return this.stateNow;
  }

  /** Could a request go through now (without taking a trial slot)? */
  allows(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'half_open') return this.trialsInFlight < this.options.trialRequests;
    return false;
  }

  /** Admits a request; call only after `allows()` said yes. */
  admit(): BreakerTicket {
    if (this.state !== 'half_open') return 'normal';
    this.trialsInFlight++;
    return 'trial';
  }

  recordSuccess(ticket: BreakerTicket): void {
    this.successes.add();
    if (ticket !== 'trial') return;
    this.trialsInFlight = Math.max(0, this.trialsInFlight - 1);
    if (this.stateNow !== 'half_open') return;
    this.trialSuccesses++;
    if (this.trialSuccesses >= this.options.trialRequests) {
      this.reopenCount = 0;
      this.clearWindow();
      this.move('closed');
    }
  }

  recordFailure(ticket: BreakerTicket): void {
    this.failures.add();
    if (ticket === 'trial') {
      this.trialsInFlight = Math.max(0, this.trialsInFlight - 1);
      if (this.stateNow === 'half_open') {
        this.reopenCount++;
        this.open();
      }
      return;
    }
    if (this.stateNow !== 'closed') return;
    const failed = this.failures.total();
    const total = failed + this.successes.total();
    if (total >= this.options.minRequests && failed / total >= this.options.failureRatio) this.open();
  }

  /** A request admitted but never judged (the caller gave up first): frees a trial slot. */
  release(ticket: BreakerTicket): void {
    if (ticket === 'trial') this.trialsInFlight = Math.max(0, this.trialsInFlight - 1);
  }

  private open(): void {
    const multiplier = Math.min(maxOpenMultiplier, 2 ** this.reopenCount);
    this.openUntil = this.clock() + this.options.openMs * multiplier;
    this.trialSuccesses = 0;
    this.move('open');
  }

  private move(state: BreakerState): void {
    if (state === this.stateNow) return;
    this.stateNow = state;
    if (state === 'half_open') this.trialSuccesses = 0;
    this.onChange(state);
  }

  private clearWindow(): void {
    this.successes.clear();
    this.failures.clear();
  }
}
