/**
 * @module metering/rates
 * The one fallback rule every price source shares: a source states input and output, and may leave
 * the cache-read, cache-write and reasoning rates unset.
 */
import type { TokenRates } from './types.js';

/** Rates as a source gives them (pico-dollars per token): input and output always, the others when set. */
export interface StatedRates {
  input: number;
  output: number;
  cachedInput?: number | null;
  cacheWrite?: number | null;
  reasoning?: number | null;
}

/** Unset cache-read, cache-write and reasoning rates fall back to input, input and output. */
export function withFallbacks(rates: StatedRates): TokenRates {
  return {
    input: rates.input,
    cachedInput: rates.cachedInput ?? rates.input,
    cacheWrite: rates.cacheWrite ?? rates.input,
    output: rates.output,
    reasoning: rates.reasoning ?? rates.output,
  };
}
