/**
 * @module test/quotas/windows.test
 * Window arithmetic: UTC minutes, calendar days that last 23 or 25 hours, a zone where midnight
 * does not exist on the day the clocks change, half-hour and 45-minute offsets, months in a zone.
 */
import { describe, expect, it } from 'vitest';
import { dayWindow, localParts, minuteWindow, monthWindow, msUntilReset } from '../../src/quotas/windows.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('minute windows', () => {
  it('are aligned to the UTC minute and numbered from the epoch', () => {
    const window = minuteWindow(at('2026-11-26T10:00:30.250Z'));
    expect(window).toEqual({ id: `m:${Math.floor(at('2026-11-26T10:00:00Z') / 60_000)}`, startMs: at('2026-11-26T10:00:00Z'), endMs: at('2026-11-26T10:01:00Z') });
    expect(msUntilReset(window, at('2026-11-26T10:00:30.250Z'))).toBe(29_750);
    expect(minuteWindow(at('2026-11-26T10:01:00Z')).id).not.toBe(window.id);
  });
});

describe('day windows', () => {
  const cases = [
    { zone: 'UTC', instant: '2026-11-26T23:59:59.999Z', id: 'd:2026-11-26', start: '2026-11-26T00:00:00.000Z', end: '2026-11-27T00:00:00.000Z' },
    { zone: 'Europe/Berlin', instant: '2026-03-29T12:00:00Z', id: 'd:2026-03-29', start: '2026-03-28T23:00:00.000Z', end: '2026-03-29T22:00:00.000Z' },
    { zone: 'Europe/Berlin', instant: '2026-10-25T01:30:00Z', id: 'd:2026-10-25', start: '2026-10-24T22:00:00.000Z', end: '2026-10-25T23:00:00.000Z' },
    { zone: 'Europe/Berlin', instant: '2026-03-28T22:59:59.999Z', id: 'd:2026-03-28', start: '2026-03-27T23:00:00.000Z', end: '2026-03-28T23:00:00.000Z' },
    { zone: 'America/New_York', instant: '2026-03-08T06:59:00Z', id: 'd:2026-03-08', start: '2026-03-08T05:00:00.000Z', end: '2026-03-09T04:00:00.000Z' },
    { zone: 'America/New_York', instant: '2026-11-01T05:30:00Z', id: 'd:2026-11-01', start: '2026-11-01T04:00:00.000Z', end: '2026-11-02T05:00:00.000Z' },
    // Havana springs forward at midnight: 8 March 2026 begins at 01:00 local.
    { zone: 'America/Havana', instant: '2026-03-08T12:00:00Z', id: 'd:2026-03-08', start: '2026-03-08T05:00:00.000Z', end: '2026-03-09T04:00:00.000Z' },
    { zone: 'Asia/Kolkata', instant: '2026-11-26T18:29:59Z', id: 'd:2026-11-26', start: '2026-11-25T18:30:00.000Z', end: '2026-11-26T18:30:00.000Z' },
    { zone: 'Pacific/Chatham', instant: '2026-11-26T10:15:00Z', id: 'd:2026-11-27', start: '2026-11-26T10:15:00.000Z', end: '2026-11-27T10:15:00.000Z' },
  ];
  for (const { zone, instant, id, start, end } of cases) {
    it(`${zone} at ${instant} is ${id}, ${start} – ${end}`, () => {
      const window = dayWindow(at(instant), zone);
      expect({ id: window.id, start: iso(window.startMs), end: iso(window.endMs) }).toEqual({ id, start, end });
    });
  }

  it('gives every instant of a 25-hour day the same window, and the next instant the next one', () => {
    const zone = 'America/New_York';
    const first = dayWindow(at('2026-11-01T04:00:00Z'), zone);
    for (let hour = 0; hour < 25; hour += 1) expect(dayWindow(at('2026-11-01T04:00:00Z') + hour * 3_600_000, zone)).toEqual(first);
    expect(dayWindow(first.endMs, zone).id).toBe('d:2026-11-02');
    expect(dayWindow(first.startMs - 1, zone).id).toBe('d:2026-10-31');
  });
});

describe('month windows', () => {
  it('follow the zone: 05:00Z on 1 December is still November in Los Angeles', () => {
    const window = monthWindow(at('2026-12-01T05:00:00Z'), 'America/Los_Angeles');
    expect({ id: window.id, start: iso(window.startMs), end: iso(window.endMs) }).toEqual({
      id: 'M:2026-11',
      start: '2026-11-01T07:00:00.000Z',
      end: '2026-12-01T08:00:00.000Z',
    });
  });

  it('roll over the year, and span a DST change (Berlin, March: 743 hours)', () => {
    expect(monthWindow(at('2026-12-31T23:30:00Z'), 'Europe/Berlin').id).toBe('M:2027-01');
    const march = monthWindow(at('2026-03-15T00:00:00Z'), 'Europe/Berlin');
    expect((march.endMs - march.startMs) / 3_600_000).toBe(743);
  });

  it('are recomputed when the cached window no longer holds the instant', () => {
    expect(monthWindow(at('2026-05-10T00:00:00Z'), 'Europe/Berlin').id).toBe('M:2026-05');
    expect(monthWindow(at('2026-04-10T00:00:00Z'), 'Europe/Berlin').id).toBe('M:2026-04');
    expect(monthWindow(at('2026-05-10T00:00:00Z'), 'Europe/Berlin').id).toBe('M:2026-05');
  });
});

describe('UTC, read without a time-zone formatter', () => {
  it('gives the same local time, day and month windows as the formatter does for Etc/UTC', () => {
    const instants = [Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1), Date.UTC(2028, 1, 29, 12), Date.UTC(1999, 11, 31, 23, 0, 0, 1)];
    for (let step = 0; step < 200; step++) instants.push(Date.UTC(2026, 0, 1) + step * 1_987_654_321);
    for (const instant of instants) {
      expect(localParts(instant, 'UTC')).toEqual(localParts(instant, 'Etc/UTC'));
      expect(dayWindow(instant, 'UTC')).toEqual(dayWindow(instant, 'Etc/UTC'));
      expect(monthWindow(instant, 'UTC')).toEqual(monthWindow(instant, 'Etc/UTC'));
    }
  });
});
