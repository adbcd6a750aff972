/**
 * @module reports/usage-report
 * Runs a usage report: resolves the range, builds the SQL (usage-report-sql.ts), reads the totals
 * at once and the grouped rows as a stream (storage/sql-reader.ts: on SQLite from a read-only
 * connection of their own, so a large export never holds the gateway's connection). Sums are read
 * as BigInt: money stays exact and is returned as decimal strings.
 */
import { formatNanoUsd } from '../metering/decimal.js';
import { hourMs, usageFigureColumns } from '../ledger/rollup-levels.js';
import type { SqlReader } from '../storage/sql-reader.js';
import type { ReportDimension, ReportQuery } from './report-params.js';
import { alignmentOf, hourLabel } from './time-buckets.js';
import { buildUsageReportSql, type ReportSql } from './usage-report-sql.js';

export interface UsageFigures {
  requests: number;
  errors: number;
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  /** Exact USD, nine decimals. */
  cost_usd: string;
  cost_nano_usd: string;
  /** The part of `cost_usd` whose tokens Tollgate counted itself (no usage from the provider). */
  estimated_cost_usd: string;
  /** Calls to models without a price: their cost is in no figure. */
  unpriced_requests: number;
  estimated_requests: number;
}

export type UsageReportRow = Partial<Record<ReportDimension, string | null>> & UsageFigures;

export interface UsageReportMeta {
  object: 'usage_report';
  from: string | null;
  to: string | null;
  tz: string;
  group_by: ReportDimension[];
  /** `exact`, or `hour` when the zone's offset is not whole hours (periods start at the next UTC hour). */
  alignment: 'exact' | 'hour';
  /** The rollup table that answered (`usage_daily_tenant` when whole UTC days came from it, the edge hours from `usage_hourly_tenant`). */
  rollup: string;
}

export interface UsageReport {
  meta: UsageReportMeta;
  totals: UsageFigures;
  /** Column names of the rows, in order: the groups, then the figures. */
  columns: string[];
  rows(): AsyncGenerator<UsageReportRow>;
}

export const figureFields = [
  'requests',
  'errors',
  'input_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
  'cost_usd',
  'estimated_cost_usd',
  'unpriced_requests',
  'estimated_requests',
] as const;

export type RawFigures = Record<string, bigint | string | number | null>;
type RawRow = RawFigures;

export async function usageReport(reader: SqlReader, query: ReportQuery): Promise<UsageReport> {
  const range = await resolveRange(reader, query);
  const built = buildUsageReportSql(range ? { ...query, from: range.from, to: range.to } : query, range, reader.dialect);
  const [raw] = await reader.all<RawRow>(built.totalsSql, built.params, { exact: true });
  const totals = toFigures(raw);
  const meta: UsageReportMeta = {
    object: 'usage_report',
    from: query.from === undefined ? null : new Date(query.from).toISOString(),
    to: query.to === undefined ? null : new Date(query.to).toISOString(),
    tz: query.timeZone,
    group_by: built.groups,
    alignment: alignmentOf(range?.from ?? query.from ?? Date.now() - 366 * 86_400_000, range?.to ?? query.to ?? Date.now(), query.timeZone),
    rollup: built.daily ? 'usage_daily_tenant' : built.level.table,
  };
  return { meta, totals, columns: [...built.groups, ...figureFields], rows: () => streamRows(reader, built, query.timeZone) };
}

/** The range a calendar grouping needs: the query's, else the span of the data. */
async function resolveRange(reader: SqlReader, query: ReportQuery): Promise<{ from: number; to: number } | undefined> {
  const needsRange = query.groupBy.some((dimension) => dimension === 'day' || dimension === 'week' || dimension === 'month');
  if (!needsRange && (query.from === undefined || query.to === undefined)) return undefined;
  if (query.from !== undefined && query.to !== undefined) return { from: query.from, to: query.to };
  const [span] = await reader.all<{ first: number | null; last: number | null }>('SELECT MIN(hour) AS first, MAX(hour) AS last FROM usage_hourly_tenant', []);
  const from = query.from ?? span.first ?? Math.floor(Date.now() / hourMs) * hourMs;
  const to = query.to ?? (span.last === null ? from + hourMs : Math.max(span.last + hourMs, from + hourMs));
  return { from, to: Math.max(to, from + hourMs) };
}

async function* streamRows(reader: SqlReader, built: ReportSql, timeZone: string): AsyncGenerator<UsageReportRow> {
  for await (const raw of reader.iterate<RawRow>(built.sql, built.params, { exact: true })) yield toRow(raw, built, timeZone);
}

function toRow(raw: RawRow, built: ReportSql, timeZone: string): UsageReportRow {
  const row: Record<string, unknown> = {};
  built.groups.forEach((dimension, index) => {
    const value = raw[`g${index}`];
    if (dimension === 'hour') row.hour = hourLabel(Number(value), timeZone);
    else if (dimension === 'day' || dimension === 'week' || dimension === 'month') row[dimension] = built.periods![Number(value)].label;
    else row[dimension] = value === '' || value === null ? null : String(value);
  });
  return Object.assign(row, toFigures(raw)) as UsageReportRow;
}

export function toFigures(raw: RawRow): UsageFigures {
  const count = (column: (typeof usageFigureColumns)[number]) => safeNumber(raw[column] as bigint, column);
  const cost = BigInt(raw.cost_nano_usd ?? 0);
  return {
    requests: count('requests'),
    errors: count('errors'),
    input_tokens: count('input_tokens'),
    cached_input_tokens: count('cached_input_tokens'),
    cache_write_tokens: count('cache_write_tokens'),
    output_tokens: count('output_tokens'),
    reasoning_tokens: count('reasoning_tokens'),
    cost_usd: formatNanoUsd(cost),
    cost_nano_usd: cost.toString(),
    estimated_cost_usd: formatNanoUsd(BigInt(raw.estimated_cost_nano_usd ?? 0)),
    unpriced_requests: count('unknown_cost_requests'),
    estimated_requests: count('estimated_requests'),
  };
}

/** Counts stay numbers for convenience; rounding one silently would be a lie. */
function safeNumber(value: bigint | number | undefined, column: string): number {
  const number = Number(value ?? 0);
  if (!Number.isSafeInteger(number)) throw new RangeError(`${column} total ${value} is beyond a safe JavaScript number`);
  return number;
}
