/**
 * @module ledger/query-calls
 * The calls API: ledger rows newest first (time, then id, descending), filtered and paged with a
 * keyset cursor, so a page costs the same deep in the history as at its start. Each filter shape
 * is served by an index: `calls_tenant_time`, `calls_key_time` or `calls_time`.
 *
 * @example
 * queryCalls(db, { tenant: 'acme', status: '5xx', from: '2026-07-01', limit: 100 });
 * // → { data: [...], next_cursor: 'MTc1...' }  (null on the last page)
 */
import { badRequest } from '../errors/gateway-error.js';
import { byteOrder, type Dialect, type SqlReader } from '../storage/sql-reader.js';
import { decodeCursor, encodeCursor, parseInstant, parseKindFilter, parseLimit, parseServiceFilter, parseStatusFilter } from './call-filters.js';
import { formatNanoUsd } from '../metering/decimal.js';

export interface CallQuery {
  tenant?: string;
  key?: string;
  /** Exact public model name. */
  model?: string;
  /** A route kind (`chat`, `prompt`, `proxy`...) or several, comma-separated. */
  kind?: string;
  /** Exact REST service name. */
  service?: string;
  /** Inclusive; ISO 8601 or epoch milliseconds. */
  from?: string | number;
  /** Exclusive; ISO 8601 or epoch milliseconds. */
  to?: string | number;
  /** `429`, `4xx`, `5xx`, `error` (>= 400) or `ok` (< 400). */
  status?: string | number;
  /** 1–500, default 50. */
  limit?: string | number;
  /** `next_cursor` of the previous page. */
  cursor?: string;
}

/** The columns whose JSON form is the stored value itself. */
interface CallColumns {
  id: string;
  tenant_id: string | null;
  key_id: string | null;
  kind: string;
  model: string | null;
  provider: string | null;
  upstream_model: string | null;
  prompt_name: string | null;
  prompt_version: number | null;
  status: number;
  error_code: string | null;
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  latency_ms: number;
  ttfb_ms: number | null;
  protocol: string | null;
  end_user: string | null;
  service: string | null;
  method: string | null;
  route: string | null;
  target: string | null;
  attempts: number | null;
  bytes_in: number | null;
  bytes_out: number | null;
}

export interface CallRecordJson extends CallColumns {
  time: string;
  /** Integer nano-USD as a decimal string; null when the cost is unknown. */
  cost_nano_usd: string | null;
  /** Exact USD, nine decimals, e.g. "0.000001234"; null when the cost is unknown. */
  cost_usd: string | null;
  cost_unknown: boolean;
  estimated: boolean;
  streamed: boolean;
  cache_hit: boolean;
  /** The provider's usage object as it reported it. */
  usage_raw: unknown;
  /** The caller's `x-tollgate-tags`, as an object of strings. */
  tags: Record<string, string> | null;
}

export interface CallPage {
  data: CallRecordJson[];
  next_cursor: string | null;
}

/** A row as the database returns it: booleans as 0/1 (SQLite) or true/false (PostgreSQL), usage as JSON text. */
interface CallRow extends CallColumns {
  time: number;
  cost_nano_usd: number | null;
  cost_unknown: number | boolean;
  estimated: number | boolean;
  streamed: number | boolean;
  cache_hit: number | boolean;
  usage_raw: string | null;
  tags: string | null;
}

export const defaultCallsLimit = 50;
export const maxCallsLimit = 500;

export async function queryCalls(reader: SqlReader, query: CallQuery): Promise<CallPage> {
  const { sql, params, limit } = buildCallsQuery(query, reader.dialect);
  const rows = await reader.all<CallRow>(sql, params);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map(toCallRecordJson),
    next_cursor: rows.length > limit && last ? encodeCursor({ time: last.time, id: last.id }) : null,
  };
}

/** The statement and its parameters; exported so tests can `EXPLAIN QUERY PLAN` it. */
export function buildCallsQuery(query: CallQuery, dialect: Dialect = 'sqlite'): { sql: string; params: Array<string | number>; limit: number } {
  const id = byteOrder(dialect, 'id');
  const conditions: string[] = [];
  const params: Array<string | number> = [];
  const where = (condition: string, ...values: Array<string | number>) => {
    conditions.push(condition);
    params.push(...values);
  };
  if (query.tenant !== undefined) where('tenant_id = ?', query.tenant);
  if (query.key !== undefined) where('key_id = ?', query.key);
  if (query.model !== undefined) where('model = ?', query.model);
  if (query.kind !== undefined) {
    const kinds = parseKindFilter(query.kind);
    where(`kind IN (${kinds.map(() => '?').join(', ')})`, ...kinds);
  }
  if (query.service !== undefined) where('service = ?', parseServiceFilter(query.service));
  const from = query.from === undefined ? undefined : parseInstant(query.from, 'from');
  const to = query.to === undefined ? undefined : parseInstant(query.to, 'to');
  if (from !== undefined && to !== undefined && from > to) throw badRequest('from must not be after to', 'from');
  if (from !== undefined) where('time >= ?', from);
  if (to !== undefined) where('time < ?', to);
  if (query.status !== undefined) {
    const status = parseStatusFilter(query.status);
    if (status.min !== undefined) where('status >= ?', status.min);
    if (status.max !== undefined) where('status <= ?', status.max);
  }
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor);
    // `time <= ?` bounds the index range; the OR only breaks ties within one millisecond.
    where(`time <= ? AND (time < ? OR ${id} < ?)`, cursor.time, cursor.time, cursor.id);
  }
  const limit = parseLimit(query.limit, defaultCallsLimit, maxCallsLimit);
  const sql = `SELECT * FROM calls${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}
    ORDER BY time DESC, ${id} DESC LIMIT ?`;
  return { sql, params: [...params, limit + 1], limit };
}

function toCallRecordJson(row: CallRow): CallRecordJson {
  const costKnown = row.cost_nano_usd !== null && row.cost_unknown !== 1;
  return {
    id: row.id,
    time: new Date(row.time).toISOString(),
    tenant_id: row.tenant_id,
    key_id: row.key_id,
    kind: row.kind,
    model: row.model,
    provider: row.provider,
    upstream_model: row.upstream_model,
    prompt_name: row.prompt_name,
    prompt_version: row.prompt_version,
    status: row.status,
    error_code: row.error_code,
    input_tokens: row.input_tokens,
    cached_input_tokens: row.cached_input_tokens,
    cache_write_tokens: row.cache_write_tokens,
    output_tokens: row.output_tokens,
    reasoning_tokens: row.reasoning_tokens,
    cost_nano_usd: costKnown ? String(row.cost_nano_usd) : null,
    cost_usd: costKnown ? formatNanoUsd(row.cost_nano_usd as number) : null,
    cost_unknown: Boolean(row.cost_unknown),
    estimated: Boolean(row.estimated),
    latency_ms: row.latency_ms,
    ttfb_ms: row.ttfb_ms,
    streamed: Boolean(row.streamed),
    cache_hit: Boolean(row.cache_hit),
    usage_raw: parseUsageRaw(row.usage_raw),
    protocol: row.protocol,
    end_user: row.end_user,
    tags: row.tags === null ? null : (parseUsageRaw(row.tags) as Record<string, string>),
    service: row.service,
    method: row.method,
    route: row.route,
    target: row.target,
    attempts: row.attempts,
    bytes_in: row.bytes_in,
    bytes_out: row.bytes_out,
  };
}

/** The stored JSON as an object; text that is not JSON is returned as it is rather than lost. */
function parseUsageRaw(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
