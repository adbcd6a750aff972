/**
 * @module router/sliding-count
 * A count over a sliding time window, kept in ten buckets so it slides in tenths of the window and
 * costs O(10) memory whatever the traffic.
 */
const bucketCount = 10;

export class SlidingCount {
  private readonly bucketMs: number;
  private readonly buckets = new Array<number>(bucketCount).fill(0);
  private currentBucket: number;

  constructor(
    windowMs: number,
    private readonly clock: () => number,
  ) {
    this.bucketMs = Math.max(1, windowMs / bucketCount);
    this.currentBucket = Math.floor(clock() / this.bucketMs);
  }

  add(amount = 1): void {
    this.advance();
    this.buckets[this.currentBucket % bucketCount] += amount;
  }

  total(): number {
    this.advance();
    let total = 0;
    for (const value of this.buckets) total += value;
    return total;
  }

  clear(): void {
    this.buckets.fill(0);
  }

  /** Zeroes the buckets that slid out of the window since the last call. */
  private advance(): void {
    const bucket = Math.floor(this.clock() / this.bucketMs);
    const stale = Math.min(bucketCount, bucket - this.currentBucket);
    for (let step = 1; step <= stale; step++) this.buckets[(this.currentBucket + step) % bucketCount] = 0;
    if (bucket > this.currentBucket) this.currentBucket = bucket;
  }
}
