/**
 * @module quotas/quota-limits
 * Configured limits (USD as a YAML number or a decimal string) to enforcement limits (integer
 * nano-dollars). The decimal text is parsed digit by digit with BigInt: `0.1 * 1e9` in floating
 * point is 100000000.00000001, and a budget must not move by a rounding error.
 *
 * @example
 * quotaLimitsFromConfig({ costPerDayUsd: '12.5', requestsPerMinute: 60 });
 * // { costPerDayNanoUsd: 12_500_000_000, requestsPerMinute: 60 }
 */
import type { QuotaLimitsConfig } from '../../schemas/config.js';
import type { QuotaLimits } from './types.js';

const nanoPerUsdExponent = 9;

export function quotaLimitsFromConfig(config: QuotaLimitsConfig): QuotaLimits {
  const limits: QuotaLimits = {};
  if (config.requestsPerMinute !== undefined) limits.requestsPerMinute = config.requestsPerMinute;
  if (config.tokensPerMinute !== undefined) limits.tokensPerMinute = config.tokensPerMinute;
  if (config.tokensPerDay !== undefined) limits.tokensPerDay = config.tokensPerDay;
  if (config.concurrentRequests !== undefined) limits.concurrentRequests = config.concurrentRequests;
  if (config.costPerDayUsd !== undefined) limits.costPerDayNanoUsd = usdToNanoUsd(config.costPerDayUsd, 'costPerDayUsd');
  if (config.costPerMonthUsd !== undefined) limits.costPerMonthNanoUsd = usdToNanoUsd(config.costPerMonthUsd, 'costPerMonthUsd');
  return limits;
}

/**
 * Exact USD → nano-USD. Accepts what `String(number)` can produce (`0.075`, `1e-7`, `1.5e+21`) and
 * plain decimal strings. Digits below a nano-dollar are dropped (a limit rounds down, never up).
 * Throws a RangeError for negative or malformed amounts and for amounts beyond
 * Number.MAX_SAFE_INTEGER nano-dollars (about 9 million USD), where counters would lose exactness.
 */
export function usdToNanoUsd(amount: number | string, field = 'amount'): number {
  const text = typeof amount === 'number' ? String(amount) : amount.trim();
  const match = /^(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) throw new RangeError(`${field}: "${text}" is not a non-negative decimal amount of USD`);
  const [, whole, fraction = '', exponentText = '0'] = match;
  const digitText = whole + fraction;
  const shift = Number(exponentText) - fraction.length + nanoPerUsdExponent;
  const nano = scaleByPowerOfTen(BigInt(digitText), shift, digitText.length);
  if (nano > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`${field}: ${text} USD is too large (at most ${Number.MAX_SAFE_INTEGER} nano-USD)`);
  }
  return Number(nano);
}

/** digits × 10^shift, truncated; bounded so an absurd exponent ("1e999999999") builds no huge power. */
function scaleByPowerOfTen(digits: bigint, shift: number, digitCount: number): bigint {
  if (digits === 0n || -shift > digitCount) return 0n;
  if (shift >= 0) return digits * 10n ** BigInt(Math.min(shift, 40));
  return digits / 10n ** BigInt(-shift);
}
