import { describe, expect, it } from 'vitest';
import { formatNanoUsd, formatPicoPerTokenAsUsdPerMillion, usdPerMillionToPicoPerToken, usdPerTokenToPicoPerToken, usdToNano } from './decimal.js';

describe('usdPerMillionToPicoPerToken', () => {
  it('moves the decimal point instead of multiplying floats', () => {
    expect(usdPerMillionToPicoPerToken(0.075)).toBe(75_000);
    expect(usdPerMillionToPicoPerToken(3)).toBe(3_000_000);
    expect(usdPerMillionToPicoPerToken('0.0375')).toBe(37_500);
    expect(usdPerMillionToPicoPerToken(0.000001)).toBe(1);
    expect(usdPerMillionToPicoPerToken('15.00')).toBe(15_000_000);
    expect(usdPerMillionToPicoPerToken(0)).toBe(0);
    expect(usdPerMillionToPicoPerToken(-0)).toBe(0);
  });

  it('is exact where float arithmetic is not', () => {
    // 0.1 + 0.2 is 0.30000000000000004 as a double; its shortest text has 17 decimals and is refused.
    expect(() => usdPerMillionToPicoPerToken(0.1 + 0.2)).toThrow(/finer than one pico-dollar per token/);
    expect(usdPerMillionToPicoPerToken(0.3)).toBe(300_000);
    // In floats 2.01 × 1e6 is 2009999.9999999998 and 3e-8 × 1e12 is 29999.999999999996.
    expect(2.01 * 1e6).not.toBe(2_010_000);
    expect(usdPerMillionToPicoPerToken(2.01)).toBe(2_010_000);
    expect(3e-8 * 1e12).not.toBe(30_000);
    expect(usdPerTokenToPicoPerToken(3e-8)).toBe(30_000);
    expect(usdPerTokenToPicoPerToken(1.5e-8)).toBe(15_000);
  });

  it('refuses what it cannot hold exactly, and what is not an amount', () => {
    expect(() => usdPerMillionToPicoPerToken('0.0000001')).toThrow(/finer than one pico-dollar per token/);
    expect(() => usdPerMillionToPicoPerToken(-1)).toThrow(/negative/);
    expect(() => usdPerMillionToPicoPerToken('-0.5')).toThrow(/negative/);
    expect(() => usdPerMillionToPicoPerToken(Number.NaN)).toThrow(/not a finite amount/);
    expect(() => usdPerMillionToPicoPerToken(Number.POSITIVE_INFINITY)).toThrow(/not a finite amount/);
    expect(() => usdPerMillionToPicoPerToken('abc')).toThrow(/not a decimal number/);
    expect(() => usdPerMillionToPicoPerToken('')).toThrow(/not a decimal number/);
    expect(() => usdPerMillionToPicoPerToken('1e999')).toThrow(/out of range/);
    expect(() => usdPerMillionToPicoPerToken(1e20)).toThrow(/too large/);
  });
});

describe('usdPerTokenToPicoPerToken', () => {
  it('reads exponent notation, as LiteLLM writes small prices', () => {
    expect(usdPerTokenToPicoPerToken(1.5e-7)).toBe(150_000);
    expect(usdPerTokenToPicoPerToken('1.5e-07')).toBe(150_000);
    expect(usdPerTokenToPicoPerToken(1e-7)).toBe(100_000);
    expect(usdPerTokenToPicoPerToken(3.75e-8)).toBe(37_500);
    expect(usdPerTokenToPicoPerToken(0.00000375)).toBe(3_750_000);
    expect(usdPerTokenToPicoPerToken('2.5E-6')).toBe(2_500_000);
    expect(usdPerTokenToPicoPerToken(1e-12)).toBe(1);
    expect(usdPerTokenToPicoPerToken(6e-7)).toBe(600_000);
  });

  it('refuses a rate finer than a pico-dollar, unless asked to round half up', () => {
    expect(() => usdPerTokenToPicoPerToken(1e-13)).toThrow(/finer than one pico-dollar/);
    expect(() => usdPerTokenToPicoPerToken(0.0000029999900000000002)).toThrow(/finer than one pico-dollar/);
    expect(usdPerTokenToPicoPerToken(0.0000029999900000000002, 'halfUp')).toBe(2_999_990);
    expect(usdPerTokenToPicoPerToken(3.0001999999999996e-7, 'halfUp')).toBe(300_020);
    expect(usdPerTokenToPicoPerToken('4.999e-13', 'halfUp')).toBe(0);
    expect(usdPerTokenToPicoPerToken('5e-13', 'halfUp')).toBe(1);
    expect(usdPerTokenToPicoPerToken('1.5e-12', 'halfUp')).toBe(2);
    expect(usdPerTokenToPicoPerToken(1.5e-7, 'halfUp')).toBe(150_000);
    expect(() => usdPerTokenToPicoPerToken(-1e-13, 'halfUp')).toThrow(/negative/);
  });
});

describe('usdToNano', () => {
  it('converts quota amounts exactly', () => {
    expect(usdToNano('12.5')).toBe(12_500_000_000);
    expect(usdToNano(0.1)).toBe(100_000_000);
    expect(usdToNano(1e-9)).toBe(1);
    expect(usdToNano('1000000')).toBe(1_000_000_000_000_000);
    expect(() => usdToNano('0.0000000001')).toThrow(/finer than one nano-dollar/);
    expect(() => usdToNano(10_000_000)).toThrow(/too large/);
  });
});

describe('formatNanoUsd', () => {
  it('writes nine exact decimals', () => {
    expect(formatNanoUsd(1234)).toBe('0.000001234');
    expect(formatNanoUsd(0)).toBe('0.000000000');
    expect(formatNanoUsd(12_500_000_000)).toBe('12.500000000');
    expect(formatNanoUsd(-1)).toBe('-0.000000001');
    expect(formatNanoUsd(Number.MAX_SAFE_INTEGER)).toBe('9007199.254740991');
    expect(formatNanoUsd(123_456_789_012_345_678_901n)).toBe('123456789012.345678901');
    expect(() => formatNanoUsd(0.5)).toThrow(/not a safe integer/);
  });

  it('round-trips with usdToNano', () => {
    for (const text of ['0.000000001', '3.141592653', '42.000000000']) expect(formatNanoUsd(usdToNano(text))).toBe(text);
  });
});

describe('formatPicoPerTokenAsUsdPerMillion', () => {
  it('writes a rate back as USD per million tokens', () => {
    expect(formatPicoPerTokenAsUsdPerMillion(150_000)).toBe('0.150000');
    expect(formatPicoPerTokenAsUsdPerMillion(usdPerMillionToPicoPerToken('0.0375'))).toBe('0.037500');
  });
});
