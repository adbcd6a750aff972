/**
 * @module quotas/quota-limits
 * Configured limits (USD as a YAML number or a decimal string) to enforcement limits (integer
 * nano-dollars), exactly: `0.1 * 1e9` in floating point is 100000000.00000001, and a budget must
 * not move by a rounding error.
 *
 * @example
 * quotaLimitsFromConfig({ costPerDayUsd: '12.5', requestsPerMinute: 60 });
 * // { costPerDayNanoUsd: 12_500_000_000, requestsPerMinute: 60 }
 */
import type { QuotaLimitsConfig } from '../../schemas/config.js';
import { usdToNano } from '../metering/decimal.js';
import type { QuotaLimits } from './types.js';

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
 * Exact USD → nano-USD for a named setting: the metering module's conversion (decimal text, never
 * a float multiplication), with the setting's name in the error. An amount finer than a nano-dollar
 * or beyond about 9 million USD is refused rather than silently changed.
 */
export function usdToNanoUsd(amount: number | string, field = 'amount'): number {
  try {
    return usdToNano(amount);
  } catch (error) {
    throw new RangeError(`${field}: ${(error as Error).message}`);
  }
}
