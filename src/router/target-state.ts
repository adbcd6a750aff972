/**
 * @module router/target-state
 * Everything the pool knows about one target: health from probes, passive ejection, its breaker,
 * requests in flight and latency. `available` is the one question balancers ask.
 */
import { CircuitBreaker } from './circuit-breaker.js';
import { LatencyEwma } from './latency-ewma.js';
import type { BreakerOptions, BreakerState, OutlierOptions, TargetSnapshot, TargetSpec } from './types.js';

const latencyDecayMs = 10_000;
const maxEjectionMultiplier = 10;

export class TargetState<T> {
  readonly weight: number;
  readonly breaker: CircuitBreaker;
  readonly latency: LatencyEwma;
  inflight = 0;
  healthy = true;
  /** Smooth weighted round-robin's running weight. */
  currentWeight = 0;
  requests = 0;
  failures = 0;
  private consecutiveFailures = 0;
  private ejections = 0;
  private ejectedUntil = 0;

  constructor(
    readonly spec: TargetSpec<T>,
    breakerOptions: BreakerOptions,
    private readonly outlier: OutlierOptions,
    private readonly clock: () => number,
    onBreakerChange: (state: BreakerState) => void,
  ) {
    this.weight = spec.weight ?? 1;
    this.breaker = new CircuitBreaker(breakerOptions, clock, onBreakerChange);
    this.latency = new LatencyEwma(latencyDecayMs, clock);
  }

  get id(): string {
    return this.spec.id;
  }

  get ejected(): boolean {
    return this.clock() < this.ejectedUntil;
  }

  available(): boolean {
    return this.healthy && !this.ejected && this.breaker.allows();
  }

  recordSuccess(): void {
    this.requests++;
    this.consecutiveFailures = 0;
    // An ejection long behind us is forgiven, so the next one starts short again.
    const quietFor = this.clock() - this.ejectedUntil;
    if (this.ejections > 0 && quietFor > this.outlier.baseEjectionMs * this.ejections) this.ejections = 0;
  }

  /** Counts a failure; returns true when it reached the ejection threshold. */
  recordFailure(): boolean {
    this.requests++;
    this.failures++;
    this.consecutiveFailures++;
    return this.consecutiveFailures >= this.outlier.consecutiveFailures && !this.ejected;
  }

  eject(): number {
    this.ejections = Math.min(maxEjectionMultiplier, this.ejections + 1);
    this.ejectedUntil = this.clock() + this.outlier.baseEjectionMs * this.ejections;
    this.consecutiveFailures = 0;
    return this.ejectedUntil;
  }

  snapshot(): TargetSnapshot {
    return {
      id: this.id,
      weight: this.weight,
      healthy: this.healthy,
      breaker: this.breaker.state,
      ejectedUntil: this.ejected ? this.ejectedUntil : null,
      inflight: this.inflight,
      latencyEwmaMs: this.latency.lastEstimate(),
      requests: this.requests,
      failures: this.failures,
    };
  }
}
