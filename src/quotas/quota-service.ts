/**
 * @module quotas/quota-service
 * Enforcement. Before the upstream call, `reserve` charges the request's worst case to every
 * configured window of the tenant and the key in ONE backend call — all or nothing — and answers
 * 429 if any would overflow. After the call, `settle` swaps the worst case for the actual figures
 * (on the very windows reserved, even if the clock has moved on), or `release` gives it all back.
 * Spend can overshoot a budget only by what in-flight calls under-reserved; with worst-case
 * reservations it never does.
 *
 * When the backend fails (Redis down), the failure policy decides: fail closed answers 503, fail
 * open lets the request through unmetered and logs a warning at most every 10 s.
 *
 * @example
 * const quotas = new QuotaService(new MemoryQuotaBackend(), { failurePolicy: { rateLimits: 'failOpen', money: 'failClosed' } });
 * const reservation = await quotas.reserve(subject, { tokens: 1200, costNanoUsd: 3_000_000 });
 * // ...call upstream, send reservation.headers...
 * await reservation.settle({ tokens: 640, costNanoUsd: 1_450_000 });
 */
import type { GatewayError } from '../errors/gateway-error.js';
import { planCounters, type CounterPlanOptions, type PlannedCounter } from './counter-plan.js';
import { backendUnavailableError, quotaExceededError } from './quota-errors.js';
import { rateLimitHeaders } from './rate-limit-headers.js';
import { ThrottledWarning } from './throttled-warning.js';
import { readQuotaWindows, type QuotaWindowState } from './quota-windows.js';
import type { QuotaActual, QuotaBackend, QuotaDemand, QuotaSubject, Reservation, ReserveOutcome } from './types.js';

export type FailurePolicy = 'failOpen' | 'failClosed';

/** A token or money limit smaller than a request's whole worst case. */
export type OversizedDemand = Pick<PlannedCounter, 'scope' | 'metric' | 'kind' | 'limit' | 'amount'>;

/** The limits a single request can be too large for, longest-lived first (as `counter-plan.ts` orders them). */
const windowLimits = [
  { limit: 'costPerMonthNanoUsd', metric: 'cost', kind: 'month' },
  { limit: 'costPerDayNanoUsd', metric: 'cost', kind: 'day' },
  { limit: 'tokensPerDay', metric: 'tok', kind: 'day' },
  { limit: 'tokensPerMinute', metric: 'tok', kind: 'minute' },
] as const;

export interface QuotaServiceOptions {
  failurePolicy: { rateLimits: FailurePolicy; money: FailurePolicy };
  /** Concurrency slots count for one to two buckets of this length (10 min): the leak safety net. */
  concurrencyBucketMs?: number;
  /** Added to every counter's TTL against clock skew between processes (60 s). */
  expirySlackMs?: number;
}

export class QuotaService {
  private readonly planOptions: CounterPlanOptions;
  private readonly outageWarning = new ThrottledWarning('quota backend unavailable');
  private readonly settleWarning = new ThrottledWarning('quota settlement failed');

  constructor(
    private readonly backend: QuotaBackend,
    private readonly options: QuotaServiceOptions,
  ) {
    this.planOptions = {
      concurrencyBucketMs: options.concurrencyBucketMs ?? 600_000,
      expirySlackMs: options.expirySlackMs ?? 60_000,
    };
  }

  /** Throws GatewayError 429 (limit reached) or 503 (backend down, fail-closed). */
  async reserve(subject: QuotaSubject, demand: QuotaDemand, now: number = Date.now()): Promise<Reservation> {
    assertAmounts(demand, 'demand');
    const counters = planCounters(subject, demand, now, this.planOptions);
    if (counters.length === 0) return unmeteredReservation();
    let outcome: ReserveOutcome;
    try {
      outcome = await this.backend.reserve(counters);
    } catch (error) {
      return this.onBackendFailure(counters, error);
    }
    if (!outcome.ok) throw this.refusal(subject, counters, outcome.failedIndex, outcome.current, outcome.values, now);
    const headers = rateLimitHeaders(counters, outcome.values, now);
    return new CounterReservation(this.backend, counters, headers, this.settleWarning);
  }

  /** Every configured window of the subject with what is used and left (`GET /v1/usage`). */
  windows(subject: QuotaSubject, now: number = Date.now()): Promise<QuotaWindowState[]> {
    return readQuotaWindows(this.backend, subject, now, this.planOptions);
  }

