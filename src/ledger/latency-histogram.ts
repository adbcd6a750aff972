/**
 * @module ledger/latency-histogram
 * A fixed-bucket latency histogram, kept per hour in `perf_hourly` so that p50 and p95 of latency
 * and time to first token can be read for any range and grouping by adding bucket counts — exact
 * sums, no sampling, no raw rows. The price is precision: a percentile is known to within its
 * bucket, and is reported by linear interpolation inside it (below 1 s the buckets are at most
 * 250 ms wide; beyond 120 s only "over 120 s" is known).
 *
 * @example
 * latencyBucket(420);                              // 5: the (300, 500] ms bucket
 * percentileFromBuckets([0, 10, 0, ...], 0.5);     // a value in (25, 50]
 */

/** Upper bounds (inclusive) of the buckets, in ms; the last bucket is everything above 120 s. */
export const latencyBucketBounds = [
  25, 50, 100, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 7_500, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000,
  Number.POSITIVE_INFINITY,
] as const;

export const latencyBucketCount = latencyBucketBounds.length;

/** The bucket index of a duration in ms (negative durations, from clock steps, count as 0). */
export function latencyBucket(ms: number): number {
  for (let index = 0; index < latencyBucketBounds.length; index++) {
    if (ms <= latencyBucketBounds[index]) return index;
  }
  return latencyBucketCount - 1;
}

/**
 * The `quantile` (0–1) of the durations counted in `buckets`, interpolated linearly within the
 * bucket that holds it; null when nothing was counted. A quantile that falls in the open last
 * bucket is reported as its lower bound (120000): "at least this".
 */
export function percentileFromBuckets(buckets: readonly number[], quantile: number): number | null {
  let total = 0;
  for (const count of buckets) total += count;
  if (total === 0) return null;
  const rank = quantile * total;
  let below = 0;
  for (let index = 0; index < buckets.length; index++) {
    const count = buckets[index];
    if (count > 0 && below + count >= rank) {
      const lower = index === 0 ? 0 : latencyBucketBounds[index - 1];
      const upper = latencyBucketBounds[index];
      if (!Number.isFinite(upper)) return lower;
      const within = (rank - below) / count;
      return Math.round(lower + (upper - lower) * within);
    }
    below += count;
  }
  return latencyBucketBounds[latencyBucketCount - 2];
}
