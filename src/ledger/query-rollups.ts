/**
 * @module ledger/query-rollups
 * Usage totals from `daily_rollups` only — never the `calls` table, so a year of usage costs a
 * few thousand rows whatever the traffic, and totals survive the retention of calls. Sums are read
 * as BigInt (`safeIntegers`): money stays exact beyond 2^53 nano-USD and is returned as strings.
 *
 * @example
 * queryDailyUsage(db, { tenant: 'acme', from: '2026-07-01', to: '2026-07-31', groupBy: ['day', 'model'] });
 * // → { data: [{ day: '2026-07-01', model: 'gpt-4o', requests: 120, ..., cost_usd: '1.234000000' }, ...] }
 */
import { badRequest } from '../errors/gateway-error.js';
import { byteOrder, type Dialect, type SqlReader } from '../storage/sql-reader.js';
import { formatNanoUsd } from '../metering/decimal.js';

export type UsageDimension = 'day' | 'tenant' | 'key' | 'model' | 'prompt' | 'kind';

export interface DailyUsageQuery {
  /** Exact tenant id; '' selects calls made without a tenant (operator keys). */
  tenant?: string;
  key?: string;
  model?: string;
  /** First UTC day, `YYYY-MM-DD`, inclusive. */
  from?: string;
  /** Last UTC day, `YYYY-MM-DD`, inclusive. */
  to?: string;
  /** The dimensions of each result row; none gives one row of totals. */
  groupBy: readonly UsageDimension[];
}

export interface DailyUsageJson {
  day?: string;
  /** null for calls without a tenant (operator keys). */
  tenant_id?: string | null;
  key_id?: string | null;
  model?: string | null;
  /** `name@version` for prompt API calls, null otherwise. */
  prompt?: string | null;
  kind?: string;
  requests: number;
  errors: number;
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  /** Exact integer nano-USD, as a decimal string. */
  cost_nano_usd: string;
  /** Exact USD, nine decimals. */
  cost_usd: string;
  /** Calls whose cost is unknown (no price) and so missing from the cost figures. */
  unknown_cost_requests: number;
  estimated_requests: number;
}

/** Each dimension's column; the output field is the column name too. */
const dimensionColumns: Record<UsageDimension, string> = {
  day: 'day',
  tenant: 'tenant_id',
  key: 'key_id',
  model: 'model',
  prompt: 'prompt',
  kind: 'kind',
};

/** Columns where '' stands for "none" in the table and null in the output. */
const emptyMeansNull = new Set(['tenant_id', 'key_id', 'model', 'prompt']);

const countColumns = [
  'requests',
  'errors',
  'input_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
  'unknown_cost_requests',
  'estimated_requests',
] as const;

export async function queryDailyUsage(reader: SqlReader, query: DailyUsageQuery): Promise<{ data: DailyUsageJson[] }> {
  const { sql, params, columns } = buildDailyUsageQuery(query, reader.dialect);
  const rows = await reader.all<Record<string, bigint | string>>(sql, params, { exact: true });
  return { data: rows.map((row) => toDailyUsageJson(row, columns)) };
}

/** The statement and its parameters; exported so tests can `EXPLAIN QUERY PLAN` it. */
export function buildDailyUsageQuery(query: DailyUsageQuery, dialect: Dialect = 'sqlite'): { sql: string; params: string[]; columns: string[] } {
  const columns = groupColumns(query.groupBy);
  const conditions: string[] = [];
  const params: string[] = [];
  for (const [field, column] of [['tenant', 'tenant_id'], ['key', 'key_id'], ['model', 'model']] as const) {
    const value = query[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw badRequest(`${field} must be a string`, field);
    conditions.push(`${column} = ?`);
    params.push(value);
  }
  const from = query.from === undefined ? undefined : parseDay(query.from, 'from');
  const to = query.to === undefined ? undefined : parseDay(query.to, 'to');
  if (from !== undefined && to !== undefined && from > to) throw badRequest('from must not be after to', 'from');
  if (from !== undefined) {
    conditions.push('day >= ?');
    params.push(from);
  }
  if (to !== undefined) {
    conditions.push('day <= ?');
    params.push(to);
  }
  const sums = [...countColumns, 'cost_nano_usd'].map((column) => `COALESCE(SUM(${column}), 0) AS ${column}`);
  const order = columns.map((column) => byteOrder(dialect, column));
  const grouping = columns.length ? ` GROUP BY ${columns.join(', ')} ORDER BY ${order.join(', ')}` : '';
  const sql = `SELECT ${[...columns, ...sums].join(', ')} FROM daily_rollups${
    conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''
  }${grouping}`;
  return { sql, params, columns };
}

function groupColumns(groupBy: readonly string[]): string[] {
  if (!Array.isArray(groupBy)) throw badRequest('group_by must be a list of dimensions', 'group_by');
  const columns: string[] = [];
  for (const dimension of groupBy) {
    const column = Object.hasOwn(dimensionColumns, dimension) ? dimensionColumns[dimension as UsageDimension] : undefined;
    if (column === undefined) {
      throw badRequest(`group_by accepts ${Object.keys(dimensionColumns).join(', ')}; got "${dimension}"`, 'group_by');
    }
    if (!columns.includes(column)) columns.push(column);
  }
  return columns;
}

function parseDay(value: string, param: string): string {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (match) {
    const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
    if (!Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value) return value;
  }
  throw badRequest(`${param} must be a UTC day, YYYY-MM-DD`, param);
}

function toDailyUsageJson(row: Record<string, bigint | string>, columns: string[]): DailyUsageJson {
  const json: Record<string, unknown> = {};
  for (const column of columns) {
    const value = row[column] as string;
    json[column] = value === '' && emptyMeansNull.has(column) ? null : value;
  }
  for (const column of countColumns) json[column] = toSafeNumber(row[column] as bigint, column);
  const cost = row.cost_nano_usd as bigint;
  json.cost_nano_usd = cost.toString();
  json.cost_usd = formatNanoUsd(cost);
  return json as unknown as DailyUsageJson;
}

/** Counts and tokens stay numbers for convenience; silently rounding one would be a lie. */
function toSafeNumber(value: bigint, column: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`${column} total ${value} is beyond a safe JavaScript number`);
  return number;
}
