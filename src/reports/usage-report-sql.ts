/**
 * @module reports/usage-report-sql
 * Builds the SQL of a usage report over the hourly rollups: picks the narrowest rollup level that
 * holds every dimension the report groups or filters by, turns local calendar periods into a
 * bucket expression over the `hour` column, and filters with bound parameters. Pure: the caller
 * runs it (usage-report.ts). One SQL for both databases but for walking the tags' JSON and the
 * order of text (storage/sql-reader.ts).
 */
import { dailyTenantLevel, dayMs, usageFigureColumns, usageLevels, type RollupDimension, type RollupLevel } from '../ledger/rollup-levels.js';
import { byteOrder, leftJoinJsonEntries, jsonObjectEntries, type Dialect } from '../storage/sql-reader.js';
import type { LabelDimension, ReportDimension, ReportFilters, ReportQuery } from './report-params.js';
import { periodBoundaries, periodIndexSql, type Period, type TimeDimension } from './time-buckets.js';

export interface ReportSql {
  sql: string;
  params: Array<string | number>;
  /** The same filters without grouping: one row of totals. */
  totalsSql: string;
  /** Output field names of the grouped columns, in SELECT order (`g0`, `g1`...). */
  groups: ReportDimension[];
  level: RollupLevel;
  /** True when whole UTC days were read from `usage_daily_tenant` (the rest from the hourly level). */
  daily: boolean;
  /** For day, week and month: the periods, indexed by the bucket value. */
  periods?: Period[];
}

export const rollupColumnOf: Record<LabelDimension, RollupDimension> = {
  tenant: 'tenant_id',
  key: 'key_id',
  model: 'model',
  provider: 'provider',
  prompt: 'prompt',
  service: 'service',
  kind: 'kind',
  end_user: 'end_user',
  tag: 'tags',
};

export const isTime = (dimension: ReportDimension): dimension is TimeDimension =>
  dimension === 'hour' || dimension === 'day' || dimension === 'week' || dimension === 'month';

/** The narrowest level with every dimension needed; the labels level holds them all. */
export function chooseLevel(groupBy: readonly ReportDimension[], filters: ReportFilters): RollupLevel {
  const needed = new Set<RollupDimension>();
  for (const dimension of groupBy) if (!isTime(dimension)) needed.add(rollupColumnOf[dimension]);
  for (const [name, values] of Object.entries(filters)) if (values !== undefined) needed.add(rollupColumnOf[name as LabelDimension]);
  return usageLevels.find((level) => [...needed].every((dimension) => level.dimensions.includes(dimension))) ?? usageLevels[usageLevels.length - 1];
}

/** `range` is [from, to) in whole UTC hours; required when grouping by day, week or month. */
export function buildUsageReportSql(query: ReportQuery, range: { from: number; to: number } | undefined, dialect: Dialect = 'sqlite'): ReportSql {
  const level = chooseLevel(query.groupBy, query.filters);
  const groups: ReportDimension[] = [];
  const selected: string[] = [];
  let join = '';
  let periods: Period[] | undefined;
  const time = query.groupBy.find(isTime);
  if (time !== undefined) {
    groups.push(time);
    if (time === 'hour') selected.push('r.hour');
    else {
      if (!range) throw new Error('grouping by a calendar period needs a range');
      periods = periodBoundaries(time, range.from, range.to, query.timeZone);
      selected.push(periodIndexSql('r.hour', periods.map((period) => period.start)));
    }
  }
  // Both ledger writers keep the daily tenant level (rollup-targets.ts), so both databases read it.
  const days = level === usageLevels[0] && time !== 'hour' ? wholeUtcDays(query, periods) : undefined;
  const source = days ? tenantDaysAndHours(query, days) : { from: `FROM ${level.table} AS r`, params: [] };
  const filtered = whereClause(days ? { filters: query.filters } : query, dialect);
  const where = filtered.where;
  const params = [...source.params, ...filtered.params];
  const from = source.from;
  for (const dimension of query.groupBy) {
    if (isTime(dimension)) continue;
    groups.push(dimension);
    if (dimension === 'tag') {
      // A call with two tags counts once under each; rows of one tag key never overlap.
      join = leftJoinJsonEntries(dialect, 'r.tags', 'j');
      selected.push("COALESCE(j.key || '=' || j.value, '')");
    } else selected.push(`r.${rollupColumnOf[dimension]}`);
  }
  const sums = usageFigureColumns.map((column) => `COALESCE(SUM(r.${column}), 0) AS ${column}`).join(', ');
  const aliases = selected.map((_, index) => `g${index}`);
  const select = [...selected.map((expression, index) => `${expression} AS ${aliases[index]}`), sums].join(', ');
  // PostgreSQL orders by an alias only when it stands alone, so text is ordered by its expression.
  const order = aliases.map((alias, index) => (isTime(groups[index]) || dialect === 'sqlite' ? alias : byteOrder(dialect, selected[index])));
  const grouping = aliases.length > 0 ? ` GROUP BY ${aliases.join(', ')} ORDER BY ${order.join(', ')}` : '';
  return {
    sql: `SELECT ${select} ${from}${join}${where}${grouping}`,
    totalsSql: `SELECT ${sums} ${from}${where}`,
    params,
    groups,
    level,
    daily: days !== undefined,
    periods,
  };
}