  /**
   * The first token or money limit whose whole window is smaller than `demand` — a request no
   * wait could admit — or undefined. Compares with the limits only: no window, no backend call.
   */
  largerThanLimit(subject: QuotaSubject, demand: QuotaDemand): OversizedDemand | undefined {
    for (const { limit: name, metric, kind } of windowLimits) {
      const amount = metric === 'tok' ? demand.tokens : demand.costNanoUsd;
      const tenantLimit = subject.tenantLimits[name];
      if (tenantLimit !== undefined && amount > tenantLimit) return { scope: 'tenant', metric, kind, limit: tenantLimit, amount };
      const keyLimit = subject.keyLimits[name];
      if (keyLimit !== undefined && amount > keyLimit) return { scope: 'key', metric, kind, limit: keyLimit, amount };
    }
    return undefined;
  }

  /** Reaches the backend now (Redis at start-up); why it could not, or undefined. */
  probe(): Promise<string | undefined> {
    return this.backend.probe?.() ?? Promise.resolve(undefined);
  }

  close(): Promise<void> {
    return this.backend.close();
  }

  private refusal(
    subject: QuotaSubject,
    counters: PlannedCounter[],
    failedIndex: number,
    current: number,
    values: number[] | undefined,
    now: number,
  ): GatewayError {
    const known = values ?? counters.map((_, index) => (index === failedIndex ? current : undefined));
    return quotaExceededError({
      counter: counters[failedIndex],
      current,
      tenantId: subject.tenantId,
      timeZone: subject.timeZone,
      now,
      rateLimitHeaders: rateLimitHeaders(counters, known, now),
    });
  }

  /**
   * Closed when any limit the request is under says so: a money window under `money: failClosed`,
   * or a rate window (requests, tokens, concurrency) under `rateLimits: failClosed`.
   */
  private onBackendFailure(counters: PlannedCounter[], error: unknown): Reservation {
    const { money, rateLimits } = this.options.failurePolicy;
    const touchesMoney = counters.some((counter) => counter.metric === 'cost');
    const touchesRates = counters.some((counter) => counter.metric !== 'cost');
    const failClosed = (touchesMoney && money === 'failClosed') || (touchesRates && rateLimits === 'failClosed');
    const reason = error instanceof Error ? error.message : String(error);
    this.outageWarning.warn({ error: reason, policy: failClosed ? 'failClosed' : 'failOpen' });
    if (failClosed) throw backendUnavailableError(error);
    return unmeteredReservation();
  }
}

/** A reservation on counters. Only the first of settle/release acts; backend errors are logged, not thrown. */
class CounterReservation implements Reservation {
  private finished = false;

  constructor(
    private readonly backend: QuotaBackend,
    private readonly counters: PlannedCounter[],
    readonly headers: Record<string, string>,
    private readonly failureWarning: ThrottledWarning,
  ) {}

  /** Rejects (after freeing the slot and keeping the worst case charged) only for malformed figures. */
  async settle(actual: QuotaActual): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const problem = amountsProblem(actual, 'actual');
    await this.adjust(
      this.counters.map((counter) => ({
        key: counter.key,
        delta: problem ? (counter.metric === 'conc' ? -counter.amount : 0) : settledAmount(counter, actual) - counter.amount,
      })),
    );
    if (problem) throw new RangeError(problem);
  }

  async release(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.adjust(this.counters.map((counter) => ({ key: counter.key, delta: -counter.amount })));
  }

  private async adjust(adjustments: Array<{ key: string; delta: number }>): Promise<void> {
    const changes = adjustments.filter((adjustment) => adjustment.delta !== 0);
    if (changes.length === 0) return;
    try {
      await this.backend.adjust(changes);
    } catch (error) {
      // The worst case stays charged until its window ends: conservative, and nothing to retry.
      this.failureWarning.warn({ error: error instanceof Error ? error.message : String(error) });
    }
  }
}

/** What a settled call finally counts on a counter: requests stay, slots are freed. */
function settledAmount(counter: PlannedCounter, actual: QuotaActual): number {
  switch (counter.metric) {
    case 'req':
      return counter.amount;
    case 'tok':
      return actual.tokens;
    case 'cost':
      return actual.costNanoUsd;
    case 'conc':
      return 0;
    default: {
      const unknownMetric: never = counter.metric;
      throw new Error(`unknown metric ${String(unknownMetric)}`);
    }
  }
}

/** For a subject without limits, or a request let through by a fail-open policy. */
function unmeteredReservation(): Reservation {
  return { headers: {}, settle: async () => undefined, release: async () => undefined };
}

function assertAmounts(amounts: QuotaDemand, what: string): void {
  const problem = amountsProblem(amounts, what);
  if (problem) throw new RangeError(problem);
}

function amountsProblem(amounts: QuotaDemand, what: string): string | undefined {
  for (const field of ['tokens', 'costNanoUsd'] as const) {
    const value = amounts[field];
    if (!Number.isSafeInteger(value) || value < 0) return `${what}.${field} must be a non-negative integer, got ${value}`;
  }
  return undefined;
}
