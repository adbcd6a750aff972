import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { alignmentOf, ceilToHour, hourLabel, offsetMinutes, periodBoundaries, periodIndexSql, startOfLocalDate } from './time-buckets.js';

const at = (iso: string) => Date.parse(iso);
const hour = 3_600_000;

describe('periodBoundaries', () => {
  it('gives exact local days in a whole-hour zone, 23 and 25 hours long across daylight saving', () => {
    const days = periodBoundaries('day', at('2026-03-28T23:00:00Z'), at('2026-03-30T22:00:00Z'), 'Europe/Berlin');
    expect(days).toEqual([
      { start: at('2026-03-28T23:00:00Z'), label: '2026-03-29' },
      { start: at('2026-03-29T22:00:00Z'), label: '2026-03-30' },
    ]);
    const autumn = periodBoundaries('day', at('2026-10-24T22:00:00Z'), at('2026-10-26T23:00:00Z'), 'Europe/Berlin');
    expect(autumn.map((day) => day.label)).toEqual(['2026-10-25', '2026-10-26']);
    expect(autumn[1].start - autumn[0].start).toBe(25 * hour);
  });

  it('starts a half-hour zone\'s day at the first whole UTC hour after local midnight', () => {
    // Asia/Kolkata is +05:30: local midnight of July 2 is 18:30Z on July 1; the day begins at 19:00Z.
    const days = periodBoundaries('day', at('2026-06-30T19:00:00Z'), at('2026-07-02T19:00:00Z'), 'Asia/Kolkata');
    expect(days).toEqual([
      { start: at('2026-06-30T19:00:00Z'), label: '2026-07-01' },
      { start: at('2026-07-01T19:00:00Z'), label: '2026-07-02' },
    ]);
    expect(alignmentOf(at('2026-07-01T00:00:00Z'), at('2026-07-02T00:00:00Z'), 'Asia/Kolkata')).toBe('hour');
    expect(alignmentOf(at('2026-07-01T00:00:00Z'), at('2026-07-02T00:00:00Z'), 'America/New_York')).toBe('exact');
  });

  it('labels ISO weeks by their Monday and months by year-month', () => {
    const weeks = periodBoundaries('week', at('2026-07-01T00:00:00Z'), at('2026-07-15T00:00:00Z'), 'UTC');
    expect(weeks.map((week) => week.label)).toEqual(['2026-06-29', '2026-07-06', '2026-07-13']);
    expect(weeks[1].start).toBe(at('2026-07-06T00:00:00Z'));
    const months = periodBoundaries('month', at('2026-01-31T23:00:00Z'), at('2026-04-30T22:00:00Z'), 'Europe/Berlin');
    expect(months).toEqual([
      { start: at('2026-01-31T23:00:00Z'), label: '2026-02' },
      { start: at('2026-02-28T23:00:00Z'), label: '2026-03' },
      { start: at('2026-03-31T22:00:00Z'), label: '2026-04' },
    ]);
  });
});

describe('periodIndexSql', () => {
  it('finds every hour\'s period in SQLite with a balanced CASE', () => {
    const db = new Database(':memory:');
    const starts = Array.from({ length: 37 }, (_, index) => index * 24 * hour);
    const expression = periodIndexSql('?', starts);
    for (const probe of [0, hour, 24 * hour - 1, 24 * hour, 17 * 24 * hour + 5, 36 * 24 * hour, 40 * 24 * hour]) {
      const expected = Math.min(36, Math.floor(probe / (24 * hour)));
      const parameters = Array.from({ length: expression.split('?').length - 1 }, () => probe);
      expect(db.prepare(`SELECT ${expression} AS bucket`).pluck().get(...parameters)).toBe(expected);
    }
  });
});

describe('zones and labels', () => {
  it('reads offsets, local dates and hour labels', () => {
    expect(offsetMinutes(at('2026-07-01T00:00:00Z'), 'Asia/Kathmandu')).toBe(345);
    expect(offsetMinutes(at('2026-01-01T00:00:00Z'), 'America/St_Johns')).toBe(-210);
    expect(startOfLocalDate('2026-07-01', 'Pacific/Kiritimati')).toBe(at('2026-06-30T10:00:00Z'));
    expect(hourLabel(at('2026-07-01T12:00:00Z'), 'Europe/Berlin')).toBe('2026-07-01T14:00:00+02:00');
    expect(hourLabel(at('2026-07-01T12:00:00Z'), 'UTC')).toBe('2026-07-01T12:00:00Z');
    expect(hourLabel(at('2026-07-01T12:00:00Z'), 'Asia/Kolkata')).toBe('2026-07-01T17:30:00+05:30');
    expect(ceilToHour(at('2026-07-01T12:00:00Z'))).toBe(at('2026-07-01T12:00:00Z'));
    expect(ceilToHour(at('2026-07-01T12:00:00.001Z'))).toBe(at('2026-07-01T13:00:00Z'));
  });
});