/**
 * The whole UTC days of the range, when a report at the tenant level may read them from the daily
 * level: every period it groups by starts at a UTC midnight (days, weeks and months in UTC or a
 * zone at UTC+0), so a whole UTC day never straddles two periods. Undefined when there is no such
 * day, or a period starts mid-day (any other zone: local midnights are UTC hours).
 */
function wholeUtcDays(query: Pick<ReportQuery, 'from' | 'to'>, periods: Period[] | undefined): { from?: number; to?: number } | undefined {
  if (periods && periods.slice(1).some((period) => period.start % dayMs !== 0)) return undefined;
  const from = query.from === undefined ? undefined : Math.ceil(query.from / dayMs) * dayMs;
  const to = query.to === undefined ? undefined : Math.floor(query.to / dayMs) * dayMs;
  if (from !== undefined && to !== undefined && from >= to) return undefined;
  return { from, to };
}

const tenantColumns = ['tenant_id', ...usageFigureColumns].join(', ');

/**
 * The tenant level as one source: whole UTC days from `usage_daily_tenant` (one row per tenant
 * and day, aliased `hour` so period buckets work unchanged), and the hours before the first and
 * after the last whole day from `usage_hourly_tenant`. A month by tenant and day then adds up
 * tenants × days rows, not tenants × hours.
 */
function tenantDaysAndHours(query: Pick<ReportQuery, 'from' | 'to'>, days: { from?: number; to?: number }): { from: string; params: number[] } {
  const dayConditions: string[] = [];
  const params: number[] = [];
  if (days.from !== undefined) {
    dayConditions.push('day >= ?');
    params.push(days.from);
  }
  if (days.to !== undefined) {
    dayConditions.push('day < ?');
    params.push(days.to);
  }
  const parts = [`SELECT day AS hour, ${tenantColumns} FROM ${dailyTenantLevel.table}${dayConditions.length > 0 ? ` WHERE ${dayConditions.join(' AND ')}` : ''}`];
  const edges: Array<[number, number]> = [];
  if (query.from !== undefined && days.from !== undefined && query.from < days.from) edges.push([query.from, days.from]);
  if (query.to !== undefined && days.to !== undefined && days.to < query.to) edges.push([days.to, query.to]);
  if (edges.length > 0) {
    parts.push(`SELECT hour, ${tenantColumns} FROM ${usageLevels[0].table} WHERE ${edges.map(() => '(hour >= ? AND hour < ?)').join(' OR ')}`);
    for (const [start, end] of edges) params.push(start, end);
  }
  return { from: `FROM (${parts.join(' UNION ALL ')}) AS r`, params };
}

/** The WHERE of a report over a rollup aliased `r`: the range, then each filter as bound parameters. */
export function whereClause(query: Pick<ReportQuery, 'from' | 'to' | 'filters'>, dialect: Dialect = 'sqlite'): { where: string; params: Array<string | number> } {
  const conditions: string[] = [];
  const params: Array<string | number> = [];
  if (query.from !== undefined) {
    conditions.push('r.hour >= ?');
    params.push(query.from);
  }
  if (query.to !== undefined) {
    conditions.push('r.hour < ?');
    params.push(query.to);
  }
  for (const [name, values] of Object.entries(query.filters) as Array<[LabelDimension, unknown[]]>) {
    if (values === undefined) continue;
    if (name === 'tag') {
      for (const tag of values as Array<{ key: string; value: string }>) {
        conditions.push(`EXISTS (SELECT 1 FROM ${jsonObjectEntries(dialect, 'r.tags')} AS f WHERE f.key = ? AND f.value = ?)`);
        params.push(tag.key, tag.value);
      }
      continue;
    }
    conditions.push(`r.${rollupColumnOf[name]} IN (${values.map(() => '?').join(', ')})`);
    params.push(...(values as string[]));
  }
  return { where: conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '', params };
}
