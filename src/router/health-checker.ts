/**
 * @module router/health-checker
 * Active health probes: every interval each target is probed (the caller's function, bounded by a
 * timeout); `unhealthyAfter` failures in a row take it out, `healthyAfter` successes put it back.
 * A probe still running when the next tick comes is not doubled. Timers never hold the process.
 */
import type { TargetState } from './target-state.js';
import type { HealthCheckOptions, ProbeFunction } from './types.js';

export class HealthChecker<T> {
  private readonly timer: NodeJS.Timeout;
  private readonly streaks = new Map<string, { good: number; bad: number; running: boolean }>();
  private readonly stopController = new AbortController();

  constructor(
    private readonly targets: TargetState<T>[],
    private readonly options: HealthCheckOptions,
    private readonly probe: ProbeFunction<T>,
    private readonly onChange: (target: TargetState<T>) => void,
  ) {
    for (const target of targets) this.streaks.set(target.id, { good: 0, bad: 0, running: false });
    this.timer = setInterval(() => this.probeAll(), options.intervalMs);
    this.timer.unref();
    // A first round at once, so a dead target is known before traffic finds it.
    setImmediate(() => this.probeAll()).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.stopController.abort();
  }

  private probeAll(): void {
    if (this.stopController.signal.aborted) return;
    for (const target of this.targets) void this.probeOne(target);
  }

  private async probeOne(target: TargetState<T>): Promise<void> {
    const streak = this.streaks.get(target.id)!;
    if (streak.running) return;
    streak.running = true;
    const signal = AbortSignal.any([
      this.stopController.signal,
      AbortSignal.timeout(this.options.timeoutMs ?? Math.max(1000, this.options.intervalMs)),
    ]);
    let good = false;
    try {
      good = await this.probe(target.spec, signal);
    } catch {
      good = false;
    } finally {
      streak.running = false;
    }
    if (this.stopController.signal.aborted) return;
    this.count(target, streak, good);
  }

  private count(target: TargetState<T>, streak: { good: number; bad: number }, good: boolean): void {
    if (good) {
      streak.good++;
      streak.bad = 0;
      if (!target.healthy && streak.good >= this.options.healthyAfter) this.flip(target, true);
    } else {
      streak.bad++;
      streak.good = 0;
      if (target.healthy && streak.bad >= this.options.unhealthyAfter) this.flip(target, false);
    }
  }

  private flip(target: TargetState<T>, healthy: boolean): void {
    target.healthy = healthy;
    this.onChange(target);
  }
}
