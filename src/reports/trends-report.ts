/**
 * @module reports/trends-report
 * Performance beside cost: per model, provider, service, kind or tenant and per hour, day, week or
 * month — request count, error rates, and p50/p95 of latency and time to first token, from the
 * fixed-bucket histograms in `perf_hourly` (so a percentile is exact to its bucket, see
 * ledger/latency-histogram.ts). Latency counts successful calls; time to first token, streamed
 * calls that sent one.
 */
import { byteOrder, type SqlReader } from '../storage/sql-reader.js';
import { badRequest } from '../errors/gateway-error.js';
import { latencyBucketCount, percentileFromBuckets } from '../ledger/latency-histogram.js';
import { hourMs, perfLevel } from '../ledger/rollup-levels.js';
import type { ReportDimension, ReportQuery } from './report-params.js';
import type { StreamableReport } from './report-response.js';
import { alignmentOf, hourLabel, periodBoundaries, periodIndexSql, type Period } from './time-buckets.js';
import { isTime, rollupColumnOf, whereClause } from './usage-report-sql.js';

const trendDimensions = new Set<ReportDimension>(['tenant', 'model', 'provider', 'service', 'kind', 'hour', 'day', 'week', 'month']);
const latencyColumns = Array.from({ length: latencyBucketCount }, (_, index) => `lat_b${index}`);
const ttftColumns = Array.from({ length: latencyBucketCount }, (_, index) => `ttft_b${index}`);
const summed = ['requests', 'errors', 'server_errors', 'latency_count', 'latency_ms_sum', 'ttft_count', 'ttft_ms_sum', ...latencyColumns, ...ttftColumns];

export const trendFields = [
  'requests',
  'errors',
  'error_rate',
  'server_errors',
  'server_error_rate',
  'latency_avg_ms',
  'latency_p50_ms',
  'latency_p95_ms',
  'ttft_avg_ms',
  'ttft_p50_ms',
  'ttft_p95_ms',
] as const;

export interface TrendFigures {
  requests: number;
  errors: number;
  /** errors / requests, 0–1, four decimals. */
  error_rate: number | null;
  /** Calls answered 5xx (upstream or gateway failures). */
  server_errors: number;
  server_error_rate: number | null;
  latency_avg_ms: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  ttft_avg_ms: number | null;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
}

export async function trendsReport(reader: SqlReader, query: ReportQuery): Promise<StreamableReport> {
  const groupBy: ReportDimension[] = query.groupBy.length > 0 ? query.groupBy : ['provider', 'day'];
  for (const dimension of groupBy) {
    if (!trendDimensions.has(dimension)) throw badRequest(`trends group by tenant, model, provider, service, kind and one of hour, day, week, month; not ${dimension}`, 'groupBy');
  }
  for (const [name, values] of Object.entries(query.filters)) {
    if (values !== undefined && !trendDimensions.has(name as ReportDimension)) throw badRequest(`trends filter by tenant, model, provider, service and kind; not ${name}`, name);
  }
  const range = resolveRange(query);
  const { where, params } = whereClause({ ...query, ...range }, reader.dialect);
  const groups: ReportDimension[] = [];
  const selected: string[] = [];
  let periods: Period[] | undefined;
  const time = groupBy.find(isTime);
  if (time !== undefined) {
    groups.push(time);
    if (time === 'hour') selected.push('r.hour');
    else {
      periods = periodBoundaries(time, range.from, range.to, query.timeZone);
      selected.push(periodIndexSql('r.hour', periods.map((period) => period.start)));
    }
  }
  for (const dimension of groupBy) {
    if (isTime(dimension)) continue;
    groups.push(dimension);
    selected.push(`r.${rollupColumnOf[dimension as keyof typeof rollupColumnOf]}`);
  }
  const sums = summed.map((column) => `COALESCE(SUM(r.${column}), 0) AS ${column}`).join(', ');
  const aliases = selected.map((_, index) => `g${index}`);
  const select = [...selected.map((expression, index) => `${expression} AS ${aliases[index]}`), sums].join(', ');
  // PostgreSQL orders by an alias only when it stands alone, so text is ordered by its expression.
  const order = aliases.map((alias, index) => (isTime(groups[index]) || reader.dialect === 'sqlite' ? alias : byteOrder(reader.dialect, selected[index])));
  const grouping = aliases.length > 0 ? ` GROUP BY ${aliases.join(', ')} ORDER BY ${order.join(', ')}` : '';
  const sql = `SELECT ${select} FROM ${perfLevel.table} AS r${where}${grouping}`;
  const [rawTotals] = await reader.all<Record<string, number>>(`SELECT ${sums} FROM ${perfLevel.table} AS r${where}`, params);
  const totals = toTrendFigures(rawTotals);
  return {
    name: 'trends',
    meta: {
      object: 'trends_report',
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
      tz: query.timeZone,
      group_by: groups,
      alignment: alignmentOf(range.from, range.to, query.timeZone),
    } as StreamableReport['meta'],
    totals,
    columns: [...groups, ...trendFields],
    async *rows() {
      // perf_hourly has a few rows per hour and model: small enough to read at once.
      for (const raw of await reader.all<Record<string, number | string>>(sql, params)) {
        const row: Record<string, unknown> = {};
        groups.forEach((dimension, index) => {
          const value = raw[`g${index}`];
          if (dimension === 'hour') row.hour = hourLabel(Number(value), query.timeZone);
          else if (isTime(dimension)) row[dimension] = periods![Number(value)].label;
          else row[dimension] = value === '' ? null : value;
        });
        yield Object.assign(row, toTrendFigures(raw as Record<string, number>));
      }
    },
  };
}

/** Trends always have a range: the query's, else the 30 days up to the end of this hour. */
function resolveRange(query: ReportQuery): { from: number; to: number } {
  const to = query.to ?? Math.ceil((Date.now() + 1) / hourMs) * hourMs;
  return { from: query.from ?? to - 30 * 24 * hourMs, to };
}

function toTrendFigures(raw: Record<string, number>): TrendFigures {
  const latency = latencyColumns.map((column) => raw[column] ?? 0);
  const ttft = ttftColumns.map((column) => raw[column] ?? 0);
  const rate = (part: number) => (raw.requests > 0 ? Math.round((part / raw.requests) * 10_000) / 10_000 : null);
  const average = (sum: number, count: number) => (count > 0 ? Math.round(sum / count) : null);
  return {
    requests: raw.requests ?? 0,
    errors: raw.errors ?? 0,
    error_rate: rate(raw.errors ?? 0),
    server_errors: raw.server_errors ?? 0,
    server_error_rate: rate(raw.server_errors ?? 0),
    latency_avg_ms: average(raw.latency_ms_sum ?? 0, raw.latency_count ?? 0),
    latency_p50_ms: percentileFromBuckets(latency, 0.5),
    latency_p95_ms: percentileFromBuckets(latency, 0.95),
    ttft_avg_ms: average(raw.ttft_ms_sum ?? 0, raw.ttft_count ?? 0),
    ttft_p50_ms: percentileFromBuckets(ttft, 0.5),
    ttft_p95_ms: percentileFromBuckets(ttft, 0.95),
  };
}
