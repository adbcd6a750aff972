import { describe, expect, it } from 'vitest';
import { formatNanoUsd } from './format-nano-usd.js';

describe('formatNanoUsd', () => {
  it('formats integer nano-USD exactly with nine decimals', () => {
    expect(formatNanoUsd(0)).toBe('0.000000000');
    expect(formatNanoUsd(1)).toBe('0.000000001');
    expect(formatNanoUsd(1234)).toBe('0.000001234');
    expect(formatNanoUsd(1_000_000_000)).toBe('1.000000000');
    expect(formatNanoUsd(12_500_000_000n)).toBe('12.500000000');
    expect(formatNanoUsd(-1234)).toBe('-0.000001234');
    expect(formatNanoUsd(2n ** 63n - 1n)).toBe('9223372036.854775807');
  });

  it('refuses a number that is not a safe integer rather than round it', () => {
    expect(() => formatNanoUsd(1.5)).toThrow(RangeError);
    expect(() => formatNanoUsd(2 ** 53)).toThrow(RangeError);
  });
});
