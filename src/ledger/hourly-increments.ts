/**
 * @module ledger/hourly-increments
 * Folds the ledger rows of one flush into one increment per hourly rollup key, for each usage
 * level and for `perf_hourly`. Pure: no database here. Money is summed as BigInt, so one flush's
 * sum stays exact whatever the amounts.
 */
import { promptLabel } from './rollup-increments.js';
import { latencyBucket, latencyBucketCount } from './latency-histogram.js';
import { hourMs, perfLevel, usageFigureColumns, type RollupDimension, type RollupLevel } from './rollup-levels.js';
import type { LedgerRow } from './types.js';

/** Positional parameters of a rollup upsert: hour, the level's dimensions, then its figures. */
export type HourlyIncrement = Array<string | number | bigint>;

type DimensionValues = Record<RollupDimension, string>;

/** A row's rollup dimensions, '' where it has none. */
export function rollupDimensions(row: LedgerRow): DimensionValues {
  return {
    tenant_id: row.tenantId ?? '',
    key_id: row.keyId ?? '',
    model: row.model ?? '',
    provider: row.provider ?? '',
    prompt: promptLabel(row),
    kind: row.kind,
    service: row.service ?? '',
    end_user: row.endUser ?? '',
    tags: canonicalTags(row.tags),
  };
}

/**
 * Tags as JSON with sorted keys, so that one set of tags is one rollup key however a route wrote
 * it. Text that is not a JSON object of strings is kept as it is rather than lost.
 */
export function canonicalTags(tags: string | null | undefined): string {
  if (!tags) return '';
  // A service sends the same few tag sets over and over: parse each once.
  const known = canonicalCache.get(tags);
  if (known !== undefined) return known;
  const canonical = canonicalize(tags);
  if (canonicalCache.size >= 1_000) canonicalCache.clear();
  canonicalCache.set(tags, canonical);
  return canonical;
}

const canonicalCache = new Map<string, string>();

function canonicalize(tags: string): string {
  try {
    const parsed = JSON.parse(tags) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return tags;
    const entries = Object.entries(parsed as Record<string, unknown>).filter(([, value]) => typeof value === 'string');
    if (entries.length === 0) return '';
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify(Object.fromEntries(entries));
  } catch {
    return tags;
  }
}

const costIndex = usageFigureColumns.indexOf('cost_nano_usd');
const estimatedCostIndex = usageFigureColumns.indexOf('estimated_cost_nano_usd');

/** Usage increments per `bucketMs` (an hour, or a UTC day for the daily level) and the level's dimensions. */
export function aggregateUsage(rows: readonly LedgerRow[], dimensionsOf: readonly DimensionValues[], level: RollupLevel, bucketMs = hourMs): HourlyIncrement[] {
  const groups = new Map<string, HourlyIncrement>();
  const offset = 1 + level.dimensions.length;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    const values = dimensionsOf[index];
    const hour = Math.floor(row.time / bucketMs) * bucketMs;
    let groupKey = String(hour);
    for (const dimension of level.dimensions) groupKey += `\u0000${values[dimension]}`;
    let increment = groups.get(groupKey);
    if (increment === undefined) {
      increment = [hour, ...level.dimensions.map((dimension) => values[dimension])];
      for (let figure = 0; figure < usageFigureColumns.length; figure++) increment.push(figure === costIndex || figure === estimatedCostIndex ? 0n : 0);
      groups.set(groupKey, increment);
    }
    const cost = row.costNanoUsd ? BigInt(row.costNanoUsd) : 0n;
    (increment[offset] as number) += 1;
    if (row.status >= 400) (increment[offset + 1] as number) += 1;
    (increment[offset + 2] as number) += row.inputTokens ?? 0;
    (increment[offset + 3] as number) += row.cachedInputTokens ?? 0;
    (increment[offset + 4] as number) += row.cacheWriteTokens ?? 0;
    (increment[offset + 5] as number) += row.outputTokens ?? 0;
    (increment[offset + 6] as number) += row.reasoningTokens ?? 0;
    (increment[offset + 7] as bigint) += cost;
    if (row.estimated) (increment[offset + 8] as bigint) += cost;
    if (row.costUnknown) (increment[offset + 9] as number) += 1;
    if (row.estimated) (increment[offset + 10] as number) += 1;
  }
  return [...groups.values()];
}

/** The figures of `perf_hourly` after its dimensions, in increment order. */
export const perfFigureColumns = [
  'requests',
  'errors',
  'server_errors',
  'latency_count',
  'latency_ms_sum',
  'ttft_count',
  'ttft_ms_sum',
  ...Array.from({ length: latencyBucketCount }, (_, index) => `lat_b${index}`),
  ...Array.from({ length: latencyBucketCount }, (_, index) => `ttft_b${index}`),
];

/**
 * Latency counts for calls that succeeded (a refusal answered in a millisecond says nothing about
 * a provider); time to first token for every call that sent a first token.
 */
export function aggregatePerf(rows: readonly LedgerRow[], dimensionsOf: readonly DimensionValues[]): HourlyIncrement[] {
  const groups = new Map<string, HourlyIncrement>();
  const offset = 1 + perfLevel.dimensions.length;
  const latencyBuckets = offset + 7;
  const ttftBuckets = latencyBuckets + latencyBucketCount;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    const values = dimensionsOf[index];
    const hour = Math.floor(row.time / hourMs) * hourMs;
    let groupKey = String(hour);
    for (const dimension of perfLevel.dimensions) groupKey += `\u0000${values[dimension]}`;
    let increment = groups.get(groupKey) as number[] | undefined;
    if (increment === undefined) {
      increment = [hour, ...perfLevel.dimensions.map(() => 0), ...perfFigureColumns.map(() => 0)];
      perfLevel.dimensions.forEach((dimension, position) => ((increment as HourlyIncrement)[1 + position] = values[dimension]));
      groups.set(groupKey, increment);
    }
    increment[offset] += 1;
    if (row.status >= 400) increment[offset + 1] += 1;
    if (row.status >= 500) increment[offset + 2] += 1;
    const latency = Math.max(0, row.latencyMs ?? 0);
    if (row.status < 400) {
      increment[offset + 3] += 1;
      increment[offset + 4] += latency;
      increment[latencyBuckets + latencyBucket(latency)] += 1;
    }
    if (row.ttfbMs !== null && row.ttfbMs !== undefined) {
      const ttft = Math.max(0, row.ttfbMs);
      increment[offset + 5] += 1;
      increment[offset + 6] += ttft;
      increment[ttftBuckets + latencyBucket(ttft)] += 1;
    }
  }
  return [...groups.values()];
}
