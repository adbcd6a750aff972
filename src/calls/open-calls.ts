/**
 * @module calls/open-calls
 * Counts metered calls that began and have not yet written their ledger row. Shutdown waits for
 * the count to reach zero before the ledger's last flush: a call whose client already hung up is
 * no longer an open connection, yet its upstream request, its token estimate and its ledger row
 * may still be on the way, and "nothing accepted is lost" includes those rows.
 */
export class OpenCalls {
  private count = 0;
  private waiters: Array<() => void> = [];

  opened(): void {
    this.count++;
  }

  closed(): void {
    this.count = Math.max(0, this.count - 1);
    if (this.count === 0) {
      for (const wake of this.waiters.splice(0)) wake();
    }
  }

  get size(): number {
    return this.count;
  }

  /** Resolves when no call is open, or after `timeoutMs`, whichever comes first; true if none is open. */
  settled(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.count === 0), timeoutMs);
      timer.unref();
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
