/**
 * @module ledger/throttled-error-log
 * An error that repeats every flush (a locked or full disk) is logged once, then at most once per
 * interval with the number of repeats left out, so an outage cannot flood the log.
 */
import { logger } from '../logging/logger.js';

export class ThrottledErrorLog {
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;
  /** Failures since the last success, to say how long the outage lasted when it ends. */
  private failures = 0;

  constructor(
    private readonly message: string,
    private readonly recoveredMessage: string,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  failure(fields: Record<string, unknown>): void {
    this.failures += 1;
    const now = this.now();
    if (now - this.lastLoggedAt < this.intervalMs) {
      this.suppressed += 1;
      return;
    }
    logger.error(this.message, { ...fields, repeats_not_logged: this.suppressed });
    this.lastLoggedAt = now;
    this.suppressed = 0;
  }

  /** Call after a success; logs the recovery when there was an outage. */
  success(fields: Record<string, unknown>): void {
    if (this.failures === 0) return;
    logger.info(this.recoveredMessage, { ...fields, failures: this.failures });
    this.failures = 0;
    this.suppressed = 0;
    this.lastLoggedAt = Number.NEGATIVE_INFINITY;
  }
}
