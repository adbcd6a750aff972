/**
 * @module ledger/call-params
 * A `LedgerRow` to the positional parameters of the `calls` insert. This is where a row is
 * checked — in the flush, never in `append` — and a row that could corrupt the totals (a
 * fractional cost, a missing time) is refused with `LedgerRowError` instead of being written.
 */
import type { LedgerRow } from './types.js';

export const callColumns = [
  'id',
  'time',
  'tenant_id',
  'key_id',
  'kind',
  'model',
  'provider',
  'upstream_model',
  'prompt_name',
  'prompt_version',
  'status',
  'error_code',
  'input_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
  'cost_nano_usd',
  'cost_unknown',
  'estimated',
  'latency_ms',
  'ttfb_ms',
  'streamed',
  'cache_hit',
  'usage_raw',
  'protocol',
  'end_user',
  'tags',
  'service',
  'method',
  'route',
  'target',
  'attempts',
  'bytes_in',
  'bytes_out',
] as const;

type Param = string | number | bigint | null;

/** The row itself is wrong: writing it again will never succeed, so it must leave the queue. */
export class LedgerRowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerRowError';
  }
}

export function toCallParams(row: LedgerRow): Param[] {
  if (typeof row.id !== 'string' || row.id === '') throw new LedgerRowError('id must be a non-empty string');
  if (!Number.isSafeInteger(row.time)) throw new LedgerRowError('time must be integer epoch milliseconds');
  if (typeof row.kind !== 'string') throw new LedgerRowError('kind must be a string');
  if (!Number.isSafeInteger(row.status)) throw new LedgerRowError('status must be an integer');
  if (row.costNanoUsd != null && !Number.isSafeInteger(row.costNanoUsd)) {
    throw new LedgerRowError('costNanoUsd must be integer nano-USD');
  }
  return [
    row.id,
    row.time,
    row.tenantId ?? null,
    row.keyId ?? null,
    row.kind,
    row.model ?? null,
    row.provider ?? null,
    row.upstreamModel ?? null,
    row.promptName ?? null,
    row.promptVersion ?? null,
    row.status,
    row.errorCode ?? null,
    tokenCount(row.inputTokens, 'inputTokens'),
    tokenCount(row.cachedInputTokens, 'cachedInputTokens'),
    tokenCount(row.cacheWriteTokens, 'cacheWriteTokens'),
    tokenCount(row.outputTokens, 'outputTokens'),
    tokenCount(row.reasoningTokens, 'reasoningTokens'),
    row.costNanoUsd ?? null,
    row.costUnknown ? 1 : 0,
    row.estimated ? 1 : 0,
    // latency_ms is NOT NULL: a missing value is left to SQLite to refuse (a row error).
    row.latencyMs ?? null,
    row.ttfbMs ?? null,
    row.streamed ? 1 : 0,
    row.cacheHit ? 1 : 0,
    row.usageRaw ?? null,
    row.protocol ?? null,
    row.endUser ?? null,
    row.tags ?? null,
    row.service ?? null,
    row.method ?? null,
    row.route ?? null,
    row.target ?? null,
    optionalCount(row.attempts, 'attempts'),
    optionalCount(row.bytesIn, 'bytesIn'),
    optionalCount(row.bytesOut, 'bytesOut'),
  ];
}

function tokenCount(value: number | undefined, field: string): number {
  if (value === undefined) return 0;
  if (!Number.isSafeInteger(value) || value < 0) throw new LedgerRowError(`${field} must be a non-negative integer`);
  return value;
}

function optionalCount(value: number | null | undefined, field: string): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isSafeInteger(value) || value < 0) throw new LedgerRowError(`${field} must be a non-negative integer`);
  return value;
}
