/**
 * @module router/target-pool
 * A pool of interchangeable targets behind one name: `run(request, attempt)` picks a target,
 * calls `attempt`, judges the outcome, retries within the limits (attempts, backoff, budget,
 * deadline, retryability) and tells each target's breaker, ejection and latency what happened.
 * It knows nothing about HTTP or providers: the caller's `attempt` does the I/O and its `judge`
 * says what a result means.
 *
 * @example
 * const pool = new TargetPool({ name: 'billing', balance: { kind: 'latency' }, targets, retries: { attempts: 2 } });
 * const served = await pool.run({ retryable: true, judge: statusVerdict }, (ctx) => send(ctx.target.value, ctx.signal));
 * try { await pipe(served.value, served.activity); served.finish(); } catch (error) { served.finish({ reason: 'stream_broken', blameTarget: true }); }
 */
import { backoffMs, sleep } from './backoff.js';
import { AttemptDeadline, CallDeadline } from './attempt-deadline.js';
import { createBalancer, type Balancer } from './balancers.js';
import { HealthChecker } from './health-checker.js';
import { defaultBreaker, defaultOutlier, defaultRetries, defaultRetryBudget } from './pool-defaults.js';
import { RetryBudget } from './retry-budget.js';
import { DeadlineError, RouterError } from './router-errors.js';
import { TargetState } from './target-state.js';
import type { BreakerTicket } from './circuit-breaker.js';
import type {
  AttemptContext,
  OutlierOptions,
  PoolEvents,
  PoolOptions,
  RetryOptions,
  RunRequest,
  RunResult,
  TargetSnapshot,
  Timeouts,
  FailureVerdict,
  Verdict,
} from './types.js';

/** The defaults, with every option the caller gave (an `undefined` keeps the default). */
function withDefaults<Options extends object>(defaults: Options, given: Partial<Options> | undefined): Options {
  const merged = { ...defaults };
  for (const [name, value] of Object.entries(given ?? {})) if (value !== undefined) (merged as Record<string, unknown>)[name] = value;
  return merged;
}

const targetFailure: FailureVerdict = { ok: false, reason: 'upstream_error', retryable: true, blameTarget: true };

export class TargetPool<T> {
  readonly name: string;
  private readonly targets: TargetState<T>[];
  private readonly balancer: Balancer;
  private readonly retries: RetryOptions;
  private readonly outlier: OutlierOptions;
  private readonly budget: RetryBudget;
  private readonly timeouts: Timeouts;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly events: PoolEvents;
  private readonly healthChecker: HealthChecker<T> | undefined;

  constructor(options: PoolOptions<T>) {
    if (options.targets.length === 0) throw new Error(`pool ${options.name} has no targets`);
    this.name = options.name;
    this.clock = options.clock ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    this.events = options.events ?? {};
    this.retries = withDefaults(defaultRetries, options.retries);
    this.outlier = withDefaults(defaultOutlier, options.outlier);
    this.budget = new RetryBudget(withDefaults(defaultRetryBudget, options.retryBudget), this.clock);
    this.timeouts = options.timeouts ?? {};
    this.balancer = createBalancer(options.balance, this.random);
    const breaker = withDefaults(defaultBreaker, options.breaker);
    this.targets = options.targets.map(
      (spec) =>
        new TargetState(spec, breaker, this.outlier, this.clock, (state) =>
          this.tell(() => this.events.breakerState?.({ pool: this.name, target: spec.id, state })),
        ),
    );
    if (options.healthCheck) {
      const { probe, ...healthOptions } = options.healthCheck;
      this.healthChecker = new HealthChecker(this.targets, healthOptions, probe, (target) =>
        this.tell(() => this.events.healthChanged?.({ pool: this.name, target: target.id, healthy: target.healthy })),
      );
    }
  }

