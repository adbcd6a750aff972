/**
 * @module quotas/throttled-warning
 * A warning that would repeat on every request while Redis is down is logged at most once per
 * interval (10 s by default), with the count of the ones left out, so an outage cannot flood the log.
 */
import { logger } from '../logging/logger.js';

export class ThrottledWarning {
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly message: string,
    private readonly intervalMs = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Logs unless a warning went out less than `intervalMs` ago; returns whether it logged. */
  warn(fields: Record<string, unknown> = {}): boolean {
    const now = this.clock();
    if (now - this.lastLoggedAt < this.intervalMs) {
      this.suppressed += 1;
      return false;
    }
    logger.warn(this.message, this.suppressed > 0 ? { ...fields, warnings_not_logged: this.suppressed } : fields);
    this.lastLoggedAt = now;
    this.suppressed = 0;
    return true;
  }
}
