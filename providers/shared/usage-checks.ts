/**
 * @module providers/shared/usage-checks
 * Usage is upstream data like any other: a token count that is a string, negative, fractional or
 * astronomically large would make the cost arithmetic inexact and the ledger refuse the call's row
 * (a call without a row is a call never billed). `plausibleUsage` accepts a normalised usage only
 * when every bucket is a whole number of tokens in a sane range; the caller estimates otherwise.
 * The provider's raw figures, kept in the ledger for reference, are cut down to what usage
 * objects hold — numbers, flags, short names, small nestings — so an upstream can neither bloat
 * every ledger row nor slip a secret it echoed into the database.
 */
import { redactSecrets } from '../../src/logging/logger.js';
import type { NormalizedUsage } from '../types.js';

/** Far above any model's context window, far below where nano-USD sums stop being exact. */
export const maxTokensPerBucket = 100_000_000;

const buckets = ['inputTokens', 'cachedInputTokens', 'cacheWriteTokens', 'outputTokens', 'reasoningTokens'] as const;

/** The usage with its raw figures bounded, or null when a bucket is not a plausible token count. */
export function plausibleUsage(usage: NormalizedUsage): NormalizedUsage | null {
  for (const bucket of buckets) {
    const value = usage[bucket];
    if (!Number.isSafeInteger(value) || value < 0 || value > maxTokensPerBucket) return null;
  }
  return usage.raw === undefined ? usage : { ...usage, raw: boundedRaw(usage.raw, 0) };
}

const maxDepth = 4;
const maxEntries = 32;
const plainName = /^[A-Za-z0-9_.:-]{0,64}$/;

function boundedRaw(value: unknown, depth: number): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'string') return plainName.test(value) && redactSecrets(value) === value ? value : undefined;
  if (typeof value !== 'object' || depth >= maxDepth) return undefined;
  if (Array.isArray(value)) return value.slice(0, maxEntries).map((item) => boundedRaw(item, depth + 1) ?? null);
  const result: Record<string, unknown> = {};
  let entries = 0;
  for (const [key, item] of Object.entries(value)) {
    if (entries++ >= maxEntries) break;
    if (!plainName.test(key)) continue;
    const kept = boundedRaw(item, depth + 1);
    if (kept !== undefined) result[key] = kept;
  }
  return result;
}
