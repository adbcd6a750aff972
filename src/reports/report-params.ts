/**
 * @module reports/report-params
 * The query string of `GET /admin/reports/usage` (and the trends report) parsed into a
 * `ReportQuery`, strictly: an unknown dimension, a bad zone or date, or too many values is a 400
 * naming the parameter. Dates are local to `tz`: a date alone is local midnight, `to` as a date
 * includes that whole day, a time `to` is exclusive. Boundaries are moved to whole UTC hours (see
 * time-buckets.ts for half-hour zones).
 */
import { badRequest } from '../errors/gateway-error.js';
import { parseInstant, withinQueryRange } from '../ledger/call-filters.js';
import { ceilToHour, dayMs, offsetMinutes, startOfLocalDate, type TimeDimension } from './time-buckets.js';

export const labelDimensions = ['tenant', 'key', 'model', 'provider', 'prompt', 'service', 'kind', 'end_user', 'tag'] as const;
export const timeDimensions = ['hour', 'day', 'week', 'month'] as const;
export type LabelDimension = (typeof labelDimensions)[number];
export type ReportDimension = LabelDimension | TimeDimension;

/** Filters: each is a list of accepted values (OR); tags are key=value pairs that must all match. */
export interface ReportFilters {
  tenant?: string[];
  key?: string[];
  model?: string[];
  provider?: string[];
  prompt?: string[];
  service?: string[];
  kind?: string[];
  end_user?: string[];
  tag?: Array<{ key: string; value: string }>;
}

export interface ReportQuery {
  groupBy: ReportDimension[];
  filters: ReportFilters;
  /** Whole UTC hours; undefined: unbounded. */
  from?: number;
  to?: number;
  timeZone: string;
  format: 'json' | 'csv';
}

const maxValuesPerFilter = 100;
const maxRangeMs = 3_700 * dayMs;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const localTimePattern = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** All values of each parameter, as `URLSearchParams` gives them. */
export type QueryValues = (name: string) => string[];

export function parseReportQuery(values: QueryValues, accept: string | undefined): ReportQuery {
  const timeZone = parseTimeZone(single(values, 'tz') ?? 'UTC');
  const groupBy = parseGroupBy(single(values, 'groupBy') ?? single(values, 'group_by') ?? '');
  const filters: ReportFilters = {};
  for (const name of labelDimensions) {
    const given = values(name);
    if (given.length === 0) continue;
    if (given.length > maxValuesPerFilter) throw badRequest(`${name} accepts at most ${maxValuesPerFilter} values`, name);
    for (const value of given) if (value.length > 1_024) throw badRequest(`${name} is too long`, name);
    if (name === 'tag') filters.tag = given.map(parseTagFilter);
    else filters[name] = given;
  }
  const from = optionalBoundary(single(values, 'from'), 'from', timeZone, false);
  const to = optionalBoundary(single(values, 'to'), 'to', timeZone, true);
  if (from !== undefined && to !== undefined) {
    if (from >= to) throw badRequest('from must be before to', 'from');
    if (to - from > maxRangeMs) throw badRequest('a report spans at most ten years', 'to');
  }
  return { groupBy, filters, from, to, timeZone, format: parseFormat(single(values, 'format'), accept) };
}

function single(values: QueryValues, name: string): string | undefined {
  const given = values(name);
  if (given.length > 1) throw badRequest(`${name} may be given once`, name);
  return given[0];
}

export function parseGroupBy(text: string): ReportDimension[] {
  const dimensions: ReportDimension[] = [];
  for (const raw of text.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    if (!(labelDimensions as readonly string[]).includes(name) && !(timeDimensions as readonly string[]).includes(name)) {
      throw badRequest(`groupBy accepts ${[...labelDimensions, ...timeDimensions].join(', ')}; got "${name.slice(0, 40)}"`, 'groupBy');
    }
    if (!dimensions.includes(name as ReportDimension)) dimensions.push(name as ReportDimension);
  }
  if (dimensions.filter((name) => (timeDimensions as readonly string[]).includes(name)).length > 1) {
    throw badRequest('groupBy takes at most one of hour, day, week, month', 'groupBy');
  }
  return dimensions;
}

export function parseTimeZone(zone: string): string {
  if (zone === 'UTC') return zone;
  if (zone.length <= 64) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return zone;
    } catch {
      // fall through to the error
    }
  }
  throw badRequest('tz must be an IANA time zone such as UTC, Europe/Berlin or Asia/Kolkata', 'tz');
}

function parseTagFilter(text: string): { key: string; value: string } {
  const separator = text.indexOf('=');
  if (separator <= 0) throw badRequest('tag filters are key=value, e.g. tag=team=search', 'tag');
  return { key: text.slice(0, separator), value: text.slice(separator + 1) };
}

function parseFormat(format: string | undefined, accept: string | undefined): 'json' | 'csv' {
  if (format === undefined) return accept?.includes('text/csv') ? 'csv' : 'json';
  if (format === 'json' || format === 'csv') return format;
  throw badRequest('format must be json or csv', 'format');
}

/**
 * A boundary as a whole UTC hour. A date is local midnight in `timeZone` (for `to`, the next day's:
 * the day is included); a date-time without an offset is local too; with `Z` or an offset, or as
 * epoch ms, it is that instant. Then moved to the first whole UTC hour at or after it.
 */
function optionalBoundary(text: string | undefined, param: string, timeZone: string, isEnd: boolean): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (datePattern.test(text)) {
    assertRealDate(text, param);
    const date = isEnd ? new Date(Date.parse(`${text}T00:00:00Z`) + dayMs).toISOString().slice(0, 10) : text;
    return ceilToHour(startOfLocalDate(date, timeZone));
  }
  const local = localTimePattern.exec(text);
  if (local) {
    assertRealDate(local[1], param);
    const [hours, minutes, seconds] = [Number(local[2]), Number(local[3]), Number(local[4] ?? 0)];
    if (hours > 23 || minutes > 59 || seconds > 59) throw badRequest(`${param} is not a valid time`, param);
    const wallClock = Date.parse(`${local[1]}T00:00:00Z`) + ((hours * 60 + minutes) * 60 + seconds) * 1_000;
    const guess = wallClock - offsetMinutes(wallClock, timeZone) * 60_000;
    return ceilToHour(wallClock - offsetMinutes(guess, timeZone) * 60_000);
  }
  return ceilToHour(parseInstant(text, param));
}

function assertRealDate(date: string, param: string): void {
  const time = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== date) throw badRequest(`${param} is not a real date: ${date}`, param);
  // Two days short of the range's end, so the next local midnight of any zone can still be formatted.
  withinQueryRange(time, param);
  withinQueryRange(time + 2 * dayMs, param);
}
