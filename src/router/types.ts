/**
 * @module router/types
 * The shapes the resilience layer speaks: targets, options, attempt context and verdicts. Nothing
 * here knows about providers, HTTP or money; a target is an id, a weight and whatever the caller
 * hangs on it (`T`): a REST service's base URL, a model group's deployment.
 */

export type BalanceStrategy =
  | { kind: 'round-robin' }
  | { kind: 'weighted' }
  | { kind: 'least-inflight' }
  /** Power of two random choices scored by EWMA latency × (in flight + 1). */
  | { kind: 'latency' }
  /** Rendezvous (highest random weight) hashing on the request's `hashKey`. */
  | { kind: 'hash' };

export interface TargetSpec<T> {
  /** Stable, configured name: used in metrics labels and `/admin/targets`. */
  id: string;
  /** Relative share for `weighted` and `hash`; 1 when omitted. */
  weight?: number;
  /** The caller's payload: what an attempt needs to reach this target. */
  value: T;
}

/** How long each phase may take. All optional; `undefined` means no bound from the router. */
export interface Timeouts {
  /**
   * Opening a connection. The router cannot see sockets: the caller applies this to its connector
   * (an undici Agent's `connect.timeout`); a connect timeout the caller throws counts as a failure.
   */
  connectMs?: number;
  /** From the start of one attempt to `ctx.firstByte()` (response headers, or the first stream part). */
  firstByteMs?: number;
  /** The whole call: every attempt, every backoff and the body after the answer began. */
  totalMs?: number;
  /** The longest silence between `ctx.activity()` calls once the first byte arrived. */
  idleMs?: number;
}

export interface HealthCheckOptions {
  intervalMs: number;
  /** Consecutive failed probes before a target is taken out. */
  unhealthyAfter: number;
  /** Consecutive good probes before it is put back. */
  healthyAfter: number;
  /** Bound on one probe; defaults to the interval, at least 1 s. */
  timeoutMs?: number;
}

/** Runs one active health probe; resolve `true` when healthy. Must honour `signal`. */
export type ProbeFunction<T> = (target: TargetSpec<T>, signal: AbortSignal) => Promise<boolean>;

export interface BreakerOptions {
  /** Rolling window over which the failure ratio is measured. */
  windowMs: number;
  /** Fewest attempts in the window before the ratio can open the breaker. */
  minRequests: number;
  /** Failure ratio (0–1) at which the breaker opens. */
  failureRatio: number;
  /** How long it stays open before letting trial requests through (doubles on each re-open, capped at 8×). */
  openMs: number;
  /** Trial requests allowed at once when half-open; this many successes close it. */
  trialRequests: number;
}

export interface OutlierOptions {
  /** Consecutive failures that eject a target. */
  consecutiveFailures: number;
  /** First ejection lasts this long; each further ejection adds as much again (capped at 10×). */
  baseEjectionMs: number;
  /** Never eject more than this share (0–1) of the pool at once; at least one target may always be ejected. */
  maxEjectedRatio: number;
}

export interface RetryOptions {
  /** Retries after the first attempt (0 turns retries off). */
  attempts: number;
  /** First backoff; doubles each retry, with full jitter. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** A `Retry-After` longer than this is not waited for: the failure is returned instead. */
  maxRetryAfterMs: number;
}

export interface RetryBudgetOptions {
  /** Retries allowed as a share of requests in the window (0.2 = at most 20% extra load). */
  ratio: number;
  windowMs: number;
  /** Retries always allowed per window, so a quiet pool can still retry. */
  minPerWindow: number;
}

export interface PoolOptions<T> {
  /** Name of what is routed (a service or public model), for events. */
  name: string;
  targets: TargetSpec<T>[];
  balance: BalanceStrategy;
  retries?: Partial<RetryOptions>;
  retryBudget?: Partial<RetryBudgetOptions>;
  breaker?: Partial<BreakerOptions>;
  outlier?: Partial<OutlierOptions>;
  timeouts?: Timeouts;
  healthCheck?: HealthCheckOptions & { probe: ProbeFunction<T> };
  /** Told about breaker transitions and retries (metrics, logs). Never throws into the pool. */
  events?: PoolEvents;
  /** Injected for tests. */
  clock?: () => number;
  random?: () => number;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface PoolEvents {
  breakerState?(event: { pool: string; target: string; state: BreakerState }): void;
  retry?(event: { pool: string; target: string; reason: string; attempt: number }): void;
  healthChanged?(event: { pool: string; target: string; healthy: boolean }): void;
  ejected?(event: { pool: string; target: string; untilMs: number }): void;
}

/** What the caller decided about one attempt's result or error. */
export type Verdict =
  | { ok: true }
  | {
      ok: false;
      /** Short code for events: `connect_failed`, `upstream_timeout`, `upstream_5xx`, `rate_limited`... */
      reason: string;
      /** Whether another attempt could help (a 400 cannot; a 503 or reset can). */
      retryable: boolean;
      /** Whether the failure is the target's fault (counts toward breaker and ejection); a 429 usually is not. */
      blameTarget: boolean;
      /** From `Retry-After`, when the target said so. */
      retryAfterMs?: number;
    };

export type FailureVerdict = Extract<Verdict, { ok: false }>;

export interface AttemptContext<T> {
  target: TargetSpec<T>;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborts on a timeout (reason: `DeadlineError`) or when the caller's signal aborts. */
  signal: AbortSignal;
  /** Say the answer began: stops the first-byte timer, starts the idle timer. */
  firstByte(): void;
  /** Say bytes moved: restarts the idle timer. */
  activity(): void;
}

export interface RunRequest<R> {
  /** May this call be tried again (idempotent method, Idempotency-Key, nothing sent to the client yet)? */
  retryable: boolean;
  /** Value hashed by the `hash` strategy (a header's value); absent keys spread at random. */
  hashKey?: string;
  /** The caller's abort (client went away). */
  signal?: AbortSignal;
  /** Judges a returned value; success when omitted. */
  judge?: (value: R) => Verdict;
  /** Judges a thrown error; a retryable target failure when omitted (timeouts are judged by the router). */
  judgeError?: (error: unknown) => Verdict;
  /** Frees a failed value that is being retried (drain or destroy its body). */
  discard?: (value: R) => void;
}

export interface RunResult<T, R> {
  value: R;
  target: TargetSpec<T>;
  attempts: number;
  /** The signal of the serving attempt: stays armed (total and idle timeouts) until `finish`. */
  signal: AbortSignal;
  /** Same as the attempt context's: keep calling while the body streams. */
  activity(): void;
  /**
   * The call is over (body streamed or abandoned): releases the in-flight slot, stops the timers
   * and records a failure against the target when `failure` is given (a stream that broke).
   * Idempotent; must be called exactly once per result, even a failed one.
   */
  finish(failure?: { reason: string; blameTarget: boolean }): void;
  /** The verdict on `value` (a returned 503 after the last retry is `ok: false`). */
  verdict: Verdict;
}

export interface TargetSnapshot {
  id: string;
  weight: number;
  healthy: boolean;
  breaker: BreakerState;
  ejectedUntil: number | null;
  inflight: number;
  latencyEwmaMs: number | null;
  requests: number;
  failures: number;
}
