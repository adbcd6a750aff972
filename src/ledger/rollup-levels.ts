/**
 * @module ledger/rollup-levels
 * The hourly rollup tables and what each one keeps. Usage is kept at four levels of detail, from
 * a handful of rows per hour (per tenant; per model) to one row per hour and chargeback label; a report reads
 * the narrowest level that has every dimension it groups or filters by, so a month of usage by
 * tenant and day adds up a few thousand rows whatever the traffic was. `perf_hourly` keeps
 * request counts and latency histograms for the performance trends.
 */

/** A column of a rollup key. Text, '' for "none". */
export type RollupDimension = 'tenant_id' | 'key_id' | 'model' | 'provider' | 'prompt' | 'kind' | 'service' | 'end_user' | 'tags';

export interface RollupLevel {
  table: string;
  dimensions: readonly RollupDimension[];
}

const callDimensions = ['tenant_id', 'key_id', 'model', 'provider', 'prompt', 'kind', 'service'] as const;

/** Narrowest first: the order in which a report looks for a level that can answer it. */
export const usageLevels: readonly RollupLevel[] = [
  { table: 'usage_hourly_tenant', dimensions: ['tenant_id'] },
  { table: 'usage_hourly_model', dimensions: ['model', 'provider', 'kind', 'service'] },
  { table: 'usage_hourly', dimensions: callDimensions },
  { table: 'usage_hourly_labels', dimensions: [...callDimensions, 'end_user', 'tags'] },
];

/** Summed figures of every usage level, in increment order. */
export const usageFigureColumns = [
  'requests',
  'errors',
  'input_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
  'cost_nano_usd',
  'estimated_cost_nano_usd',
  'unknown_cost_requests',
  'estimated_requests',
] as const;

export type UsageFigure = (typeof usageFigureColumns)[number];

/**
 * The tenant level summed by UTC day (`day` instead of `hour`): what a report by tenant reads for
 * the whole UTC days of periods that start at UTC midnights (usage-report-sql.ts).
 */
export const dailyTenantLevel: RollupLevel = { table: 'usage_daily_tenant', dimensions: ['tenant_id'] };

export const perfLevel: RollupLevel = { table: 'perf_hourly', dimensions: ['tenant_id', 'model', 'provider', 'service', 'kind'] };

export const hourMs = 3_600_000;
export const dayMs = 86_400_000;
