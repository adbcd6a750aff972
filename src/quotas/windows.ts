/**
 * @module quotas/windows
 * Window arithmetic. Minute windows are fixed and aligned to the UTC minute; day and month windows
 * are calendar periods in the subject's IANA zone, so a day lasts 23 or 25 hours when the clocks
 * change. The local date comes from `Intl.DateTimeFormat`; a period's first instant is found from
 * the zone's offset and verified, with a binary search for the zones where local midnight does not
 * exist (clocks jump from 23:59 to 01:00, e.g. America/Havana). No dependencies. UTC, the default
 * zone, is read from the Date's UTC fields instead: a time-zone formatter pulls ~7 MB of ICU data
 * into the process's resident memory, which a gateway whose tenants all count in UTC never needs.
 *
 * @example
 * dayWindow(Date.parse('2026-03-29T12:00:00Z'), 'Europe/Berlin');
 * // { id: 'd:2026-03-29', startMs: <22:00Z the 28th>, endMs: <22:00Z the 29th> } — 23 hours long
 */

export interface QuotaWindow {
  /** Unique per window and kind: `m:29301234` (UTC minute number), `d:2026-11-26`, `M:2026-11`. */
  id: string;
  startMs: number;
  endMs: number;
}

const minuteMs = 60_000;
const hourMs = 3_600_000;

export function minuteWindow(now: number): QuotaWindow {
  const index = Math.floor(now / minuteMs);
  return { id: `m:${index}`, startMs: index * minuteMs, endMs: (index + 1) * minuteMs };
}

export function dayWindow(now: number, timeZone: string): QuotaWindow {
  return cached(`d|${timeZone}`, now, () => {
    const { year, month, day } = localParts(now, timeZone);
    const next = civilNextDay(year, month, day);
    return {
      id: `d:${year}-${pad(month)}-${pad(day)}`,
      startMs: startOfLocalDate(year, month, day, timeZone),
      endMs: endAfter(now, dateKey(year, month, day), startOfLocalDate(next.year, next.month, next.day, timeZone), timeZone),
    };
  });
}

export function monthWindow(now: number, timeZone: string): QuotaWindow {
  return cached(`M|${timeZone}`, now, () => {
    const { year, month } = localParts(now, timeZone);
    const nextYear = month === 12 ? year + 1 : year;
    const nextMonth = month === 12 ? 1 : month + 1;
    return {
      id: `M:${year}-${pad(month)}`,
      startMs: startOfLocalDate(year, month, 1, timeZone),
      endMs: endAfter(now, dateKey(year, month, 31), startOfLocalDate(nextYear, nextMonth, 1, timeZone), timeZone),
    };
  });
}

/** Milliseconds from `now` until the window resets; never negative. */
export function msUntilReset(window: QuotaWindow, now: number): number {
  return Math.max(0, window.endMs - now);
}

/**
 * Windows are recomputed only when `now` leaves the cached one: a reservation asks for its day and
 * month windows on every call, and each computation costs a few `Intl` calls.
 */
const windowCache = new Map<string, QuotaWindow>();

function cached(cacheKey: string, now: number, compute: () => QuotaWindow): QuotaWindow {
  const hit = windowCache.get(cacheKey);
  if (hit && now >= hit.startMs && now < hit.endMs) return hit;
  const window = compute();
  // Zones are few (IANA has ~600), so the cache stays small without eviction.
  if (now >= window.startMs && now < window.endMs) windowCache.set(cacheKey, window);
  return window;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      // h23, not hour12:false, which some ICU versions render as "24" at midnight.
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function localParts(instant: number, timeZone: string): LocalParts {
  if (timeZone === 'UTC') {
    const date = new Date(instant);
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    };
  }
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** The zone's offset from UTC at `instant`, in ms (Berlin in summer: +7_200_000). */
function offsetAt(instant: number, timeZone: string): number {
  const local = localParts(instant, timeZone);
  const wallClockAsUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return wallClockAsUtc - (instant - mod(instant, 1000));
}

/** The first instant whose local date is `year-month-day` (or later). */
function startOfLocalDate(year: number, month: number, day: number, timeZone: string): number {
  const target = dateKey(year, month, day);
  const midnightAsUtc = Date.UTC(year, month - 1, day);
  const guess = midnightAsUtc - offsetAt(midnightAsUtc, timeZone);
  const candidate = midnightAsUtc - offsetAt(guess, timeZone);
  if (localDateKey(candidate, timeZone) === target && localDateKey(candidate - 1, timeZone) < target) return candidate;
  // Midnight does not exist that day (or the offset moved twice): search. Offsets lie within ±14 h.
  return firstInstantWhere(midnightAsUtc - 15 * hourMs, midnightAsUtc + 15 * hourMs, (t) => localDateKey(t, timeZone) >= target);
}

/**
 * The window's end: normally the start of the next period. Where the clocks fall back across
 * midnight (local date briefly goes backwards), `now` can lie past that instant; then the window
 * ends when the local date next moves past the current one.
 */
function endAfter(now: number, currentKey: number, nextStart: number, timeZone: string): number {
  if (nextStart > now) return nextStart;
  return firstInstantWhere(now + 1, now + 48 * hourMs, (t) => localDateKey(t, timeZone) > currentKey);
}

/** Smallest t in [low, high] for which `predicate` holds, assuming it is monotone on that range. */
function firstInstantWhere(low: number, high: number, predicate: (t: number) => boolean): number {
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (predicate(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

function localDateKey(instant: number, timeZone: string): number {
  const { year, month, day } = localParts(instant, timeZone);
  return dateKey(year, month, day);
}

function dateKey(year: number, month: number, day: number): number {
  return year * 10_000 + month * 100 + day;
}

function civilNextDay(year: number, month: number, day: number): { year: number; month: number; day: number } {
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function mod(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
