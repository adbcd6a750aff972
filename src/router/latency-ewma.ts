/**
 * @module router/latency-ewma
 * Peak-sensitive, time-decayed latency estimate (Finagle's PeakEWMA): a slower sample is taken at
 * once, faster ones pull the estimate down with weight e^(−Δt/τ), and an idle target's estimate
 * decays toward zero so a target that was slow gets probed again once the others carry load.
 */
export class LatencyEwma {
  private cost = 0;
  private lastAt: number;
  private sampled = false;

  constructor(
    private readonly decayMs: number,
    private readonly clock: () => number,
  ) {
    this.lastAt = clock();
  }

  record(latencyMs: number): void {
    const now = this.clock();
    const weight = Math.exp(-Math.max(0, now - this.lastAt) / this.decayMs);
    this.cost = latencyMs > this.cost ? latencyMs : this.cost * weight + latencyMs * (1 - weight);
    this.lastAt = now;
    this.sampled = true;
  }

  /** The current estimate in ms, decayed for the time since the last sample; 0 before any. */
  estimate(): number {
    if (!this.sampled) return 0;
    return this.cost * Math.exp(-Math.max(0, this.clock() - this.lastAt) / this.decayMs);
  }

  /** The last estimate without decay, or null before any sample (for display). */
  lastEstimate(): number | null {
    return this.sampled ? this.cost : null;
  }
}