  /** Runs one request through the pool; throws `RouterError` when no attempt produced a value. */
  async run<R>(request: RunRequest<R>, attempt: (ctx: AttemptContext<T>) => Promise<R>): Promise<RunResult<T, R>> {
    const call = new CallDeadline(this.timeouts, this.clock(), request.signal);
    this.budget.recordRequest();
    const tried = new Set<TargetState<T>>();
    let last: { target: TargetState<T>; verdict: FailureVerdict; error: unknown } | undefined;
    try {
      for (let number = 1; ; number++) {
        const target = this.pick(tried, request.hashKey);
        if (!target) throw this.noTarget(number - 1, last);
        tried.add(target);
        const outcome = await this.attemptOnce(target, number, call, request, attempt);
        if ('result' in outcome) return outcome.result;
        last = { target, verdict: outcome.verdict, error: outcome.error };
        const waitMs = this.retryWait(number, outcome.verdict, call, request);
        if (waitMs === undefined) {
          if (outcome.failedValue) return outcome.failedValue;
          throw this.failed(number, last, call);
        }
        outcome.discard?.();
        this.tell(() =>
          this.events.retry?.({ pool: this.name, target: target.id, reason: outcome.verdict.reason, attempt: number }),
        );
        await sleep(waitMs, call.signal).catch(() => undefined);
        if (call.signal.aborted) throw this.failed(number, last, call);
      }
    } catch (error) {
      call.dispose();
      throw error;
    }
  }

  /** Each target's state, for `/admin/targets`. */
  snapshot(): TargetSnapshot[] {
    return this.targets.map((target) => target.snapshot());
  }

  /** Requests and retries in the retry budget's window. */
  budgetWindow(): { requests: number; retries: number } {
    return this.budget.window();
  }

  /** Stops health probes. In-flight requests are left to finish. */
  close(): void {
    this.healthChecker?.stop();
  }

  private pick(tried: Set<TargetState<T>>, hashKey: string | undefined): TargetState<T> | undefined {
    const available = this.targets.filter((target) => target.available());
    if (available.length === 0) return undefined;
    // A retry prefers a target not yet tried; with none left it may go back to one.
    const fresh = tried.size === 0 ? available : available.filter((target) => !tried.has(target));
    return this.balancer(fresh.length > 0 ? fresh : available, hashKey);
  }

  private async attemptOnce<R>(
    target: TargetState<T>,
    number: number,
    call: CallDeadline,
    request: RunRequest<R>,
    attempt: (ctx: AttemptContext<T>) => Promise<R>,
  ): Promise<
    | { result: RunResult<T, R> }
    | { verdict: FailureVerdict; error: unknown; failedValue?: RunResult<T, R>; discard?: () => void }
  > {
    const deadline = new AttemptDeadline(this.timeouts, call);
    const ticket = target.breaker.admit();
    target.inflight++;
    const startedAt = this.clock();
    let latencyRecorded = false;
    const recordLatency = () => {
      if (latencyRecorded) return;
      latencyRecorded = true;
      target.latency.record(this.clock() - startedAt);
    };
    const context: AttemptContext<T> = {
      target: target.spec,
      attempt: number,
      signal: deadline.signal,
      firstByte: () => {
        recordLatency();
        deadline.firstByte();
      },
      activity: () => deadline.activity(),
    };
    let value: R;
    try {
      value = await attempt(context);
    } catch (error) {
      const verdict = this.judgeError(error, deadline.signal, request);
      this.settle(target, ticket, verdict);
      deadline.dispose();
      return { verdict, error };
    }
    recordLatency();
    const verdict = request.judge?.(value) ?? ({ ok: true } as const);
    if (verdict.ok) return { result: this.served(target, ticket, number, value, verdict, deadline, call) };
    this.settle(target, ticket, verdict);
    const failedValue = this.served(target, undefined, number, value, verdict, deadline, call);
    const discard = () => {
      deadline.dispose();
      request.discard?.(value);
    };
    return { verdict, error: undefined, failedValue, discard };
  }

  /** A value going back to the caller: timers stay armed and the slot held until `finish`. */
  private served<R>(
    target: TargetState<T>,
    ticket: BreakerTicket | undefined,
    attempts: number,
    value: R,
    verdict: Verdict,
    deadline: AttemptDeadline,
    call: CallDeadline,
  ): RunResult<T, R> {
    let finished = false;
    return {
      value,
      target: target.spec,
      attempts,
      verdict,
      signal: deadline.signal,
      activity: () => deadline.activity(),
      finish: (failure) => {
        if (finished) return;
        finished = true;
        deadline.dispose();
        call.dispose();
        // A failed value was settled when judged; only a served success settles here.
        if (ticket === undefined) return;
        this.settle(target, ticket, failure ? { ok: false, retryable: false, ...failure } : { ok: true });
      },
    };
  }

