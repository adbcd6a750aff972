/**
 * @module ledger/rollup-targets
 * Every rollup table a flush adds to, with its upsert statement and the fold that turns the
 * flush's rows into one increment per key: `daily_rollups` (the `/admin/usage` totals), the four
 * hourly usage levels, the daily tenant level and `perf_hourly`. The writer runs them all in the flush's transaction, so
 * every rollup always matches the rows.
 */
import { aggregatePerf, aggregateUsage, perfFigureColumns, rollupDimensions, type HourlyIncrement } from './hourly-increments.js';
import { aggregateRollups, rollupColumns, rollupKeyLength } from './rollup-increments.js';
import { dailyTenantLevel, dayMs, perfLevel, usageFigureColumns, usageLevels } from './rollup-levels.js';
import type { LedgerRow } from './types.js';

export interface RollupTarget {
  table: string;
  columns: readonly string[];
  /** The first `keyLength` columns are the key; the rest are summed. */
  keyLength: number;
  aggregate(rows: readonly LedgerRow[], dimensions: ReturnType<typeof rollupDimensions>[]): ReadonlyArray<ReadonlyArray<unknown>>;
}

export const rollupTargets: readonly RollupTarget[] = [
  { table: 'daily_rollups', columns: rollupColumns, keyLength: rollupKeyLength, aggregate: (rows) => aggregateRollups(rows) },
  ...usageLevels.map(
    (level): RollupTarget => ({
      table: level.table,
      columns: ['hour', ...level.dimensions, ...usageFigureColumns],
      keyLength: 1 + level.dimensions.length,
      aggregate: (rows, dimensions) => aggregateUsage(rows, dimensions, level),
    }),
  ),
  {
    table: dailyTenantLevel.table,
    columns: ['day', ...dailyTenantLevel.dimensions, ...usageFigureColumns],
    keyLength: 1 + dailyTenantLevel.dimensions.length,
    aggregate: (rows, dimensions) => aggregateUsage(rows, dimensions, dailyTenantLevel, dayMs),
  },
  {
    table: perfLevel.table,
    columns: ['hour', ...perfLevel.dimensions, ...perfFigureColumns],
    keyLength: 1 + perfLevel.dimensions.length,
    aggregate: (rows, dimensions): HourlyIncrement[] => aggregatePerf(rows, dimensions),
  },
];

/** `INSERT … ON CONFLICT (key) DO UPDATE SET figure = figure + excluded.figure` for one target. */
export function upsertSql(target: RollupTarget): string {
  const sums = target.columns.slice(target.keyLength).map((column) => `${column} = ${column} + excluded.${column}`);
  return `INSERT INTO ${target.table} (${target.columns.join(', ')}) VALUES (${target.columns.map(() => '?').join(', ')})
    ON CONFLICT (${target.columns.slice(0, target.keyLength).join(', ')}) DO UPDATE SET ${sums.join(', ')}`;
}

/** Every target's increments for the rows one flush inserted. */
export function rollupIncrements(rows: readonly LedgerRow[]): Array<{ target: RollupTarget; increments: ReadonlyArray<ReadonlyArray<unknown>> }> {
  const dimensions = rows.map(rollupDimensions);
  return rollupTargets.map((target) => ({ target, increments: target.aggregate(rows, dimensions) }));
}
