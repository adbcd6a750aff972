/**
 * @module ledger/rollup-increments
 * Folds the ledger rows of one flush into one increment per `daily_rollups` key, so a flush of
 * thousands of calls costs a handful of upserts. Pure: no database here.
 */
import type { LedgerRow } from './types.js';

/** Positional parameters of the rollup upsert, in `rollupColumns` order. */
export type RollupIncrement = [
  day: string,
  tenantId: string,
  keyId: string,
  model: string,
  prompt: string,
  kind: string,
  requests: number,
  errors: number,
  inputTokens: number,
  cachedInputTokens: number,
  cacheWriteTokens: number,
  outputTokens: number,
  reasoningTokens: number,
  /** A bigint, so the sum of one flush stays exact whatever the amounts. */
  costNanoUsd: bigint,
  unknownCostRequests: number,
  estimatedRequests: number,
];

export const rollupColumns = [
  'day',
  'tenant_id',
  'key_id',
  'model',
  'prompt',
  'kind',
  'requests',
  'errors',
  'input_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
  'cost_nano_usd',
  'unknown_cost_requests',
  'estimated_requests',
] as const;

/** Index of the first summed figure in a `RollupIncrement`; the ones before it are the key. */
export const rollupKeyLength = 6;

const dayMs = 86_400_000;

/** `name@version` for prompt API calls, '' otherwise. */
export function promptLabel(row: Pick<LedgerRow, 'promptName' | 'promptVersion'>): string {
  if (!row.promptName) return '';
  return row.promptVersion == null ? row.promptName : `${row.promptName}@${row.promptVersion}`;
}

export function aggregateRollups(rows: readonly LedgerRow[]): RollupIncrement[] {
  const groups = new Map<string, RollupIncrement>();
  // Consecutive rows nearly always fall on the same UTC day: format the date once per day seen.
  let dayStart = Number.NaN;
  let day = '';
  for (const row of rows) {
    if (!(row.time >= dayStart && row.time < dayStart + dayMs)) {
      dayStart = Math.floor(row.time / dayMs) * dayMs;
      day = new Date(dayStart).toISOString().slice(0, 10);
    }
    const tenantId = row.tenantId ?? '';
    const keyId = row.keyId ?? '';
    const model = row.model ?? '';
    const prompt = promptLabel(row);
    const groupKey = `${day}\u0000${tenantId}\u0000${keyId}\u0000${model}\u0000${prompt}\u0000${row.kind}`;
    let increment = groups.get(groupKey);
    if (increment === undefined) {
      increment = [day, tenantId, keyId, model, prompt, row.kind, 0, 0, 0, 0, 0, 0, 0, 0n, 0, 0];
      groups.set(groupKey, increment);
    }
    increment[6] += 1;
    if (row.status >= 400) increment[7] += 1;
    increment[8] += row.inputTokens ?? 0;
    increment[9] += row.cachedInputTokens ?? 0;
    increment[10] += row.cacheWriteTokens ?? 0;
    increment[11] += row.outputTokens ?? 0;
    increment[12] += row.reasoningTokens ?? 0;
    if (row.costNanoUsd) increment[13] += BigInt(row.costNanoUsd);
    if (row.costUnknown) increment[14] += 1;
    if (row.estimated) increment[15] += 1;
  }
  return [...groups.values()];
}