  /** Tells the target what happened and releases its in-flight slot. */
  private settle(target: TargetState<T>, ticket: BreakerTicket, verdict: Verdict): void {
    target.inflight--;
    if (verdict.ok) {
      target.breaker.recordSuccess(ticket);
      target.recordSuccess();
      return;
    }
    if (!verdict.blameTarget) {
      target.breaker.release(ticket);
      return;
    }
    target.breaker.recordFailure(ticket);
    if (target.recordFailure() && this.mayEject()) {
      const untilMs = target.eject();
      this.tell(() => this.events.ejected?.({ pool: this.name, target: target.id, untilMs }));
    }
  }

  private mayEject(): boolean {
    const ejected = this.targets.filter((target) => target.ejected).length;
    return ejected < Math.max(1, Math.floor(this.outlier.maxEjectedRatio * this.targets.length));
  }

  private judgeError<R>(error: unknown, signal: AbortSignal, request: RunRequest<R>): FailureVerdict {
    if (signal.aborted && signal.reason instanceof DeadlineError) {
      // The total deadline covers every attempt: another one cannot finish in time.
      return { ok: false, reason: 'upstream_timeout', retryable: signal.reason.phase !== 'total', blameTarget: true };
    }
    if (signal.aborted) return { ok: false, reason: 'client_aborted', retryable: false, blameTarget: false };
    const verdict = request.judgeError?.(error) ?? targetFailure;
    return verdict.ok ? targetFailure : verdict;
  }

  /** How long to wait before retrying, or undefined when this failure is final. */
  private retryWait<R>(
    number: number,
    verdict: FailureVerdict,
    call: CallDeadline,
    request: RunRequest<R>,
  ): number | undefined {
    if (!request.retryable || !verdict.retryable || call.signal.aborted) return undefined;
    if (number > this.retries.attempts) return undefined;
    if (verdict.retryAfterMs !== undefined && verdict.retryAfterMs > this.retries.maxRetryAfterMs) return undefined;
    const waitMs = Math.max(
      verdict.retryAfterMs ?? 0,
      backoffMs(number, this.retries.baseBackoffMs, this.retries.maxBackoffMs, this.random),
    );
    if (this.clock() + waitMs >= call.endsAt) return undefined;
    if (!this.budget.tryWithdraw()) return undefined;
    return waitMs;
  }

  private noTarget(attempts: number, last: { target: TargetState<T>; verdict: { reason: string }; error: unknown } | undefined): RouterError {
    if (last) return this.failedWith(attempts, last);
    return new RouterError('no_target', `no healthy target in ${this.name}`, 0, null, 'no_healthy_target');
  }

  private failed(
    attempts: number,
    last: { target: TargetState<T>; verdict: { reason: string }; error: unknown },
    call: CallDeadline,
  ): RouterError {
    const reason = call.signal.reason;
    if (call.signal.aborted && !(reason instanceof DeadlineError)) {
      return new RouterError('aborted', 'the caller went away', attempts, last.target.id, 'client_aborted', { cause: reason });
    }
    return this.failedWith(attempts, last);
  }

  private failedWith(attempts: number, last: { target: TargetState<T>; verdict: { reason: string }; error: unknown }): RouterError {
    const code = last.verdict.reason === 'upstream_timeout' ? 'timeout' : last.verdict.reason === 'client_aborted' ? 'aborted' : 'failed';
    const message = code === 'timeout' ? `${this.name} did not answer in time` : `${this.name} could not be reached`;
    return new RouterError(code, message, attempts, last.target.id, last.verdict.reason, { cause: last.error });
  }

  /** Runs a listener; a listener's failure must never break routing. */
  private tell(notify: () => void): void {
    try {
      notify();
    } catch {
      // Listeners are metrics and logs; losing one event is better than failing a request.
    }
  }
}
