/**
 * @module reports/spend-totals
 * A tenant's (or one key's) usage figures over a range, from the hourly rollups: the "spent so far"
 * of budgets and of `GET /v1/usage`. Range ends are whole UTC hours; `to` may be the end of the
 * current hour, which holds what the ledger has written so far.
 */
import type { SqlReader } from '../storage/sql-reader.js';
import type { RawFigures } from './usage-report.js';
import { toFigures, type UsageFigures } from './usage-report.js';
import { buildUsageReportSql } from './usage-report-sql.js';

export interface SpendScope {
  tenant: string;
  key?: string;
  from: number;
  to: number;
}

export async function spendTotals(reader: SqlReader, scope: SpendScope): Promise<UsageFigures> {
  const filters = scope.key === undefined ? { tenant: [scope.tenant] } : { tenant: [scope.tenant], key: [scope.key] };
  const built = buildUsageReportSql({ groupBy: [], filters, from: scope.from, to: scope.to, timeZone: 'UTC', format: 'json' }, undefined, reader.dialect);
  const [raw] = await reader.all<RawFigures>(built.totalsSql, built.params, { exact: true });
  return toFigures(raw);
}

/** Every token a quota counts: the five figures added up. */
export function totalTokens(figures: UsageFigures): number {
  return figures.input_tokens + figures.cached_input_tokens + figures.cache_write_tokens + figures.output_tokens + figures.reasoning_tokens;
}
