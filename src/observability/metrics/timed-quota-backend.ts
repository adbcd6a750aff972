/**
 * @module observability/metrics/timed-quota-backend
 * Times every command the Redis quota backend sends (the reservation before each call, the
 * settlement after it) and counts the failures: `tollgate_redis_duration_seconds` and
 * `tollgate_redis_errors_total`, by operation. A decorator, so the backend stays as it is.
 */
import type { QuotaBackend, QuotaCounter, ReserveOutcome } from '../../quotas/types.js';
import type { OperationsMetrics } from './operations-metrics.js';

export class TimedQuotaBackend implements QuotaBackend {
  constructor(
    private readonly backend: QuotaBackend,
    private readonly metrics: OperationsMetrics,
  ) {}

  reserve(counters: QuotaCounter[]): Promise<ReserveOutcome> {
    return this.timed('reserve', () => this.backend.reserve(counters));
  }

  adjust(adjustments: Array<{ key: string; delta: number }>): Promise<void> {
    return this.timed('adjust', () => this.backend.adjust(adjustments));
  }

  read(keys: string[]): Promise<Array<number | null>> {
    return this.timed('read', () => this.backend.read(keys));
  }

  /** Not timed: the start-up reachability check is not a quota command. */
  probe(): Promise<string | undefined> {
    return this.backend.probe?.() ?? Promise.resolve(undefined);
  }

  close(): Promise<void> {
    return this.backend.close();
  }

  /** The backend itself, for what only it can do (a health ping). */
  get inner(): QuotaBackend {
    return this.backend;
  }

  private async timed<T>(operation: string, command: () => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    try {
      const result = await command();
      this.metrics.redisRoundTrip(operation, (performance.now() - startedAt) / 1000);
      return result;
    } catch (error) {
      this.metrics.redisErrors.inc({ operation });
      throw error;
    }
  }
}
