/**
 * @module test/quotas/quota-limits.test
 * USD to nano-dollars, exactly: no float multiplication, exponent forms, truncation below a nano.
 */
import { describe, expect, it } from 'vitest';
import { quotaLimitsFromConfig, usdToNanoUsd } from '../../src/quotas/quota-limits.js';
import { formatResetDuration } from '../../src/quotas/rate-limit-headers.js';
import { formatUsd } from '../../src/quotas/quota-errors.js';

describe('usdToNanoUsd', () => {
  const exact: Array<[number | string, number]> = [
    [0, 0],
    ['0', 0],
    [0.1, 100_000_000],
    [0.3, 300_000_000],
    ['0.075', 75_000_000],
    [12.5, 12_500_000_000],
    ['12.500000000', 12_500_000_000],
    [1e-7, 100],
    ['1e-7', 100],
    [1e-9, 1],
    ['2.5E+3', 2_500_000_000_000],
    [123.456789123, 123_456_789_123],
    ['9007199.254740991', Number.MAX_SAFE_INTEGER],
  ];
  for (const [input, expected] of exact) {
    it(`${typeof input} ${String(input)} → ${expected}`, () => expect(usdToNanoUsd(input)).toBe(expected));
  }

  it('refuses digits below a nano-dollar rather than silently changing the limit', () => {
    expect(() => usdToNanoUsd('0.0000000019', 'costPerDayUsd')).toThrow(/^costPerDayUsd: /);
    expect(() => usdToNanoUsd(1e-10)).toThrow(RangeError);
    expect(usdToNanoUsd('0.000000002')).toBe(2);
  });

  it('refuses malformed, negative and too large amounts', () => {
    for (const bad of ['-1', 'abc', '', '1.2.3', Number.NaN, Number.POSITIVE_INFINITY, -0.5]) {
      expect(() => usdToNanoUsd(bad, 'costPerDayUsd')).toThrow(RangeError);
    }
    expect(() => usdToNanoUsd('9007199.254740992')).toThrow(RangeError);
    expect(() => usdToNanoUsd('1e999999999')).toThrow(RangeError);
  });
});

describe('quotaLimitsFromConfig', () => {
  it('converts money and copies the rest, leaving absent limits absent', () => {
    expect(
      quotaLimitsFromConfig({ requestsPerMinute: 60, tokensPerMinute: 1000, tokensPerDay: 5000, concurrentRequests: 2, costPerDayUsd: '5', costPerMonthUsd: 0.1 }),
    ).toEqual({
      requestsPerMinute: 60,
      tokensPerMinute: 1000,
      tokensPerDay: 5000,
      concurrentRequests: 2,
      costPerDayNanoUsd: 5_000_000_000,
      costPerMonthNanoUsd: 100_000_000,
    });
    expect(quotaLimitsFromConfig({})).toEqual({});
  });
});

describe('formatting', () => {
  it('reset durations the way OpenAI writes them', () => {
    expect([0, 350, 999, 1000, 1001, 12_000, 60_000, 90_000, 3_600_000, 3_725_000].map(formatResetDuration)).toEqual([
      '0ms', '350ms', '999ms', '1s', '2s', '12s', '1m0s', '1m30s', '1h0m0s', '1h2m5s',
    ]);
  });

  it('USD amounts with at least cents and no float noise', () => {
    expect([0, 1, 10_000_000, 5_000_000_000, 123_456_789_123].map(formatUsd)).toEqual(['$0.00', '$0.000000001', '$0.01', '$5.00', '$123.456789123']);
  });
});
