/**
 * @module quotas/memory-backend
 * The in-process `QuotaBackend`, for a single gateway. `reserve` checks and increments every
 * counter in one synchronous stretch of code, so no other reservation can interleave: atomic by
 * construction, no locks. Expired counters are dropped when touched and by a sweep timer (unref'd,
 * so it never keeps the process alive), which keeps memory flat as minute windows roll by.
 */
import type { QuotaBackend, QuotaCounter, ReserveOutcome } from './types.js';

interface Entry {
  value: number;
  expiresAt: number;
}

export interface MemoryQuotaBackendOptions {
  /** How often expired counters are swept; 30 s by default. */
  sweepIntervalMs?: number;
  /** The clock expiry is measured by (tests inject one). */
  clock?: () => number;
}

export class MemoryQuotaBackend implements QuotaBackend {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: () => number;
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(options: MemoryQuotaBackendOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.sweepTimer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 30_000);
    this.sweepTimer.unref();
  }

  async reserve(counters: QuotaCounter[]): Promise<ReserveOutcome> {
    const now = this.clock();
    const currents = counters.map((counter) => this.total(counter, now));
    const failedIndex = counters.findIndex((counter, index) => counter.limit !== null && currents[index] + counter.amount > counter.limit);
    if (failedIndex !== -1) return { ok: false, failedIndex, current: currents[failedIndex], values: currents };
    for (const counter of counters) {
      const entry = this.live(counter.key, now);
      if (entry) entry.value += counter.amount;
      else this.entries.set(counter.key, { value: counter.amount, expiresAt: now + counter.ttlMs });
    }
    return { ok: true, values: counters.map((counter, index) => currents[index] + counter.amount) };
  }

  async adjust(adjustments: Array<{ key: string; delta: number }>): Promise<void> {
    const now = this.clock();
    for (const { key, delta } of adjustments) {
      const entry = this.live(key, now);
      // Clamped at zero like the Redis script: a counter below zero would grant extra capacity.
      if (entry) entry.value = Math.max(0, entry.value + delta);
    }
  }

  async read(keys: string[]): Promise<Array<number | null>> {
    const now = this.clock();
    return keys.map((key) => this.live(key, now)?.value ?? null);
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.entries.clear();
  }

  /** How many counters are held (expired ones not yet swept included). */
  get size(): number {
    return this.entries.size;
  }

  /** Drops every expired counter. Runs on the timer; public so tests can call it. */
  sweep(now = this.clock()): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }

  private total(counter: QuotaCounter, now: number): number {
    let total = this.live(counter.key, now)?.value ?? 0;
    for (const key of counter.countAlso ?? []) total += this.live(key, now)?.value ?? 0;
    return total;
  }

  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
