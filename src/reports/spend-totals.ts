/**
 * @module reports/spend-totals
 * A tenant's (or one key's) usage figures over a range, from the hourly rollups: the "spent so far"
 * of budgets and of `GET /v1/usage`. Range ends are whole UTC hours; `to` may be the end of the
 * current hour, which holds what the ledger has written so far.
 */
import type Database from 'better-sqlite3';
import type { RawFigures } from './usage-report.js';
import { toFigures, type UsageFigures } from './usage-report.js';
import { buildUsageReportSql } from './usage-report-sql.js';

export interface SpendScope {
  tenant: string;
  key?: string;
  from: number;
  to: number;
}

export function spendTotals(client: Database.Database, scope: SpendScope): UsageFigures {
  const filters = scope.key === undefined ? { tenant: [scope.tenant] } : { tenant: [scope.tenant], key: [scope.key] };
  const built = buildUsageReportSql({ groupBy: [], filters, from: scope.from, to: scope.to, timeZone: 'UTC', format: 'json' }, undefined);
  return toFigures(client.prepare(built.totalsSql).safeIntegers(true).get(...built.params) as RawFigures);
}

/** Every token a quota counts: the five figures added up. */
export function totalTokens(figures: UsageFigures): number {
  return figures.input_tokens + figures.cached_input_tokens + figures.cache_write_tokens + figures.output_tokens + figures.reasoning_tokens;
}
