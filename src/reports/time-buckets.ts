/**
 * @module reports/time-buckets
 * Local calendar periods (days, ISO weeks, months) in any IANA zone, as boundaries on the hourly
 * rollups. Rollups are kept per UTC hour, so a period is a run of whole UTC hours: it starts at
 * the first UTC hour that begins at or after its local start. In every zone whose offset is whole
 * hours (UTC, Europe/Berlin, America/New_York... also across daylight-saving changes) that is the
 * local start itself, and periods are exact. In zones offset by 30 or 45 minutes (Asia/Kolkata
 * +05:30, Asia/Kathmandu +05:45, America/St_Johns −03:30, Australia/Adelaide +09:30/+10:30) a
 * period starts 30 or 45 minutes after local midnight: calls in that first half hour count in the
 * previous day. Reports say which case applies (`alignment`).
 *
 * @example
 * periodBoundaries('day', Date.parse('2026-07-01T00:00:00+02:00'), Date.parse('2026-07-03T00:00:00+02:00'), 'Europe/Berlin');
 * // [{ start: <2026-06-30T22:00Z>, label: '2026-07-01' }, { start: <2026-07-01T22:00Z>, label: '2026-07-02' }]
 */
import { dayWindow, localParts, monthWindow } from '../quotas/windows.js';
import { hourMs } from '../ledger/rollup-levels.js';

export type TimeDimension = 'hour' | 'day' | 'week' | 'month';

export interface Period {
  /** Epoch ms of the first UTC hour of the period. */
  start: number;
  label: string;
}

export const dayMs = 86_400_000;

/** The first whole UTC hour at or after `instant`. */
export function ceilToHour(instant: number): number {
  return Math.ceil(instant / hourMs) * hourMs;
}

/** The zone's offset from UTC at `instant`, in minutes (Kolkata: 330). */
export function offsetMinutes(instant: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const local = localParts(instant, timeZone);
  const wallClock = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return Math.round((wallClock - (instant - (((instant % 1000) + 1000) % 1000))) / 60_000);
}

/** `exact` when the zone's offset is whole hours throughout [from, to); `hour` when it is not. */
export function alignmentOf(from: number, to: number, timeZone: string): 'exact' | 'hour' {
  if (timeZone === 'UTC') return 'exact';
  for (let instant = from; instant < to; instant += 7 * dayMs) {
    if (offsetMinutes(instant, timeZone) % 60 !== 0) return 'hour';
  }
  return offsetMinutes(Math.max(from, to - 1), timeZone) % 60 === 0 ? 'exact' : 'hour';
}

/** The first instant of the local date `YYYY-MM-DD` in `timeZone`. */
export function startOfLocalDate(date: string, timeZone: string): number {
  const [year, month, day] = date.split('-').map(Number);
  let probe = Date.UTC(year, month - 1, day, 12);
  for (let attempt = 0; attempt < 3; attempt++) {
    const window = dayWindow(probe, timeZone);
    const id = window.id.slice(2);
    if (id === date) return window.startMs;
    probe += id < date ? dayMs : -dayMs;
  }
  throw new RangeError(`no local date ${date} in ${timeZone}`);
}

/**
 * Every period of `dimension` that overlaps [from, to) (both whole UTC hours), in order: its first
 * hour (clamped to `from`) and its label in the zone. `hour` is not a calendar period here: hours
 * are grouped by the rollup hour itself.
 */
export function periodBoundaries(dimension: Exclude<TimeDimension, 'hour'>, from: number, to: number, timeZone: string): Period[] {
  const periods: Period[] = [];
  let instant = from;
  while (instant < to) {
    const { startMs, endMs, label } = periodAt(dimension, instant, timeZone);
    const start = Math.max(from, ceilToHour(startMs));
    const end = ceilToHour(endMs);
    if (start < end && start < to) periods.push({ start, label });
    // The next period begins at this one's end (in whole hours, never going backwards).
    instant = Math.max(end, instant + hourMs);
  }
  return periods;
}

function periodAt(dimension: Exclude<TimeDimension, 'hour'>, instant: number, timeZone: string): { startMs: number; endMs: number; label: string } {
  switch (dimension) {
    case 'day': {
      const window = dayWindow(instant, timeZone);
      return { startMs: window.startMs, endMs: window.endMs, label: window.id.slice(2) };
    }
    case 'month': {
      const window = monthWindow(instant, timeZone);
      return { startMs: window.startMs, endMs: window.endMs, label: window.id.slice(2) };
    }
    case 'week': {
      // ISO weeks start on Monday; the label is that Monday's local date.
      const day = dayWindow(instant, timeZone);
      const date = day.id.slice(2);
      const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
      const monday = new Date(Date.parse(`${date}T00:00:00Z`) - weekday * dayMs).toISOString().slice(0, 10);
      const nextMonday = new Date(Date.parse(`${monday}T00:00:00Z`) + 7 * dayMs).toISOString().slice(0, 10);
      return { startMs: startOfLocalDate(monday, timeZone), endMs: startOfLocalDate(nextMonday, timeZone), label: monday };
    }
    default: {
      const unknown: never = dimension;
      throw new Error(`unknown period ${String(unknown)}`);
    }
  }
}

/** An hour's label: its local start with the offset, e.g. `2026-07-01T14:00:00+02:00` (`Z` in UTC). */
export function hourLabel(hour: number, timeZone: string): string {
  const offset = offsetMinutes(hour, timeZone);
  const local = new Date(hour + offset * 60_000).toISOString().slice(0, 19);
  if (timeZone === 'UTC') return `${local}Z`;
  const sign = offset < 0 ? '-' : '+';
  const absolute = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
}

/**
 * A SQL expression giving the index of the period that `column` falls in: a balanced tree of
 * CASEs over the boundaries, so a row costs log2(periods) comparisons (5 for a month of days).
 * The boundaries are integers the code computed, inlined as literals.
 */
export function periodIndexSql(column: string, starts: readonly number[]): string {
  const build = (low: number, high: number): string => {
    if (high - low <= 1) return String(low);
    const middle = Math.floor((low + high) / 2);
    return `CASE WHEN ${column} < ${Math.trunc(starts[middle])} THEN ${build(low, middle)} ELSE ${build(middle, high)} END`;
  };
  return starts.length === 0 ? '0' : build(0, starts.length);
}
