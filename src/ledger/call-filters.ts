/**
 * @module ledger/call-filters
 * Parses the query parameters of the calls API into values `queryCalls` can bind: instants,
 * status filters, page size and the keyset cursor. Every mistake is a 400 naming the parameter.
 * Strict on purpose: `Date.parse` would read "2024-02-30" as March 1 and "March 7" as a date.
 */
import { earliestQueryTimeMs, latestQueryTimeMs } from '../../schemas/limits.js';
import { serviceNamePattern } from '../../schemas/services-config.js';
import { badRequest } from '../errors/gateway-error.js';
import { callKinds, type CallKind } from './types.js';

/** Inclusive bounds on `calls.status`; an absent bound is open. */
export type StatusFilter = { min?: number; max?: number };

export interface CallCursor {
  time: number;
  id: string;
}

const isoPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Epoch milliseconds from epoch ms (a number, or a string of digits) or ISO 8601. A date alone is
 * UTC midnight; a date-time without an offset is read as UTC.
 */
export function parseInstant(value: string | number, param: string): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return withinQueryRange(value, param);
    throw badRequest(`${param} must be epoch milliseconds or an ISO 8601 time`, param);
  }
  if (/^\d{1,16}$/.test(value)) return withinQueryRange(Number(value), param);
  const match = isoPattern.exec(value);
  const instant = match ? isoToEpochMs(match) : undefined;
  if (instant === undefined) throw badRequest(`${param} must be epoch milliseconds or an ISO 8601 time, got "${value.slice(0, 64)}"`, param);
  return withinQueryRange(instant, param);
}

/** An instant between 1970 and the year 9999 (see schemas/limits.ts), else a 400 naming the parameter. */
export function withinQueryRange(instant: number, param: string): number {
  if (instant >= earliestQueryTimeMs && instant <= latestQueryTimeMs) return instant;
  throw badRequest(`${param} must lie between 1970-01-01 and 9999-01-01`, param);
}

function isoToEpochMs(match: RegExpExecArray): number | undefined {
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', offset = 'Z'] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const time = Date.UTC(y, mo - 1, d, h, mi, s, Number(fraction.padEnd(3, '0').slice(0, 3)));
  // Date.UTC rolls 2024-02-30 over to March: refuse a day the month does not have.
  if (new Date(time).getUTCDate() !== d) return undefined;
  if (offset.toUpperCase() === 'Z') return time;
  const digits = offset.replace(':', '');
  const offsetHours = Number(digits.slice(1, 3));
  const offsetMinutes = Number(digits.slice(3, 5));
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const sign = digits[0] === '-' ? -1 : 1;
  return time - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}

/** `429` (exact), `4xx`/`5xx` (a class), `error` (>= 400) or `ok` (< 400); bounds inclusive. */
export function parseStatusFilter(value: string | number): StatusFilter {
  const text = String(value).trim().toLowerCase();
  if (text === 'error') return { min: 400 };
  if (text === 'ok') return { max: 399 };
  const statusClass = /^([1-5])xx$/.exec(text);
  if (statusClass) {
    const base = Number(statusClass[1]) * 100;
    return { min: base, max: base + 99 };
  }
  if (/^[1-5]\d\d$/.test(text)) return { min: Number(text), max: Number(text) };
  throw badRequest(`status must be a status code (429), a class (4xx, 5xx), "error" or "ok", got "${value}"`, 'status');
}

/** `chat`, or several kinds separated by commas (`chat,prompt`); each must be a kind a row can have. */
export function parseKindFilter(value: string): CallKind[] {
  const kinds = new Set<CallKind>();
  for (const item of value.split(',', callKinds.length + 1)) {
    const kind = item.trim().toLowerCase();
    if (!(callKinds as readonly string[]).includes(kind)) {
      throw badRequest(`kind must be one or more of ${callKinds.join(', ')} (comma-separated), got "${value.slice(0, 64)}"`, 'kind');
    }
    kinds.add(kind as CallKind);
  }
  return [...kinds];
}

/** A REST service's name, spelled as a configured one must be (it may since have left the configuration). */
export function parseServiceFilter(value: string): string {
  if (serviceNamePattern.test(value)) return value;
  throw badRequest(`service must be a service name (lowercase letters, digits, _ and -, at most 64), got "${value.slice(0, 64)}"`, 'service');
}

export function parseLimit(value: string | number | undefined, defaultLimit: number, maxLimit: number): number {
  if (value === undefined) return defaultLimit;
  const limit = typeof value === 'number' ? value : /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isInteger(limit) && limit >= 1 && limit <= maxLimit) return limit;
  throw badRequest(`limit must be an integer from 1 to ${maxLimit}`, 'limit');
}

/** Opaque to clients: base64url of `time:id` of the last row of the page. */
export function encodeCursor(cursor: CallCursor): string {
  return Buffer.from(`${cursor.time}:${cursor.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(value: string): CallCursor {
  const invalid = () => badRequest('cursor is not a cursor this API returned', 'cursor');
  // Node's decoder skips characters it does not know; insist on the exact canonical encoding.
  if (!/^[A-Za-z0-9_-]{1,700}$/.test(value)) throw invalid();
  const text = Buffer.from(value, 'base64url').toString('utf8');
  if (Buffer.from(text, 'utf8').toString('base64url') !== value) throw invalid();
  // Request ids are printable: a control character means the cursor was edited.
  const match = /^(\d{1,16}):([^\u0000-\u001f\u007f]+)$/.exec(text);
  if (!match || !Number.isSafeInteger(Number(match[1]))) throw invalid();
  return { time: Number(match[1]), id: match[2] };
}
